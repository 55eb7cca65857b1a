"""The outbox: messages owed for a session, written with the event, sent by the dispatcher."""

import logging
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from interviews.calendar import session_invite
from interviews.models import (
    INVITE_KINDS,
    REMINDERS,
    MessageKind,
    OutboxMessage,
    Session,
    SessionStatus,
)
from rubrics.models import EVALUATION_DUE_AFTER, Evaluation, EvaluationStatus

logger = logging.getLogger(__name__)


def _owe(session: Session, kind: str, recipients: list[User], *, due_at: datetime) -> list[OutboxMessage]:
    return [
        OutboxMessage(
            recipient=recipient,
            kind=kind,
            session=session,
            sequence=session.sequence,
            due_at=due_at,
            next_attempt_at=due_at,
        )
        for recipient in recipients
    ]


def _reminders(session: Session, now: datetime) -> list[OutboxMessage]:
    """Reminders whose time is still ahead; a booking made later than that gets none."""
    people = [session.candidate, session.interviewer]
    rows = []
    for kind, before in REMINDERS.items():
        due_at = session.start - before
        if due_at > now:
            rows += _owe(session, kind, people, due_at=due_at)
    return rows


def _withdraw_pending_reminders(session: Session, now: datetime) -> None:
    OutboxMessage.objects.filter(
        session=session, kind__in=list(REMINDERS), sent_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)


def _write(rows: list[OutboxMessage]) -> None:
    # ignore_conflicts: writing the same owed message twice (a retried event) keeps one row.
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(_dispatch_soon)


DISPATCH_SOON_COALESCE_SECONDS = 2


def _dispatch_soon() -> None:
    """Send right after commit rather than at the next minute's run; the beat run still covers it.

    A burst of events shares one queued dispatch (a cache key marks one as queued for a couple
    of seconds), so a busy moment does not flood the broker with identical tasks.
    """
    from interviews.tasks import dispatch_outbox

    try:
        if cache.add("outbox:dispatch-queued", 1, timeout=DISPATCH_SOON_COALESCE_SECONDS):
            dispatch_outbox.delay()
    except Exception:  # the broker or cache being away loses nothing: the row waits for the beat run
        logger.warning("could not enqueue dispatch_outbox; the periodic run will send", exc_info=True)


def outbox_session_booked(*, session: Session, now: datetime) -> None:
    outbox_sessions_booked(sessions=[session], now=now)


def outbox_sessions_booked(*, sessions: list[Session], now: datetime) -> None:
    rows = []
    for session in sessions:
        people = [session.candidate, session.interviewer]
        rows += _owe(session, MessageKind.BOOKING_CONFIRMATION, people, due_at=now) + _reminders(session, now)
    _write(rows)


def outbox_session_cancelled(*, session: Session, now: datetime) -> None:
    _withdraw_pending_reminders(session, now)
    _write(_owe(session, MessageKind.CANCELLATION, [session.candidate, session.interviewer], due_at=now))


def outbox_session_rescheduled(*, session: Session, previous_interviewer: User, now: datetime) -> None:
    """The candidate gets the new time; so does the interviewer, or, when the interviewer changed,
    the old one a cancellation and the new one a confirmation. Reminders move to the new time."""
    _withdraw_pending_reminders(session, now)
    rows = _owe(session, MessageKind.RESCHEDULE, [session.candidate], due_at=now)
    if previous_interviewer.pk == session.interviewer_id:
        rows += _owe(session, MessageKind.RESCHEDULE, [session.interviewer], due_at=now)
    else:
        rows += _owe(session, MessageKind.CANCELLATION, [previous_interviewer], due_at=now)
        rows += _owe(session, MessageKind.BOOKING_CONFIRMATION, [session.interviewer], due_at=now)
    _write(rows + _reminders(session, now))


def outbox_matches_found(*, requests: list, now: datetime) -> None:
    rows = []
    for request in requests:
        row = _owe(request.session, MessageKind.MATCH_FOUND, [request.session.candidate], due_at=now)[0]
        row.match_request = request
        rows.append(row)
    _write(rows)


def outbox_request_expired(*, request, now: datetime) -> None:
    _write(
        [
            OutboxMessage(
                recipient=request.candidate,
                kind=MessageKind.REQUEST_EXPIRED,
                match_request=request,
                due_at=now,
                next_attempt_at=now,
            )
        ]
    )


def outbox_session_completed(*, session: Session) -> None:
    """The interviewer is asked for the rubric at the end, and reminded 48 hours later."""
    _write(
        _owe(session, MessageKind.RUBRIC_DUE, [session.interviewer], due_at=session.end)
        + _owe(
            session,
            MessageKind.RUBRIC_OVERDUE,
            [session.interviewer],
            due_at=session.end + EVALUATION_DUE_AFTER,
        )
    )


def outbox_evaluation_submitted(*, session: Session, now: datetime) -> None:
    OutboxMessage.objects.filter(
        session=session, kind__in=[MessageKind.RUBRIC_DUE, MessageKind.RUBRIC_OVERDUE], sent_at__isnull=True
    ).update(withdrawn_at=now)
    _write(_owe(session, MessageKind.FEEDBACK_READY, [session.candidate], due_at=now))


def _still_owed(message: OutboxMessage) -> bool:
    session = message.session
    if session is None:
        return True
    if message.kind in REMINDERS or message.kind in (
        MessageKind.BOOKING_CONFIRMATION,
        MessageKind.RESCHEDULE,
    ):
        # An invite or reminder for a version of the session that has since moved or been
        # cancelled would put a stale event back in calendars: the newer message covers it.
        return session.status == SessionStatus.SCHEDULED and session.sequence == message.sequence
    if message.kind in (MessageKind.RUBRIC_DUE, MessageKind.RUBRIC_OVERDUE):
        return (
            session.status == SessionStatus.COMPLETED
            and not Evaluation.objects.filter(session=session, status=EvaluationStatus.SUBMITTED).exists()
        )
    return True


def message_render(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail for a row: texts in the recipient's own time zone, the invite where it belongs."""
    session, recipient = message.session, message.recipient
    context = {
        "message": message,
        "session": session,
        "match_request": message.match_request,
        "recipient": recipient,
        "site_url": settings.SITE_URL,
    }
    if session is not None:
        context.update(
            role=session.role_of(recipient) or "interviewer",
            other=session.other_party(recipient),
            session_url=session.site_url,
            rubric_url=f"{settings.SITE_URL}{reverse('evaluation-form', args=[session.pk])}",
            rubric_due=session.end + EVALUATION_DUE_AFTER,
        )
    with timezone.override(ZoneInfo(recipient.time_zone)):
        subject = " ".join(render_to_string(f"emails/{message.kind}/subject.txt", context).split())
        text = render_to_string(f"emails/{message.kind}/body.txt", context)
        html = render_to_string(f"emails/{message.kind}/body.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[recipient.email],
        headers={"Message-ID": f"<outbox-{message.pk}@peerloop>"},
    )
    email.attach_alternative(html, "text/html")
    if message.kind in INVITE_KINDS:
        cancelled = message.kind == MessageKind.CANCELLATION
        method = "CANCEL" if cancelled else "REQUEST"
        email.attach(
            "invite.ics", session_invite(session, cancelled=cancelled), f"text/calendar; method={method}"
        )
    return email


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(60, 2**attempts))


def outbox_dispatch(*, now: datetime | None = None, limit: int = 1000, time_budget: float = 90.0) -> int:
    """Send due messages, each in its own transaction: claim (skipping rows another dispatcher
    holds), send, mark sent, commit. A crash before the commit leaves the row unsent and
    unlocked for the next run; a row marked sent is never sent again. A failed send is
    recorded and retried with backoff, up to MAX_ATTEMPTS. Returns how many were sent.
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
