"""Booking and rescheduling: the one path by which a session gets a slot."""

import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import formats, timezone

from accounts.credits import SESSION_PRICE, credit_post_locked, not_enough_credits
from accounts.errors import Conflict
from accounts.models import CompanyType, CreditCause, CreditEntry, Level, User
from interviews.fit import fit_problem
from interviews.scheduling.models import MIN_NOTICE, Slot
from interviews.scheduling.selectors import Epoch
from interviews.scheduling.timeslots import week_bounds, week_key
from interviews.sessions.messages import outbox_session_rescheduled, outbox_sessions_booked
from interviews.sessions.models import ACTIVE_STATUSES, LATE_CANCEL_WINDOW, Question, Session, SessionStatus
from interviews.sessions.reliability import PAUSE_AFTER_NO_SHOWS
from interviews.sessions.selectors import active_sessions, interviewer_week_load

SLOT_TAKEN = "This slot was just taken. Pick another one."


def session_book(
    *,
    candidate: User,
    slot_id: int,
    target_level: str | None = None,
    company_type: str | None = None,
    now: datetime | None = None,
) -> Session:
    """Book an open slot for `candidate`: the session, its question, its video room and the
    confirmations it owes, atomically (reminders are owed when they fall due).

    Rules (re-checked inside the transaction): the slot exists, starts at least 2 hours ahead,
    is open; the interviewer fits the target and has capacity that week (their own week); neither
    person has another active session at that time; the candidate has the session's price in
    credits, which the booking takes (a ledger row). A slot is booked at most once, nobody is in two
    overlapping sessions and no balance goes below zero: the database enforces it too, and a lost
    race is a Conflict.
    """
    now = now or timezone.now()
    target_level, company_type = target_resolve(candidate, target_level, company_type)
    try:
        with transaction.atomic():
            slot, interviewer, candidate = _lock(slot_id, candidate)
            _check(
                slot=slot,
                interviewer=interviewer,
                candidate=candidate,
                target_level=target_level,
                company_type=company_type,
                now=now,
            )
            _check_not_paused(candidate, now)
            if candidate.credit_balance < SESSION_PRICE:
                raise Conflict(not_enough_credits(candidate.credit_balance))
            session = Session.objects.create(
                candidate=candidate,
                interviewer=interviewer,
                slot=slot,
                start=slot.start,
                end=slot.end,
                target_level=target_level,
                company_type=company_type,
                question=question_assign(
                    candidate=candidate, target_level=target_level, company_type=company_type
                ),
                scheduled_at=now,
            )
            credit_post_locked(
                user=candidate, amount=-SESSION_PRICE, cause=CreditCause.BOOKING, session_id=session.pk
            )
            outbox_sessions_booked(sessions=[session], now=now)
            return session
    except IntegrityError as exc:
        raise Conflict(SLOT_TAKEN) from exc


def session_reschedule(
    *, session: Session, candidate: User, slot_id: int, now: datetime | None = None
) -> Session:
    """Move a candidate's scheduled session to another open slot, possibly another interviewer's.

    Same rules as booking, counting the session itself as gone; the move is atomic and keeps the
    session (its question, room and calendar identity), bumping its sequence.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            session = Session.objects.select_for_update().get(pk=session.pk)
            session.ensure_changeable(now)
            if session.candidate_id != candidate.pk:
                raise ValidationError("Only the candidate can reschedule. Cancel the session instead.")
            if str(session.slot_id) == str(slot_id):
                raise ValidationError({"slot": "That is the session's current slot."})
            slot, interviewer, candidate = _lock(slot_id, candidate)
            _check(
                slot=slot,
                interviewer=interviewer,
                candidate=candidate,
                target_level=session.target_level,
                company_type=session.company_type,
                now=now,
                moving=session,
            )
            previous_interviewer = session.interviewer
            # Moving a session under 24 hours before it starts lets the other person down too.
            session.late_cancellation = session.late_cancellation or session.start - now < LATE_CANCEL_WINDOW
            session.slot, session.interviewer = slot, interviewer
            session.start, session.end = slot.start, slot.end
            session.sequence += 1
            session.scheduled_at = now
            session.save(
                update_fields=[
                    "slot",
                    "interviewer",
                    "start",
                    "end",
                    "sequence",
                    "scheduled_at",
                    "late_cancellation",
                ]
            )
            outbox_session_rescheduled(session=session, previous_interviewer=previous_interviewer, now=now)
            return session
    except IntegrityError as exc:
        raise Conflict(SLOT_TAKEN) from exc


def question_assign(*, candidate: User, target_level: str, company_type: str) -> Question:
    """A question that fits the target (Question.fits) and that the candidate has never had, picked
    at random among those, which spreads use evenly across the bank.

    When the candidate has had every fitting question, one of them is given again.
    """
    had = Session.objects.filter(candidate=candidate, question=OuterRef("pk")).exclude(
        status=SessionStatus.CANCELLED
    )
    fitting = [
        question
        for question in Question.objects.filter(is_active=True, company_type=company_type).annotate(
            had=Exists(had)
        )
        if question.fits(target_level=target_level, company_type=company_type)
    ]
    if not fitting:
        raise ValidationError("No interview question fits this target yet. Staff have been told; try later.")
    return _pick_question(fitting, had={q.pk for q in fitting if q.had})


def _pick_question(fitting: list[Question], *, had: set[int]) -> Question:
    return random.choice([q for q in fitting if q.pk not in had] or fitting)


def target_resolve(candidate: User, target_level: str | None, company_type: str | None) -> tuple[str, str]:
    """The target asked for, or the candidate's profile's; an unknown one is a ValidationError."""
    target_level = target_level or candidate.target_level
    company_type = company_type or candidate.target_company_type
    errors = {}
    if target_level not in Level.values:
        errors["target_level"] = "Choose the level you are aiming for (L3, L4 or L5)."
    if company_type not in CompanyType.values:
        errors["company_type"] = "Choose the kind of company you are aiming for (faang or startup)."
    if errors:
        raise ValidationError(errors)
    return target_level, company_type


def _lock(slot_id: int, candidate: User) -> tuple[Slot, User, User]:
    """Read the slot, then lock both people (in id order, so two bookings never deadlock).

    Every booking of a slot locks its interviewer, so bookings of one slot, and of anyone's
    time, run one after another; the checks that follow see everything committed before.
    """
    try:
        slot = Slot.objects.get(pk=slot_id)
    except (Slot.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"slot": "This slot does not exist."}) from None
    people = {
        user.pk: user
        for user in User.objects.select_for_update()
        .filter(pk__in=[slot.interviewer_id, candidate.pk])
        .order_by("pk")
    }
    return slot, people[slot.interviewer_id], people[candidate.pk]


# One statement counts everything that can stand in the way of a booking. Written as SQL
# because it runs on every booking and the ORM's compilation of it cost more than running it.
_CONFLICTS_SQL = f"""
SELECT
  COUNT(*) FILTER (WHERE slot_id = %s),
  COUNT(*) FILTER (WHERE interviewer_id = %s AND start >= %s AND start < %s),
  COUNT(*) FILTER (WHERE start < %s AND "end" > %s AND (candidate_id = %s OR interviewer_id = %s)),
  COUNT(*) FILTER (WHERE start < %s AND "end" > %s AND (candidate_id = %s OR interviewer_id = %s))
FROM interviews_session
WHERE status IN ({", ".join(["%s"] * len(ACTIVE_STATUSES))}) AND id <> %s AND (
  slot_id = %s
  OR (interviewer_id = %s AND start >= %s AND start < %s)
  OR (start < %s AND "end" > %s AND (candidate_id IN (%s, %s) OR interviewer_id IN (%s, %s)))
)
"""


def _conflicts(slot, interviewer, candidate, week_start, week_end, moving) -> dict:
    dt = connection.ops.adapt_datetimefield_value
    start, end, ws, we = dt(slot.start), dt(slot.end), dt(week_start), dt(week_end)
    c, i = candidate.pk, interviewer.pk
    params = [
        slot.pk, i, ws, we, end, start, c, c, end, start, i, i,
        *[str(s) for s in ACTIVE_STATUSES], moving.pk if moving else 0,
        slot.pk, i, ws, we, end, start, c, i, c, i,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_CONFLICTS_SQL, params)
        taken, week_load, candidate_busy, interviewer_busy = cursor.fetchone()
    return {
        "taken": taken,
        "week_load": week_load,
        "candidate_busy": candidate_busy,
        "interviewer_busy": interviewer_busy,
    }


def _check(
    *,
    slot: Slot,
    interviewer: User,
    candidate: User,
    target_level: str,
    company_type: str,
    now: datetime,
    moving: Session | None = None,
) -> None:
    _check_slot(slot=slot, interviewer=interviewer, candidate=candidate, target_level=target_level,
                company_type=company_type, now=now)  # fmt: skip
    week_start, week_end = week_bounds(slot.start, ZoneInfo(interviewer.time_zone))
    _check_counts(interviewer, **_conflicts(slot, interviewer, candidate, week_start, week_end, moving))


def _check_slot(*, slot, interviewer, candidate, target_level, company_type, now) -> None:
    """The rules that need only the slot and the two people."""
    if slot.start <= now:
        raise ValidationError({"slot": "This slot is in the past."})
    if slot.start < now + MIN_NOTICE:
        raise ValidationError({"slot": "Sessions are booked at least 2 hours ahead. Pick a later slot."})
    problem = fit_problem(
        interviewer=interviewer, candidate=candidate, target_level=target_level, company_type=company_type
    )
    if problem:
        raise ValidationError({"slot": problem})
    if slot.is_withdrawn:
        raise Conflict(SLOT_TAKEN)


def booking_paused_message(user: User) -> str:
    until = formats.date_format(timezone.localtime(user.booking_paused_until), "l j F Y, H:i")
    return (
        f"Booking is paused until {until}: you missed {PAUSE_AFTER_NO_SHOWS} or more sessions without "
        "cancelling in the last 90 days. Your other sessions stay booked."
    )


def _check_not_paused(candidate: User, now: datetime) -> None:
    if candidate.booking_paused(now):
        raise Conflict(booking_paused_message(candidate))


def _check_counts(interviewer, *, taken, week_load, candidate_busy, interviewer_busy) -> None:
    """The rules over other active sessions, given their counts."""
    if taken or interviewer_busy:
        raise Conflict(SLOT_TAKEN)
    if candidate_busy:
        raise Conflict("You already have a session at that time.")
    if week_load >= interviewer.sessions_per_week:
        raise Conflict(
            f"{interviewer.name} has no sessions left that week. Pick another week or interviewer."
        )


def sessions_book_many(*, asks: list[tuple[int, int, int, str, str]], now: datetime) -> dict[int, Session]:
    """Book many (key, candidate id, slot id, target level, company type) asks in the caller's
    transaction, with the rules of session_book checked over rows read once (a handful of
    queries for the whole batch). An ask that breaks a rule, or whose candidate cannot pay for it
    (counting the asks before it), is skipped. Returns {key: session}.

    Everyone involved is locked first, in id order, as session_book does, so no booking for
    these people or slots can interleave; the database constraints still stand behind it.
    """
    slots = Slot.objects.in_bulk([slot_id for _, _, slot_id, _, _ in asks])
    people = {c for _, c, _, _, _ in asks} | {s.interviewer_id for s in slots.values()}
    users = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=people).order_by("pk")}
    if not slots:
        return {}
    low = min(s.start for s in slots.values()) - timedelta(days=7)
    high = max(s.end for s in slots.values()) + timedelta(days=7)
    # What stands in the way, indexed: taken slots, each person's busy spans (as Epoch numbers:
    # a batch reads thousands), each interviewer's load per week (their own).
    taken, spans = set(), defaultdict(list)
    load = interviewer_week_load(
        interviewer_ids={s.interviewer_id for s in slots.values()}, start=low, end=high
    )

    def hold(slot_id, candidate_id, interviewer_id, start, end):
        taken.add(slot_id)
        spans[candidate_id].append((start, end))
        spans[interviewer_id].append((start, end))

    for row in (
        active_sessions()
        .filter(Q(slot_id__in=list(slots)) | Q(candidate_id__in=people) | Q(interviewer_id__in=people))
        .filter(start__lt=high, end__gt=low)
        .values_list("slot_id", "candidate_id", "interviewer_id", Epoch("start"), Epoch("end"))
    ):
        hold(*row)
    questions = list(Question.objects.filter(is_active=True))
    fitting_for: dict[tuple[str, str], list[Question]] = {}  # per target, the questions that fit it
    had: dict[int, set[int]] = defaultdict(set)  # per candidate, the questions already had
    for candidate_id, question_id in (
        Session.objects.filter(candidate_id__in=[c for _, c, _, _, _ in asks])
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("candidate_id", "question_id")
    ):
        had[candidate_id].add(question_id)
    created = {}
    balances = {pk: user.credit_balance for pk, user in users.items()}
    for key, candidate_id, slot_id, target_level, company_type in asks:
        slot = slots.get(slot_id)
        if slot is None:
            continue
        interviewer, candidate = users[slot.interviewer_id], users[candidate_id]
        week = week_key(slot.start, ZoneInfo(interviewer.time_zone))
        start, end = slot.start.timestamp(), slot.end.timestamp()
        try:
            _check_slot(slot=slot, interviewer=interviewer, candidate=candidate, target_level=target_level,
                        company_type=company_type, now=now)  # fmt: skip
            _check_counts(
                interviewer,
                taken=slot_id in taken,
                week_load=load[interviewer.pk, week],
                candidate_busy=any(s < end and e > start for s, e in spans[candidate.pk]),
                interviewer_busy=any(s < end and e > start for s, e in spans[interviewer.pk]),
            )
        except (ValidationError, Conflict):
            continue
        if not candidate.is_active or balances[candidate.pk] < SESSION_PRICE or candidate.booking_paused(now):
            continue
        if (target_level, company_type) not in fitting_for:
            fitting_for[target_level, company_type] = [
                q for q in questions if q.fits(target_level=target_level, company_type=company_type)
            ]
        fitting = fitting_for[target_level, company_type]
        if not fitting:
            continue
        question = _pick_question(fitting, had=had[candidate.pk])
        had[candidate.pk].add(question.pk)
        hold(slot_id, candidate.pk, interviewer.pk, start, end)
        load[interviewer.pk, week] += 1
        balances[candidate.pk] -= SESSION_PRICE
        created[key] = Session(
            candidate=candidate, interviewer=interviewer, slot=slot, start=slot.start, end=slot.end,
            target_level=target_level, company_type=company_type, question=question, scheduled_at=now,
        )  # fmt: skip
    Session.objects.bulk_create(created.values())
    _charge_many(list(created.values()), users, now)
    outbox_sessions_booked(sessions=list(created.values()), now=now)
    return created


def _charge_many(sessions: list[Session], users: dict[int, User], now: datetime) -> None:
    """The batch's ledger rows and new balances (the candidates are locked by the caller)."""
    entries = []
    for session in sessions:
        candidate = users[session.candidate_id]
        candidate.credit_balance -= SESSION_PRICE
        entries.append(
            CreditEntry(
                user=candidate,
                amount=-SESSION_PRICE,
                balance_after=candidate.credit_balance,
                cause=CreditCause.BOOKING,
                session_id=session.pk,
                created_at=now,
            )  # fmt: skip
        )
    if not entries:
        return
    CreditEntry.objects.bulk_create(entries)
    # One UPDATE per number of sessions charged (usually one for the batch), not a CASE per person.
    charged = defaultdict(list)
    for candidate_id, count in Counter(session.candidate_id for session in sessions).items():
        charged[count].append(candidate_id)
    for count, candidate_ids in charged.items():
        User.objects.filter(pk__in=candidate_ids).update(
            credit_balance=F("credit_balance") - count * SESSION_PRICE
        )
