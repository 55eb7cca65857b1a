"""Account e-mails (sign-up verification, password reset, e-mail change, sign-in codes) go through
the outbox like every other message: allauth renders them in the request, the outbox stores them
and the dispatcher sends them, so a request never waits on SMTP and an outage only delays them.
Installed on accounts.hooks by InterviewsConfig (accounts sits below and sends directly alone)."""

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import timezone

from accounts.models import User
from interviews.notifications.kinds import MessageKind, kind_register
from interviews.notifications.models import OutboxMessage
from interviews.notifications.outbox import message_id, outbox_write


def _build(message: OutboxMessage) -> EmailMultiAlternatives:
    payload = message.payload
    email = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from"],
        to=[message.to_email],
        headers={"Message-ID": message_id(message)},
    )
    if payload.get("html"):
        email.attach_alternative(payload["html"], "text/html")
    return email


ACCOUNT_EMAIL = kind_register(MessageKind("account_email", "Account e-mail", build=_build))


def outbox_account_email(email: EmailMessage) -> None:
    """Store a rendered account e-mail, one row per address, and send it after the commit."""
    html = email.body if email.content_subtype == "html" else ""
    for content, mimetype in getattr(email, "alternatives", []):
        if mimetype == "text/html":
            html = content
    payload = {"subject": email.subject, "body": email.body, "html": html, "from": email.from_email}
    members = {user.email.lower(): user for user in User.objects.filter(email__in=email.to)}
    now = timezone.now()
    outbox_write(
        [
            OutboxMessage(
                recipient=members.get(address.lower()),
                to_email=address,
                kind=ACCOUNT_EMAIL,
                payload=payload,
                due_at=now,
                next_attempt_at=now,
            )
            for address in email.to
        ]
    )
