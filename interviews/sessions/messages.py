"""The messages a session owes: confirmations, reschedules, cancellations and reminders.

Registered with the outbox as kinds this part owns (interviews.notifications.kinds): an invite
or reminder for a version of the session that has since moved or been cancelled is withdrawn
unsent, since it would put a stale event back in calendars (the newer message covers it).

Confirmations, reschedules and cancellations are written with the event that causes them.
Reminders are written when they fall due (outbox_reminders_due, run by the beat every minute), so
a booking writes two rows, not six, and a reminder follows the member's preference as it is then.
"""

from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef

from accounts.models import User
from interviews.notifications.calendar import calendar_links
from interviews.notifications.kinds import MessageKind, kind_register
from interviews.notifications.models import OutboxMessage
from interviews.notifications.outbox import outbox_owe, outbox_withdraw, outbox_write
from interviews.sessions.models import Session, SessionStatus


def session_message_context(message) -> dict:
    """What every e-mail about a session shows its recipient: their role, the other person, the page,
    and links to add it to Google Calendar or Outlook."""
    session, recipient = message.session, message.recipient
    return {
        "role": session.role_of(recipient) or "interviewer",
        "other": session.other_party(recipient),
        "session_url": session.site_url,
        "calendar_links": calendar_links(session),
    }


def _current_version(message) -> bool:
    session = message.session
    return session.status == SessionStatus.SCHEDULED and session.sequence == message.sequence


def _kind(key: str, label: str, **rules) -> str:
    return kind_register(MessageKind(key, label, context=session_message_context, **rules))


BOOKING_CONFIRMATION = _kind(
    "booking_confirmation", "Booking confirmation", still_owed=_current_version, invite="REQUEST"
)
RESCHEDULE = _kind("reschedule", "Reschedule", still_owed=_current_version, invite="REQUEST")
CANCELLATION = _kind("cancellation", "Cancellation", invite="CANCEL")
REMINDER_24H = _kind(
    "reminder_24h", "Reminder, 24 hours before", still_owed=_current_version, preference="remind_24h"
)
REMINDER_1H = _kind(
    "reminder_1h", "Reminder, 1 hour before", still_owed=_current_version, preference="remind_1h"
)
REMINDERS = {REMINDER_24H: timedelta(hours=24), REMINDER_1H: timedelta(hours=1)}


def _people(session: Session) -> list[User]:
    return [session.candidate, session.interviewer]


def outbox_reminders_due(*, now: datetime) -> int:
    """Owe the reminders whose moment has come, to both people of each scheduled session: once per
    version of the session (a reschedule owes them again at the new time), and none whose moment
    passed before the session got its current time (a late booking). A reminder is owed from its
    moment until the next one's (the 24-hour one is not sent an hour before). A member who turned a
    reminder off is skipped (outbox_write). Returns how many were owed."""
    rows = []
    until = timedelta(0)  # the next reminder's lead: from the 1-hour one back to the 24-hour one
    for kind, before in sorted(REMINDERS.items(), key=lambda item: item[1]):
        owed = OutboxMessage.objects.filter(session=OuterRef("pk"), kind=kind, sequence=OuterRef("sequence"))
        due = (
            Session.objects.filter(
                status=SessionStatus.SCHEDULED,
                start__gt=now + until,
                start__lte=now + before,
                scheduled_at__lt=F("start") - before,
            )
            .exclude(Exists(owed))
            .select_related("candidate", "interviewer")
        )
        for session in due:
            rows += outbox_owe(
                kind=kind, recipients=_people(session), session=session, due_at=session.start - before
            )
        until = before
    if rows:
        outbox_write(rows)
    return len(rows)


def outbox_sessions_booked(*, sessions: list[Session], now: datetime) -> None:
    outbox_write(
        [
            row
            for session in sessions
            for row in outbox_owe(
                kind=BOOKING_CONFIRMATION, recipients=_people(session), session=session, due_at=now
            )
        ]
    )


def outbox_session_cancelled(*, session: Session, now: datetime) -> None:
    outbox_withdraw(session=session, kinds=list(REMINDERS), now=now)
    outbox_write(outbox_owe(kind=CANCELLATION, recipients=_people(session), session=session, due_at=now))


def outbox_session_rescheduled(*, session: Session, previous_interviewer: User, now: datetime) -> None:
    """The candidate gets the new time; so does the interviewer, or, when the interviewer changed,
    the old one a cancellation and the new one a confirmation. Reminders already written for the
    old time are withdrawn; the new time's are owed when they fall due."""
    outbox_withdraw(session=session, kinds=list(REMINDERS), now=now)
    rows = outbox_owe(kind=RESCHEDULE, recipients=[session.candidate], session=session, due_at=now)
    if previous_interviewer.pk == session.interviewer_id:
        rows += outbox_owe(kind=RESCHEDULE, recipients=[session.interviewer], session=session, due_at=now)
    else:
        rows += outbox_owe(kind=CANCELLATION, recipients=[previous_interviewer], session=session, due_at=now)
        rows += outbox_owe(
            kind=BOOKING_CONFIRMATION, recipients=[session.interviewer], session=session, due_at=now
        )
    outbox_write(rows)
