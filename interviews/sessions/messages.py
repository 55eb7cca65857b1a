"""The messages a session owes: confirmations, reschedules, cancellations and reminders.

Registered with the outbox as kinds this part owns (interviews.notifications.kinds): an invite
or reminder for a version of the session that has since moved or been cancelled is withdrawn
unsent, since it would put a stale event back in calendars (the newer message covers it).
"""

from datetime import datetime, timedelta

from accounts.models import User
from interviews.notifications.calendar import calendar_links
from interviews.notifications.kinds import MessageKind, kind_register
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


def _reminders(session: Session, now: datetime) -> list:
    """Reminders whose time is still ahead; a booking made later than that gets none."""
    rows = []
    for kind, before in REMINDERS.items():
        due_at = session.start - before
        if due_at > now:
            rows += outbox_owe(kind=kind, recipients=_people(session), session=session, due_at=due_at)
    return rows


def outbox_sessions_booked(*, sessions: list[Session], now: datetime) -> None:
    rows = []
    for session in sessions:
        rows += outbox_owe(
            kind=BOOKING_CONFIRMATION, recipients=_people(session), session=session, due_at=now
        )
        rows += _reminders(session, now)
    outbox_write(rows)


def outbox_session_cancelled(*, session: Session, now: datetime) -> None:
    outbox_withdraw(session=session, kinds=list(REMINDERS), now=now)
    outbox_write(outbox_owe(kind=CANCELLATION, recipients=_people(session), session=session, due_at=now))


def outbox_session_rescheduled(*, session: Session, previous_interviewer: User, now: datetime) -> None:
    """The candidate gets the new time; so does the interviewer, or, when the interviewer changed,
    the old one a cancellation and the new one a confirmation. Reminders move to the new time."""
    outbox_withdraw(session=session, kinds=list(REMINDERS), now=now)
    rows = outbox_owe(kind=RESCHEDULE, recipients=[session.candidate], session=session, due_at=now)
    if previous_interviewer.pk == session.interviewer_id:
        rows += outbox_owe(kind=RESCHEDULE, recipients=[session.interviewer], session=session, due_at=now)
    else:
        rows += outbox_owe(kind=CANCELLATION, recipients=[previous_interviewer], session=session, due_at=now)
        rows += outbox_owe(
            kind=BOOKING_CONFIRMATION, recipients=[session.interviewer], session=session, due_at=now
        )
    outbox_write(rows + _reminders(session, now))
