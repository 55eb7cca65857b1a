"""Reads of sessions (and of the slots open for booking): a fixed number of queries each."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.paging import JoinedAfterSlicing
from interviews.fit import fitting_interviewers, level_fit_cost, levels_at_or_above, taking_interviews
from interviews.scheduling.models import MIN_NOTICE, Slot
from interviews.scheduling.timeslots import week_key
from interviews.sessions.hooks import hooks
from interviews.sessions.models import ACTIVE_STATUSES, Session, SessionStatus
from interviews.sessions.reliability import RELIABLE_ENOUGH, reliability_for


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


def active_sessions() -> QuerySet[Session]:
    return Session.objects.filter(status__in=ACTIVE_STATUSES)


def slot_booked() -> Exists:
    """True for a Slot row an active session holds (the scheduling part asks through its hooks)."""
    return Exists(active_sessions().filter(slot=OuterRef("pk")))


def sessions_holding(slot_ids: list[int]) -> dict[int, Session]:
    """{slot id: the active session holding it}, candidates loaded."""
    return {s.slot_id: s for s in active_sessions().filter(slot__in=slot_ids).select_related("candidate")}


def published_slots() -> QuerySet[Slot]:
    """Slots offered for booking, taken or not (the interviewer has not withdrawn them)."""
    return Slot.objects.filter(is_withdrawn=False)


def open_slots() -> QuerySet[Slot]:
    return published_slots().exclude(slot_booked())


def interviewer_week_load(*, interviewer_ids, start: datetime, end: datetime) -> Counter:
    """Active sessions per (interviewer, their own ISO (year, week)) for weeks touching
    [start, end): what capacity (sessions a week) is counted against. One query.

    The single booking counts the same thing inside its one conflict statement (booking.py).
    """
    return Counter(
        (interviewer_id, week_key(session_start, ZoneInfo(zone)))
        for interviewer_id, session_start, zone in active_sessions()
        .filter(
            interviewer_id__in=interviewer_ids,
            start__gte=start - timedelta(days=7),
            start__lt=end + timedelta(days=7),
        )
        .values_list("interviewer_id", "start", "interviewer__time_zone")
    )


MAX_SEARCH = timedelta(days=28)
# With one slot an hour, the database keeps this many best-fitting ones of each hour, so one
# remains when some are booked, or capacity, a clash or the ranking rules them out.
HOURLY_SPARE = 5


def slot_search_errors(*, start: datetime, end: datetime, now: datetime) -> dict[str, str]:
    """What is wrong with a slot search over [start, end), by field (empty when nothing is): within
    the coming year (a day's slack either side for time zones), at most 28 days at a time."""
    for field, moment in (("start", start), ("end", end)):
        try:
            within = now - timedelta(days=2) <= moment <= now + timedelta(days=366)
        except OverflowError:  # a date near year 1 or 9999, beyond UTC in the member's zone
            within = False
        if not within:
            return {field: "Search within the coming year."}
    if end <= start:
        return {"end": "The end date comes before the start date."}
    if end - start > MAX_SEARCH:
        return {"end": f"Search at most {MAX_SEARCH.days} days at a time."}
    return {}


def slots_available(
    *,
    candidate: User,
    target_level: str,
    company_type: str,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    limit: int = 500,
    one_per_hour: bool = False,
    slot_id: int | None = None,
) -> list[Slot]:
    """Open slots of interviewers who fit, best fit first: five queries whatever the data size.

    `one_per_hour` offers only the best slot at each start time: what one screen of a week shows,
    however many interviewers publish that hour (the database keeps the five best-fitting published
    slots of each hour, booked or not, and the open ones are ranked: an hour whose five are all
    taken shows none). `slot_id` asks about that one slot only (the review step before booking).

    A slot that clashes with one of the candidate's own sessions (in either role) is not offered.
    Each slot gets `fit_cost` (level fit, 0 best), `past_pairings` (sessions already had with that
    interviewer: fresh pairings rank first), the interviewer's `rating` and `rating_count` from
    candidates, their `reliability` (interviews.sessions.reliability), and `rank` (its position;
    0 is the best).
    """
    now = now or timezone.now()
    start = max(start, now + MIN_NOTICE)
    published = (
        published_slots()
        .filter(start__gte=start, start__lt=end)
        .filter(
            fitting_interviewers(target_level=target_level, company_type=company_type, prefix="interviewer__")
        )
        .exclude(interviewer=candidate)
    )
    if slot_id is not None:
        published = published.filter(pk=slot_id)
    if one_per_hour:
        fit_cost = Case(
            *(
                When(
                    interviewer__interviewer_level=level,
                    then=level_fit_cost(interviewer_level=level, target_level=target_level),
                )
                for level in levels_at_or_above(target_level)
            )
        )
        # The few best-fitting of each hour, ranked on narrow rows before asking which are booked
        # (a probe per slot, 45,000 a week on the large data set, was most of the time).
        # (The range again outside keeps PostgreSQL from reading every slot to match the ids.)
        published = published_slots().filter(
            start__gte=start,
            start__lt=end,
            pk__in=published.annotate(
                place=Window(RowNumber(), partition_by=[F("start")], order_by=[fit_cost.asc(), F("pk").asc()])
            )
            .filter(place__lte=HOURLY_SPARE)
            .values("pk"),
        )
    found = published.exclude(slot_booked())
    slots = list(found.select_related("interviewer").order_by("start", "interviewer_id")[: limit * 4])
    if not slots:
        return []
    interviewer_ids = {slot.interviewer_id for slot in slots}

    load = interviewer_week_load(interviewer_ids=interviewer_ids, start=slots[0].start, end=slots[-1].start)

    # One query: the candidate's sessions with these interviewers (past pairings), and their own
    # sessions in either role around these slots (clashes).
    low, high = slots[0].start, slots[-1].end
    mine = Q(candidate=candidate) | Q(interviewer=candidate)
    rows = list(
        active_sessions()
        .filter(
            Q(candidate=candidate, interviewer_id__in=interviewer_ids)
            | (mine & Q(start__lt=high, end__gt=low))
        )
        .values_list("candidate_id", "interviewer_id", "start", "end")
    )
    pairings = Counter(i for c, i, _, _ in rows if c == candidate.pk and i in interviewer_ids)
    busy = [(s, e) for c, i, s, e in rows if candidate.pk in (c, i) and s < high and e > low]

    reputation = hooks.reputation(interviewer_ids)
    reliability = reliability_for(user_ids=interviewer_ids, now=now)

    offered = []
    for slot in slots:
        interviewer = slot.interviewer
        week = week_key(slot.start, ZoneInfo(interviewer.time_zone))
        if load[interviewer.pk, week] >= interviewer.sessions_per_week:
            continue
        if any(s < slot.end and e > slot.start for s, e in busy):
            continue
        slot.fit_cost = level_fit_cost(
            interviewer_level=interviewer.interviewer_level, target_level=target_level
        )
        slot.past_pairings = pairings[interviewer.pk]
        slot.rating, slot.rating_count = reputation.get(interviewer.pk, (None, 0))
        slot.reliability = reliability[interviewer.pk]
        offered.append(slot)
    # Within a fit, unreliable interviewers come after the others, and at one time the more
    # reliable first: a less reliable interviewer never wins a tie.
    offered.sort(
        key=lambda s: (
            s.fit_cost,
            s.past_pairings > 0,
            s.reliability.ranking_percent < RELIABLE_ENOUGH,
            s.start,
            -s.reliability.ranking_percent,
        )
    )
    if one_per_hour:
        best = {}
        for slot in offered:
            best.setdefault(slot.start, slot)
        offered = list(best.values())
    for rank, slot in enumerate(offered):
        slot.rank = rank
    return offered[:limit]


def interviewer_for_member(pk) -> User:
    """A member who takes interviews, as any member may see them (their profile); 404 otherwise."""
    try:
        return User.objects.filter(taking_interviews()).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such interviewer.") from None


def interviewer_record(interviewer: User) -> dict:
    """What a candidate sees of an interviewer before booking: sessions given, their rating and
    their reliability."""
    rating, rating_count = hooks.reputation([interviewer.pk]).get(interviewer.pk, (None, 0))
    given = Session.objects.filter(interviewer=interviewer, status=SessionStatus.COMPLETED).count()
    return {
        "interviewer": interviewer,
        "sessions_given": given,
        "rating": rating,
        "rating_count": rating_count,
        "reliability": reliability_for(user_ids=[interviewer.pk])[interviewer.pk],
    }


def sessions_upcoming(*, user: User, limit: int, now: datetime | None = None) -> list[Session]:
    """The next `limit` scheduled sessions the user takes part in (the dashboard's)."""
    return list(
        Session.objects.filter(Q(candidate=user) | Q(interviewer=user))
        .filter(status=SessionStatus.SCHEDULED, end__gt=now or timezone.now())
        .select_related("candidate", "interviewer", "question")
        .order_by("start")[:limit]
    )


def sessions_for_user(*, user: User, now: datetime | None = None) -> JoinedAfterSlicing:
    """Every session the user takes part in, in either role, ordered, for the pages and the API to
    slice in the database: upcoming ones first, soonest first (`upcoming` is set on each), then the
    past and cancelled ones, latest first. Each sliced session has its people and question."""
    now = now or timezone.now()
    upcoming = Q(status=SessionStatus.SCHEDULED, end__gt=now)
    ordered = (
        Session.objects.filter(Q(candidate=user) | Q(interviewer=user))
        .annotate(upcoming=ExpressionWrapper(upcoming, output_field=BooleanField()))
        .order_by(
            F("upcoming").desc(),
            Case(When(upcoming, then=F("start"))).asc(nulls_last=True),
            F("start").desc(),
            "pk",
        )
    )
    return JoinedAfterSlicing(ordered, related=("candidate", "interviewer", "question"))


def sessions_for_feed(*, user: User, since: datetime) -> QuerySet[Session]:
    """The user's sessions from `since` on, in either role; cancelled ones too (shown as cancelled)."""
    return (
        Session.objects.filter(Q(candidate=user) | Q(interviewer=user), start__gte=since)
        .select_related("candidate", "interviewer")
        .order_by("start")
    )


def sessions_let_down(*, candidate_ids, since: datetime) -> set[int]:
    """Candidates whose interviewer did not come (reported by them) or cancelled since `since`:
    the matching round offers them a rematch first."""
    return set(
        Session.objects.filter(candidate_id__in=candidate_ids)
        .filter(
            Q(status=SessionStatus.NO_SHOW, no_show_reported_by=F("candidate"), start__gte=since)
            | Q(status=SessionStatus.CANCELLED, cancelled_by=F("interviewer"), cancelled_at__gte=since)
        )
        .values_list("candidate_id", flat=True)
    )
