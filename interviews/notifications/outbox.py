"""The outbox: messages owed, written with their cause, sent by the dispatcher.

Parts that cause messages own their kinds (interviews.notifications.kinds) and write rows through
outbox_owe and outbox_write; this module knows no kind and imports no other part.
"""

import logging
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from accounts.models import User
from accounts.queue import enqueue_on_commit
from interviews.notifications.calendar import session_invite
from interviews.notifications.kinds import KINDS
from interviews.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_owe(
    *, kind: str, recipients: list[User], due_at: datetime, session=None, match_request=None
) -> list[OutboxMessage]:
    """Unsaved rows owing `kind` to each recipient (pass them to outbox_write)."""
    return [
        OutboxMessage(
            recipient=recipient,
            kind=kind,
            session=session,
            match_request=match_request,
            sequence=session.sequence if session is not None else 0,
            due_at=due_at,
            next_attempt_at=due_at,
        )
        for recipient in recipients
    ]


DISPATCH_SOON_COALESCE_SECONDS = 2


def outbox_write(rows: list[OutboxMessage]) -> None:
    """Write owed messages in the caller's transaction and send them right after it commits.

    Writing the same owed message twice (a retried event) keeps one row. A reminder the recipient
    turned off (the kind's `preference`) is not written. The beat's run covers the dispatch
    queued here; a burst of events shares one queued dispatch.
    """
    rows = [row for row in rows if _wanted(row)]
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    enqueue_on_commit(
        "interviews.notifications.tasks.dispatch_outbox", coalesce_seconds=DISPATCH_SOON_COALESCE_SECONDS
    )


def _wanted(row: OutboxMessage) -> bool:
    kind = KINDS.get(row.kind)
    preference = kind.preference if kind else None
    return preference is None or getattr(row.recipient, preference, True)


def outbox_withdraw(*, session, kinds: list[str], now: datetime) -> int:
    """Withdraw the session's unsent messages of these kinds (they are no longer owed)."""
    return OutboxMessage.objects.filter(
        session=session, kind__in=kinds, sent_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)


def outbox_withdraw_to(*, recipient, now: datetime) -> int:
    """Withdraw every unsent message to this person (they left or were deactivated)."""
    return OutboxMessage.objects.filter(
        recipient=recipient, sent_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)


def _still_owed(message: OutboxMessage) -> bool:
    # An unknown kind is not withdrawn here: rendering fails and the row is recorded as failing.
    kind = KINDS.get(message.kind)
    return kind is None or kind.still_owed(message)


def message_id(message: OutboxMessage) -> str:
    """Derived from the outbox row alone, so a copy sent again after a crash (see outbox_dispatch)
    carries the same Message-ID and mail clients show it once."""
    return f"<outbox-{message.pk}@{urlsplit(settings.SITE_URL).hostname or 'peerloop'}>"


def _render_plain(template_name: str, context: dict) -> str:
    """Subjects and text bodies are plain text: nothing is HTML-escaped (O'Brien & Co stays so)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def message_render(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail for a row: texts in the recipient's own time zone, the invite where it belongs."""
    kind, session, recipient = KINDS[message.kind], message.session, message.recipient
    if kind.build:
        return kind.build(message)
    context = {
        "message": message,
        "session": session,
        "match_request": message.match_request,
        "recipient": recipient,
        "site_url": settings.SITE_URL,
        **kind.context(message),
    }
    with timezone.override(ZoneInfo(recipient.time_zone)):
        subject = " ".join(_render_plain(f"emails/{message.kind}/subject.txt", context).split())
        text = _render_plain(f"emails/{message.kind}/body.txt", context)
        html = render_to_string(f"emails/{message.kind}/body.html", context)
    email = EmailMultiAlternatives(
        subject=subject, body=text, to=[recipient.email], headers={"Message-ID": message_id(message)}
    )
    email.attach_alternative(html, "text/html")
    if kind.invite:
        cancelled = kind.invite == "CANCEL"
        email.attach(
            "invite.ics", session_invite(session, cancelled=cancelled), f"text/calendar; method={kind.invite}"
        )
    return email


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(60, 2**attempts))


def outbox_dispatch(*, now: datetime | None = None, limit: int = 1000, time_budget: float = 90.0) -> int:
    """Send due messages, each in its own transaction: claim (skipping rows another dispatcher
    holds), send, mark sent, commit. A crash before the commit leaves the row unsent and
    unlocked for the next run; a row marked sent is never sent again. A failed send is
    recorded and retried with backoff, up to MAX_ATTEMPTS. Returns how many were sent.

    The one window SMTP cannot close: the server accepted a message and the process died before
    the commit. Nothing but one UPDATE stands between the two, and the copy sent again carries
    the same Message-ID (message_id), which mail clients use to show it once.
    """
    sent, cursor = 0, 0
    deadline = time.monotonic() + time_budget
    connection = get_connection()
    try:
        for _ in range(limit):
            if time.monotonic() > deadline:  # stay well inside the task's time limit
                break
            with transaction.atomic():
                # Walk forward by id (the order of the partial index of pending rows): one
                # attempt per message per run, and no rescan of the rows already behind.
                message = (
                    OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related(
                        "recipient", "session__candidate", "session__interviewer", "match_request"
                    )
                    .filter(
                        sent_at__isnull=True,
                        withdrawn_at__isnull=True,
                        attempts__lt=OutboxMessage.MAX_ATTEMPTS,
                        next_attempt_at__lte=now or timezone.now(),
                        pk__gt=cursor,
                    )
                    .order_by("pk")
                    .first()
                )
                if message is None:
                    break
                cursor = message.pk
                if not _still_owed(message):
                    message.withdrawn_at = timezone.now()
                    message.save(update_fields=["withdrawn_at"])
                    continue
                message.attempts += 1
                try:
                    connection.open()  # kept open across messages (send_messages alone would close it)
                    connection.send_messages([message_render(message)])
                except Exception as exc:
                    connection.close()
                    message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
                    message.next_attempt_at = timezone.now() + _retry_delay(message.attempts)
                    message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                    logger.warning(
                        "outbox message %s failed (attempt %s): %s", message.pk, message.attempts, exc
                    )
                else:
                    message.sent_at = timezone.now()
                    message.save(update_fields=["attempts", "sent_at"])
                    sent += 1
    finally:
        connection.close()
    return sent


def outbox_retry(*, message_ids: list[int]) -> int:
    """Staff: send failing or given-up messages again at the next run."""
    return OutboxMessage.objects.filter(
        pk__in=message_ids, sent_at__isnull=True, withdrawn_at__isnull=True
    ).update(attempts=0, next_attempt_at=timezone.now())
