"""A session after booking: cancelled, reported as a no-show, completed."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone

from accounts.credits import LATE_CANCEL_FORFEIT, credit_post
from accounts.errors import Conflict
from accounts.models import CreditCause, CreditEntry, User
from interviews.fit import fit_problem
from interviews.notifications.outbox import outbox_withdraw_to
from interviews.scheduling.models import Slot
from interviews.scheduling.services import slots_follow_profile
from interviews.sessions.hooks import hooks
from interviews.sessions.messages import outbox_session_cancelled
from interviews.sessions.models import (
    LATE_CANCEL_WINDOW,
    NO_SHOW_AFTER,
    NO_SHOW_UNTIL,
    Session,
    SessionStatus,
)
from interviews.sessions.reliability import reliability_for


def session_cancel(*, session: Session, by: User, reason: str, now: datetime | None = None) -> Session:
    """Either side cancels a scheduled session before it starts, saying why.

    Under 24 hours before the start it is recorded as late. A candidate's cancel reopens the
    slot; an interviewer's withdraws it, so it is not offered again. Both are told (with a
    calendar cancellation) and pending reminders are withdrawn. The candidate gets the credits
    paid back, less LATE_CANCEL_FORFEIT when they cancel late themselves.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.role_of(by) is None:
            raise ValidationError("Only the candidate or the interviewer can cancel this session.")
        session.ensure_changeable(now)
        if not reason:
            raise ValidationError({"reason": "Tell the other person why you cancel."})
        session.status = SessionStatus.CANCELLED
        session.cancelled_by = by
        session.cancelled_at = now
        session.cancel_reason = reason
        session.late_cancellation = session.start - now < LATE_CANCEL_WINDOW
        session.sequence += 1  # calendar clients need a higher SEQUENCE on the CANCEL
        session.save(
            update_fields=[
                "status",
                "cancelled_by",
                "cancelled_at",
                "cancel_reason",
                "late_cancellation",
                "sequence",
            ]
        )
        outbox_session_cancelled(session=session, now=now)
        late_by_candidate = session.late_cancellation and by.pk == session.candidate_id
        _settle(
            session,
            kept=LATE_CANCEL_FORFEIT if late_by_candidate else 0,
            why="late cancellation" if late_by_candidate else "session cancelled",
        )
        if by.pk == session.interviewer_id and session.slot_id:
            Slot.objects.filter(pk=session.slot_id).update(is_withdrawn=True)
    return session


def session_report_no_show(*, session: Session, by: User, now: datetime | None = None) -> Session:
    """One side reports that the other did not come: from 15 minutes after the start until 48 hours
    after the end, and not once the session was evaluated.

    The one reporting came; the other did not. An interviewer who did not come costs the candidate
    nothing (a full refund); a candidate who did not come forfeits what the session cost."""
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.role_of(by) is None:
            raise ValidationError("Only the candidate or the interviewer can report a no-show.")
        if session.status == SessionStatus.CANCELLED:
            raise Conflict("This session was cancelled.")
        if session.status == SessionStatus.NO_SHOW:
            raise Conflict("A no-show was already reported for this session.")
        opens = session.start + NO_SHOW_AFTER
        if now < opens:
            local = formats.date_format(
                timezone.localtime(opens, timezone.get_current_timezone()), "D j M, H:i"
            )
            raise ValidationError(f"You can report a no-show from 15 minutes after the start ({local}).")
        if now > session.end + NO_SHOW_UNTIL:
            raise ValidationError("No-shows are reported within 48 hours of the session.")
        if hooks.is_evaluated(session):
            raise Conflict("The interviewer already evaluated this session, so it took place.")
        session.status = SessionStatus.NO_SHOW
        session.no_show_reported_by = by
        session.save(update_fields=["status", "no_show_reported_by"])
        _pause_if_repeated(session.other_party(by), now)
        if by.pk == session.candidate_id:
            _settle(session, kept=0, why="the interviewer did not come")
        else:
            _settle(session, kept=None, why="you did not come")
    return session


def _pause_if_repeated(absent: User, now: datetime) -> None:
    """Repeated no-shows pause the absent member's booking for a while (reliability.PAUSE_*)."""
    until = reliability_for(user_ids=[absent.pk], now=now + timedelta(seconds=1))[absent.pk].pause_until()
    if until is not None and until > now:
        User.objects.filter(pk=absent.pk).filter(
            Q(booking_paused_until__isnull=True) | Q(booking_paused_until__lt=until)
        ).update(booking_paused_until=until)


def _settle(session: Session, *, kept: int | None, why: str) -> None:
    """Give the candidate back what they paid for the session, less `kept` (None: keep it all).

    Only what was paid comes back: a session booked before credits existed refunds nothing."""
    paid = -sum(
        CreditEntry.objects.filter(
            user_id=session.candidate_id, session_id=session.pk, cause=CreditCause.BOOKING
        ).values_list("amount", flat=True)
    )
    if paid <= 0:
        return
    if kept is None:
        credit_post(user=session.candidate, amount=0, cause=CreditCause.FORFEIT, session_id=session.pk,
                    note=f"No-show ({why}): the {paid} credits paid are kept")  # fmt: skip
        return
    credit_post(user=session.candidate, amount=paid, cause=CreditCause.REFUND, session_id=session.pk,
                note=f"Refund: {why}")  # fmt: skip
    if kept:
        credit_post(user=session.candidate, amount=-min(kept, paid), cause=CreditCause.FORFEIT,
                    session_id=session.pk, note=f"Kept for a {why}")  # fmt: skip


def sessions_complete_ended(*, now: datetime | None = None) -> int:
    """Mark scheduled sessions whose end has passed as completed (the rubrics part then asks their
    interviewers for the rubric). Safe to run twice at once (rows another run holds are skipped)
    and to rerun."""
    now = now or timezone.now()
    with transaction.atomic():
        ended = list(
            Session.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("candidate", "interviewer")
            .filter(status=SessionStatus.SCHEDULED, end__lte=now)
        )
        Session.objects.filter(pk__in=[s.pk for s in ended]).update(status=SessionStatus.COMPLETED)
        for session in ended:
            session.status = SessionStatus.COMPLETED
        hooks.sessions_completed(ended)
    return len(ended)


# The profile fields whose change can make an interviewer no longer fit a session.
FIT_FIELDS = {"interviewer_level", "company_experience", "is_interviewer", "is_active"}


def sessions_follow_profile(user: User, fields: set[str], *, now: datetime | None = None) -> list[Session]:
    """A member's profile changed (accounts.hooks.profile_changed): strand nobody.

    Every upcoming session they interview in that no longer fits (a lower level, narrower company
    experience, opted out, deactivated) is cancelled by them, so both are told and the candidate is
    refunded in full. A deactivated member's upcoming sessions as a candidate are cancelled too,
    and every message still owed to them is withdrawn. Their open slots follow
    (scheduling.slots_follow_profile). Returns the sessions cancelled.
    """
    now = now or timezone.now()
    cancelled = []
    if fields & FIT_FIELDS:
        upcoming = Session.objects.filter(status=SessionStatus.SCHEDULED, start__gt=now).select_related(
            "candidate", "interviewer"
        )
        for session in upcoming.filter(interviewer=user):
            problem = fit_problem(
                interviewer=user,
                candidate=session.candidate,
                target_level=session.target_level,
                company_type=session.company_type,
            )
            if problem:
                reason = _stranded_reason(user, fields)
                cancelled.append(session_cancel(session=session, by=user, reason=reason, now=now))
        if not user.is_active:
            for session in upcoming.filter(candidate=user):
                reason = f"{user.name}'s account was closed."
                cancelled.append(session_cancel(session=session, by=user, reason=reason, now=now))
    if not user.is_active and "is_active" in fields:
        outbox_withdraw_to(recipient=user, now=now)
    slots_follow_profile(user, fields)
    return cancelled


def _stranded_reason(user: User, fields: set[str]) -> str:
    if not user.is_active:
        return f"{user.name}'s account was closed."
    if not user.is_interviewer:
        return f"{user.name} no longer takes interviews."
    return (
        f"{user.name} changed their interviewer profile and no longer fits this session's target "
        "(level or company type). You have your credits back: book another interviewer."
    )
