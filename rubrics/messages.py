"""The messages rubrics owe: the rubric due (and overdue) to the interviewer, feedback ready to the
candidate. Registered with the outbox as kinds this app owns."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from interviews.notifications.kinds import MessageKind, kind_register
from interviews.notifications.outbox import outbox_owe, outbox_withdraw, outbox_write
from interviews.sessions.messages import session_message_context
from interviews.sessions.models import Session, SessionStatus
from rubrics.models import EVALUATION_DUE_AFTER
from rubrics.selectors import evaluation_submitted_exists


def _rubric_context(message) -> dict:
    session = message.session
    return {
        **session_message_context(message),
        "rubric_url": f"{settings.SITE_URL}{reverse('evaluation-form', args=[session.pk])}",
        "rubric_due": session.end + EVALUATION_DUE_AFTER,
    }


def _rubric_still_owed(message) -> bool:
    session = message.session
    return session.status == SessionStatus.COMPLETED and not evaluation_submitted_exists(session)


RUBRIC_DUE = kind_register(
    MessageKind(
        "rubric_due", "Rubric due (interviewer)", still_owed=_rubric_still_owed, context=_rubric_context
    )
)
RUBRIC_OVERDUE = kind_register(
    MessageKind(
        "rubric_overdue",
        "Rubric overdue (interviewer)",
        still_owed=_rubric_still_owed,
        context=_rubric_context,
        preference="remind_rubric",
    )
)
FEEDBACK_READY = kind_register(
    MessageKind("feedback_ready", "Feedback ready (candidate)", context=session_message_context)
)


def outbox_rubrics_requested(sessions: list[Session]) -> None:
    """Sessions just completed: each interviewer is asked for the rubric at the end, and reminded
    48 hours later."""
    rows = []
    for session in sessions:
        rows += outbox_owe(
            kind=RUBRIC_DUE, recipients=[session.interviewer], session=session, due_at=session.end
        )
        rows += outbox_owe(
            kind=RUBRIC_OVERDUE,
            recipients=[session.interviewer],
            session=session,
            due_at=session.end + EVALUATION_DUE_AFTER,
        )
    outbox_write(rows)


def outbox_evaluation_submitted(*, session: Session, now: datetime) -> None:
    outbox_withdraw(session=session, kinds=[RUBRIC_DUE, RUBRIC_OVERDUE], now=now)
    outbox_write(outbox_owe(kind=FEEDBACK_READY, recipients=[session.candidate], session=session, due_at=now))
