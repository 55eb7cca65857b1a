"""Reads of the outbox, for staff."""

from datetime import datetime

from allauth.account.models import EmailAddress
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from interviews.notifications.models import OutboxMessage


def outbox_health(*, now: datetime | None = None) -> dict:
    """The unsent messages by state, in one query over the pending rows (their partial index):
    `due` (first attempt pending, due now), `failing` (retrying), `given_up` (out of attempts),
    and `oldest_due` (when the longest-waiting due message was due: the dispatcher's lag)."""
    now = now or timezone.now()
    limit = OutboxMessage.MAX_ATTEMPTS
    due = Q(attempts__lt=limit, next_attempt_at__lte=now)
    return OutboxMessage.objects.filter(sent_at__isnull=True, withdrawn_at__isnull=True).aggregate(
        due=Count("pk", filter=due & Q(attempts=0)),
        failing=Count("pk", filter=Q(attempts__gt=0, attempts__lt=limit)),
        given_up=Count("pk", filter=Q(attempts__gte=limit)),
        oldest_due=Min("due_at", filter=due),
    )


def member_messages(user: User) -> QuerySet[OutboxMessage]:
    """Every message owed or sent to the member: theirs, and account e-mails written to any of
    their addresses (a secondary or unconfirmed one has no member on the row)."""
    addresses = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    to_them = Q(recipient=user)
    for address in addresses:
        to_them |= Q(to_email__iexact=address)
    return OutboxMessage.objects.filter(to_them)
