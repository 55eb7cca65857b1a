"""Reads of sessions (and of the slots open for booking): a fixed number of queries each."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
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
from accounts.sql import id_set
from interviews.fit import (
    experiences_covering,
    fitting_interviewers,
    level_fit_cost,
    levels_at_or_above,
    taking_interviews,
)
from interviews.scheduling.models import MIN_NOTICE, Slot
from interviews.scheduling.selectors import Epoch, Moments
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
            interviewer_id__in=id_set(interviewer_ids),
            start__gte=start - timedelta(days=7),
            start__lt=end + timedelta(days=7),
        )
        .values_list("interviewer_id", "start", "interviewer__time_zone")
    )


# What a page or the API shows of an offered slot and its interviewer.
OFFERED_FIELDS = (
    "start",
    "end",
    "interviewer",
    "interviewer__display_name",
    "interviewer__email",
    "interviewer__interviewer_level",
    "interviewer__company_experience",
)
MAX_SEARCH = timedelta(days=28)
# With one slot an hour, the database keeps this many best-fitting open ones of each hour: the
# ranking (reliability, fresh pairings) picks among them, and one remains when an interviewer's
# week is full.
HOURLY_SPARE = 3


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


# PostgreSQL finds each start time of the range from the index (a skip scan), then the few lowest
# ids of each fitting level at it: a few hundred index probes instead of a week of rows.
_BEST_OF_EACH_HOUR = """
WITH RECURSIVE starts(at) AS (
    (SELECT min(start) FROM {slots} WHERE NOT is_withdrawn AND start >= %(start)s AND start < %(end)s)
    UNION ALL
    SELECT (SELECT min(start) FROM {slots} WHERE NOT is_withdrawn AND start > starts.at AND start < %(end)s)
    FROM starts WHERE starts.at IS NOT NULL
)
SELECT id FROM (
    SELECT best.id, row_number() OVER (PARTITION BY starts.at ORDER BY fit.cost, best.id) AS place
    FROM starts
    CROSS JOIN unnest(%(levels)s::varchar[], %(costs)s::int[]) AS fit(level, cost)
    CROSS JOIN LATERAL (
        SELECT id FROM {slots}
        WHERE start = starts.at AND interviewer_level = fit.level AND NOT is_withdrawn
            AND company_experience = ANY(%(experiences)s::varchar[]) AND interviewer_id <> %(candidate)s
            AND NOT EXISTS (
                SELECT FROM {sessions} WHERE slot_id = {slots}.id AND status = ANY(%(active)s::varchar[])
            )
        ORDER BY id LIMIT %(spare)s
    ) AS best
) AS ranked
WHERE place <= %(spare)s
"""


def _best_of_each_hour(*, start, end, target_level: str, company_type: str, candidate: User):
    """The ids of the HOURLY_SPARE best-fitting open slots of each start time in [start, end),
    ranked on the slots' copies of their interviewer's fit (level fit, then the lowest id), to
    filter by."""
    levels = levels_at_or_above(target_level)
    costs = [level_fit_cost(interviewer_level=level, target_level=target_level) for level in levels]
    experiences = experiences_covering(company_type)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _BEST_OF_EACH_HOUR.format(slots=Slot._meta.db_table, sessions=Session._meta.db_table),
                {"start": start, "end": end, "levels": levels, "costs": costs, "experiences": experiences,
                 "candidate": candidate.pk, "active": list(ACTIVE_STATUSES), "spare": HOURLY_SPARE},
            )  # fmt: skip
            ids = [row[0] for row in cursor.fetchall()]
        return id_set(ids)
    # Elsewhere (SQLite: make run, make test on a fresh machine) the same ranking as a window, read
    # first as PostgreSQL's is.
    fit_cost = Case(
        *(When(interviewer_level=level, then=cost) for level, cost in zip(levels, costs, strict=True))
    )
    return list(
        published_slots()
        .filter(
            start__gte=start, start__lt=end, interviewer_level__in=levels, company_experience__in=experiences
        )
        .exclude(interviewer=candidate)
        .exclude(slot_booked())
        .annotate(
            place=Window(RowNumber(), partition_by=[F("start")], order_by=[fit_cost.asc(), F("pk").asc()])
        )
        .filter(place__lte=HOURLY_SPARE)
        .values_list("pk", flat=True)
    )


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
    """Open slots of interviewers who fit, best fit first: six queries whatever the data size (seven
    with `one_per_hour`).

    `one_per_hour` offers only the best slot at each start time: what one screen of a week shows,
    however many interviewers publish that hour (the database keeps the HOURLY_SPARE best-fitting
    open slots of each hour, and those are ranked: an hour whose spares all belong to interviewers
    with a full week shows none). `slot_id` asks about that one slot only (the review step).

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
        published = published.filter(
            pk__in=_best_of_each_hour(
                start=start,
                end=end,
                target_level=target_level,
                company_type=company_type,
                candidate=candidate,
            )
        )
    found = published.exclude(slot_booked())
    # Narrow rows to rank, times as numbers; only the slots offered are loaded whole.
    moment = Moments().__getitem__
    rows = [
        (pk, interviewer_id, moment(start), moment(end), *rest)
        for pk, interviewer_id, start, end, *rest in found.order_by("start", "interviewer_id").values_list(
            "pk",
            "interviewer_id",
            Epoch("start"),
            Epoch("end"),
            "interviewer__time_zone",
            "interviewer__sessions_per_week",
            "interviewer__interviewer_level",
        )[: limit * 4]
    ]
    if not rows:
        return []
    interviewer_ids = {row[1] for row in rows}
    low, high = rows[0][2], rows[-1][3]

    load = interviewer_week_load(interviewer_ids=interviewer_ids, start=low, end=rows[-1][2])

    # One query: the candidate's sessions with these interviewers (past pairings), and their own
    # sessions in either role around these slots (clashes).
    mine = Q(candidate=candidate) | Q(interviewer=candidate)
    theirs = list(
        active_sessions()
        .filter(
            Q(candidate=candidate, interviewer_id__in=interviewer_ids)
            | (mine & Q(start__lt=high, end__gt=low))
        )
        .values_list("candidate_id", "interviewer_id", "start", "end")
    )
    pairings = Counter(i for c, i, _, _ in theirs if c == candidate.pk and i in interviewer_ids)
    busy = [(s, e) for c, i, s, e in theirs if candidate.pk in (c, i) and s < high and e > low]

    reputation = hooks.reputation(interviewer_ids)
    reliability = reliability_for(user_ids=interviewer_ids, now=now)

    offered = []
    for pk, interviewer_id, slot_start, slot_end, zone, seats, level in rows:
        if load[interviewer_id, week_key(slot_start, ZoneInfo(zone))] >= seats:
            continue
        if any(s < slot_end and e > slot_start for s, e in busy):
            continue
        fit_cost = level_fit_cost(interviewer_level=level, target_level=target_level)
        held = reliability[interviewer_id]
        offered.append((fit_cost, pairings[interviewer_id] > 0, held.ranking_percent < RELIABLE_ENOUGH,
                        slot_start, -held.ranking_percent, pk, interviewer_id))  # fmt: skip
    # Within a fit, unreliable interviewers come after the others, and at one time the more
    # reliable first: a less reliable interviewer never wins a tie.
    offered.sort(key=lambda ranked: ranked[:5])
    if one_per_hour:
        best = {}
        for ranked in offered:
            best.setdefault(ranked[3], ranked)
        offered = list(best.values())
    offered = offered[:limit]
    whole = (
        Slot.objects.select_related("interviewer")
        .only(*OFFERED_FIELDS)
        .in_bulk([ranked[5] for ranked in offered])
    )
    slots = []
    for rank, (fit_cost, _, _, _, _, pk, interviewer_id) in enumerate(offered):
        slot = whole[pk]
        slot.rank, slot.fit_cost, slot.past_pairings = rank, fit_cost, pairings[interviewer_id]
        slot.rating, slot.rating_count = reputation.get(interviewer_id, (None, 0))
        slot.reliability = reliability[interviewer_id]
        slots.append(slot)
    return slots


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
        Session.objects.filter(candidate_id__in=id_set(candidate_ids))
        .filter(
            Q(status=SessionStatus.NO_SHOW, no_show_reported_by=F("candidate"), start__gte=since)
            | Q(status=SessionStatus.CANCELLED, cancelled_by=F("interviewer"), cancelled_at__gte=since)
        )
        .values_list("candidate_id", flat=True)
    )
