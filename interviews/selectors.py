"""Reads: every query a page or endpoint needs, with a fixed number of queries."""

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from interviews.compatibility import fitting_interviewers, level_fit_cost
from interviews.models import ACTIVE_STATUSES, MIN_NOTICE, MatchRequest, Session, SessionStatus, Slot
from interviews.timeslots import week_key
from rubrics.selectors import interviewer_reputation


def session_for_user(user: User, pk: int, *, write: bool = False) -> Session:
    """The session, if `user` takes part in it; 404 for everyone else (no hint that it exists).

    `write` locks the row for the caller's transaction.
    """
    queryset = Session.objects.select_related("candidate", "interviewer", "question", "slot")
    if write:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.filter(Q(candidate=user) | Q(interviewer=user)).get(pk=pk)
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.") from None


def match_request_for_user(user: User, pk: int) -> MatchRequest:
    """The candidate's own request; 404 for everyone else."""
    try:
        return (
            MatchRequest.objects.select_related("session__interviewer")
            .prefetch_related("windows")
            .get(pk=pk, candidate=user)
        )
    except (MatchRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request.") from None


def match_requests_for_user(*, user: User) -> list[MatchRequest]:
    return list(
        MatchRequest.objects.filter(candidate=user)
        .select_related("session__interviewer")
        .prefetch_related("windows")
    )


def active_sessions() -> QuerySet[Session]:
    return Session.objects.filter(status__in=ACTIVE_STATUSES)


def open_slots() -> QuerySet[Slot]:
    taken = active_sessions().filter(slot=OuterRef("pk"))
    return Slot.objects.filter(is_withdrawn=False).exclude(Exists(taken))


def slots_available(
    *,
    candidate: User,
    target_level: str,
    company_type: str,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    limit: int = 500,
) -> list[Slot]:
    """Open slots of interviewers who fit, best fit first: four queries whatever the data size.

    Each slot gets `fit_cost` (level fit, 0 best), `past_pairings` (sessions already had with that
    interviewer: fresh pairings rank first), the interviewer's `rating` and `rating_count` from
    candidates, and `rank` (its position; 0 is the best).
    """
    now = now or timezone.now()
    start = max(start, now + MIN_NOTICE)
    slots = list(
        open_slots()
        .filter(
            fitting_interviewers(target_level=target_level, company_type=company_type, prefix="interviewer__")
        )
        .filter(start__gte=start, start__lt=end)
        .exclude(interviewer=candidate)
        .select_related("interviewer")
        .order_by("start", "interviewer_id")[: limit * 4]
    )
    if not slots:
        return []
    interviewer_ids = {slot.interviewer_id for slot in slots}

    # Capacity: sessions each interviewer already has in the weeks (their own) of these slots.
    load = Counter()
    for interviewer_id, session_start, zone in (
        active_sessions()
        .filter(
            interviewer_id__in=interviewer_ids,
            start__gte=slots[0].start - timedelta(days=7),
            start__lt=slots[-1].start + timedelta(days=7),
        )
        .values_list("interviewer_id", "start", "interviewer__time_zone")
    ):
        load[interviewer_id, week_key(session_start, ZoneInfo(zone))] += 1

    pairings = Counter(
        active_sessions()
        .filter(candidate=candidate, interviewer_id__in=interviewer_ids)
        .values_list("interviewer_id", flat=True)
    )

    reputation = interviewer_reputation(interviewer_ids)

    offered = []
    for slot in slots:
        interviewer = slot.interviewer
        week = week_key(slot.start, ZoneInfo(interviewer.time_zone))
        if load[interviewer.pk, week] >= interviewer.sessions_per_week:
            continue
        slot.fit_cost = level_fit_cost(
            interviewer_level=interviewer.interviewer_level, target_level=target_level
        )
        slot.past_pairings = pairings[interviewer.pk]
        slot.rating, slot.rating_count = reputation.get(interviewer.pk, (None, 0))
        offered.append(slot)
    offered.sort(key=lambda s: (s.fit_cost, s.past_pairings > 0, s.start))
    for rank, slot in enumerate(offered):
        slot.rank = rank
    return offered[:limit]


def slots_by_day(slots: list[Slot], tz: ZoneInfo) -> list[tuple[date, list[Slot]]]:
    """Group slots by local day, days in order, keeping the given order within a day."""
    days: dict = {}
    for slot in slots:
        days.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return sorted(days.items())


def sessions_upcoming(*, user: User, limit: int, now: datetime | None = None) -> list[Session]:
    """The next `limit` scheduled sessions the user takes part in (the dashboard's)."""
    return list(
        Session.objects.filter(Q(candidate=user) | Q(interviewer=user))
        .filter(status=SessionStatus.SCHEDULED, end__gt=now or timezone.now())
        .select_related("candidate", "interviewer", "question")
        .order_by("start")[:limit]
    )


def sessions_for_user(*, user: User, now: datetime | None = None) -> tuple[list[Session], list[Session]]:
    """(upcoming, past and cancelled) sessions the user takes part in, in either role."""
    now = now or timezone.now()
    sessions = list(
        Session.objects.filter(Q(candidate=user) | Q(interviewer=user))
        .select_related("candidate", "interviewer", "question")
        .order_by("start")
    )
    upcoming = [s for s in sessions if s.end > now and s.status == SessionStatus.SCHEDULED]
    upcoming_ids = {s.pk for s in upcoming}
    past = [s for s in reversed(sessions) if s.pk not in upcoming_ids]
    return upcoming, past


def sessions_for_feed(*, user: User, since: datetime) -> QuerySet[Session]:
    """The user's sessions from `since` on, in either role; cancelled ones too (shown as cancelled)."""
    return (
        Session.objects.filter(Q(candidate=user) | Q(interviewer=user), start__gte=since)
        .select_related("candidate", "interviewer")
        .order_by("start")
    )


def slot_preview(*, interviewer: User, days: int = 14, now: datetime | None = None) -> list[Slot]:
    """The interviewer's own coming slots, each with `session` set when it is booked."""
    now = now or timezone.now()
    slots = list(
        Slot.objects.filter(interviewer=interviewer, start__gte=now, start__lt=now + timedelta(days=days))
        .filter(is_withdrawn=False)
        .order_by("start")
    )
    booked = {
        s.slot_id: s
        for s in active_sessions().filter(slot__in=[slot.pk for slot in slots]).select_related("candidate")
    }
    for slot in slots:
        slot.session = booked.get(slot.pk)
    return slots
