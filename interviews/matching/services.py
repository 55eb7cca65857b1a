"""Match requests and the matching round that books them."""

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.credits import SESSION_PRICE, not_enough_credits
from accounts.errors import Conflict
from accounts.models import User
from accounts.sql import id_set
from interviews.fit import taking_interviews
from interviews.matching.messages import outbox_matches_found, outbox_requests_expired
from interviews.matching.models import (
    MAX_OPEN_REQUESTS,
    MAX_WINDOWS,
    MatchRequest,
    MatchRequestStatus,
    MatchWindow,
    RoundLease,
)
from interviews.matching.solver import WAIT_CAP_HOURS, Assignment, Offer, Request, solve_optimal
from interviews.scheduling.models import MIN_NOTICE, SESSION_LENGTH
from interviews.scheduling.selectors import Epoch, Moments
from interviews.scheduling.services import HORIZON_DAYS
from interviews.scheduling.timeslots import week_key
from interviews.sessions.booking import booking_paused_message, sessions_book_many, target_resolve
from interviews.sessions.hooks import hooks
from interviews.sessions.reliability import reliability_for
from interviews.sessions.selectors import (
    active_sessions,
    interviewer_week_load,
    open_slots,
    sessions_let_down,
)

ROUND_LEASE = timedelta(minutes=10)
# After an interviewer's no-show or cancellation, the candidate's requests go first this long.
REMATCH_FIRST_FOR = timedelta(days=7)


def match_request_create(
    *,
    candidate: User,
    windows: list[tuple[datetime, datetime]],
    target_level: str | None = None,
    company_type: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> MatchRequest:
    """Ask for a match inside one or more windows (stored in UTC).

    Windows must lie ahead (from 2 hours' notice, within the 4 weeks slots are published for;
    nothing starting more than a day ago or ending past them is stored) and fit a whole session;
    a candidate has at most 3 open requests and needs the credits for a session (the round books
    only what they can pay for when it runs).
    """
    now = now or timezone.now()
    target_level, company_type = target_resolve(candidate, target_level, company_type)
    errors = {}
    if not windows:
        errors["windows"] = "Give at least one time window that suits you."
    elif len(windows) > MAX_WINDOWS:
        errors["windows"] = f"Give at most {MAX_WINDOWS} windows."
    else:
        for start, end in windows:
            if end <= now + MIN_NOTICE:
                errors["windows"] = "A window is in the past (or within the next 2 hours)."
            elif end - max(start, now + MIN_NOTICE) < SESSION_LENGTH:
                errors["windows"] = "Each window must fit a whole 60-minute session, from 2 hours from now."
            elif start > now + timedelta(days=HORIZON_DAYS) or end > now + timedelta(days=HORIZON_DAYS + 1):
                errors["windows"] = "Windows can be at most 4 weeks ahead."
            elif start < now - timedelta(days=1):
                errors["windows"] = "A window can start at most a day ago."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = User.objects.select_for_update().filter(pk=candidate.pk).first()
        if locked.credit_balance < SESSION_PRICE:
            raise ValidationError(not_enough_credits(locked.credit_balance))
        if locked.booking_paused(now):
            raise ValidationError(booking_paused_message(locked))
        if candidate.match_requests.filter(status=MatchRequestStatus.OPEN).count() >= MAX_OPEN_REQUESTS:
            raise ValidationError(f"You already have {MAX_OPEN_REQUESTS} open requests: cancel one first.")
        request = MatchRequest.objects.create(
            candidate=candidate,
            target_level=target_level,
            company_type=company_type,
            note=(note or "").strip(),
            created_at=now,
        )
        MatchWindow.objects.bulk_create(
            MatchWindow(request=request, start=s, end=e) for s, e in sorted(windows)
        )
    return request


def match_request_cancel(*, request: MatchRequest, by: User, now: datetime | None = None) -> MatchRequest:
    with transaction.atomic():
        request = MatchRequest.objects.select_for_update().get(pk=request.pk)
        if request.candidate_id != by.pk:
            raise ValidationError("Only the candidate can cancel this request.")
        if request.status != MatchRequestStatus.OPEN:
            raise Conflict(f"This request is already {request.get_status_display().lower()}.")
        request.status = MatchRequestStatus.CANCELLED
        request.closed_at = now or timezone.now()
        request.save(update_fields=["status", "closed_at"])
    return request


def matching_round(*, now: datetime | None = None) -> dict:
    """One round: expire requests whose windows have passed, solve one min-cost flow over every
    open request and the open slots inside their windows, and book each chosen pair through
    the booking service (a slot taken meanwhile is skipped). Single-flight: a round that finds
    another one running returns at once.
    """
    now = now or timezone.now()
    if not _acquire_lease(now):
        return {"skipped": True}
    held_until = now + ROUND_LEASE
    try:
        expired = _expire(now)
        requests, offers, capacity, booked = _problem(now)
        assignment = solve_optimal(requests, offers, capacity, booked)
        booked = _book(assignment, now)
    finally:
        RoundLease.objects.filter(pk=1, held_until=held_until).update(held_until=None)  # only our own
    return {
        "skipped": False,
        "expired": expired,
        "requests": len(requests),
        "slots": len(offers),
        "chosen": assignment.matched,
        "booked": booked,
        "total_cost": assignment.total_cost,
    }


def _acquire_lease(now: datetime) -> bool:
    RoundLease.objects.get_or_create(pk=1)
    free = Q(held_until__isnull=True) | Q(held_until__lt=now)
    return RoundLease.objects.filter(free, pk=1).update(held_until=now + ROUND_LEASE) == 1


def _expire(now: datetime) -> int:
    """Requests with no window left that could still hold a session expire, each with a notice:
    one transaction, rows locked and updated together (a request cancelled meanwhile is left)."""
    last_chance = now + MIN_NOTICE + SESSION_LENGTH
    stale = (
        MatchRequest.objects.filter(status=MatchRequestStatus.OPEN)
        .annotate(last_end=Max("windows__end"))
        .filter(last_end__lt=last_chance)
        .values("pk")
    )
    with transaction.atomic():
        expired = list(
            MatchRequest.objects.select_for_update(of=("self",))
            .filter(pk__in=stale, status=MatchRequestStatus.OPEN)
            .select_related("candidate")
        )
        MatchRequest.objects.filter(pk__in=[r.pk for r in expired]).update(
            status=MatchRequestStatus.EXPIRED, closed_at=now
        )
        outbox_requests_expired(requests=expired, now=now)
    return len(expired)


def _problem(now: datetime):
    # A request whose candidate cannot pay, or whose booking is paused, waits (it expires with its
    # windows).
    open_requests = list(
        MatchRequest.objects.filter(
            status=MatchRequestStatus.OPEN,
            candidate__is_active=True,
            candidate__credit_balance__gte=SESSION_PRICE,
        ).exclude(candidate__booking_paused_until__gt=now)
    )
    if not open_requests:
        return [], [], {}, {}
    moment = Moments().__getitem__  # times read as numbers (slots share their hours)
    windows = defaultdict(list)
    for request_id, start, end in (
        MatchWindow.objects.filter(request_id__in=id_set(r.pk for r in open_requests))
        .order_by("start")
        .values_list("request_id", Epoch("start"), Epoch("end"))
    ):
        windows[request_id].append((moment(start), moment(end)))
    earliest = now + MIN_NOTICE
    latest = max(end for spans in windows.values() for _, end in spans)
    slots = list(
        open_slots()
        .filter(taking_interviews(prefix="interviewer__"), start__gte=earliest, start__lt=latest)
        .values_list(
            "pk",
            "interviewer_id",
            Epoch("start"),
            Epoch("end"),
            "interviewer__interviewer_level",
            "interviewer__company_experience",
            "interviewer__time_zone",
            "interviewer__sessions_per_week",
        )
    )
    interviewer_ids = {row[1] for row in slots}
    seats = {row[1]: row[7] or 0 for row in slots}
    load = interviewer_week_load(interviewer_ids=interviewer_ids, start=earliest, end=latest)
    candidate_ids = {r.candidate_id for r in open_requests}
    # {candidate: {interviewer: sessions had together}}, grouped once (not searched per request).
    pairings: dict[int, Counter] = defaultdict(Counter)
    for candidate_id, interviewer_id in (
        active_sessions()
        .filter(candidate_id__in=id_set(candidate_ids), interviewer_id__in=id_set(interviewer_ids))
        .values_list("candidate_id", "interviewer_id")
    ):
        pairings[candidate_id][interviewer_id] += 1
    reputation = hooks.reputation(interviewer_ids)
    reliability = reliability_for(user_ids=interviewer_ids, now=now)
    rating = {i: reputation.get(i, (None, 0))[0] for i in interviewer_ids}
    held = {i: reliability[i].percent for i in interviewer_ids}
    let_down = sessions_let_down(candidate_ids=candidate_ids, since=now - REMATCH_FIRST_FOR)

    offers = []
    capacity = {}
    weeks = {}  # (zone, start): the week of the interviewer's calendar it falls in
    for pk, interviewer_id, start, end, level, experience, zone, _ in slots:
        start, end = moment(start), moment(end)
        if (zone, start) not in weeks:
            weeks[zone, start] = week_key(start, ZoneInfo(zone))
        week = weeks[zone, start]
        if (interviewer_id, week) not in capacity:
            capacity[interviewer_id, week] = max(0, seats[interviewer_id] - load[interviewer_id, week])
        offers.append(
            Offer(
                pk,
                interviewer_id,
                start,
                end,
                level,
                experience,
                week,
                rating[interviewer_id],
                held[interviewer_id],
            )
        )
    requests = [
        Request(
            id=r.pk,
            candidate_id=r.candidate_id,
            target_level=r.target_level,
            company_type=r.company_type,
            windows=tuple(windows[r.pk]),
            # A candidate whose interviewer did not come or cancelled goes first: the longest wait.
            waited_hours=WAIT_CAP_HOURS
            if r.candidate_id in let_down
            else (now - r.created_at).total_seconds() / 3600,
            pairings=dict(pairings.get(r.candidate_id, {})),
        )
        for r in open_requests
    ]
    return requests, offers, capacity, dict(load)


BOOKING_CHUNK = 200


def _book(assignment: Assignment, now: datetime) -> int:
    """Book the chosen pairs, longest-waiting first, a chunk per transaction through the booking
    service's batch path; a pair whose slot or person was taken meanwhile is skipped and its
    request waits for the next round."""
    pairs = sorted(assignment.pairs, key=lambda p: -p.request.waited_hours)
    booked = 0
    for first in range(0, len(pairs), BOOKING_CHUNK):
        chunk = pairs[first : first + BOOKING_CHUNK]
        try:
            booked += _book_chunk(chunk, now)
        except IntegrityError:  # a constraint caught what the checks did not: go one by one
            booked += sum(_book_chunk([pair], now, quiet=True) for pair in chunk)
    return booked


def _book_chunk(pairs, now: datetime, quiet: bool = False) -> int:
    try:
        with transaction.atomic():
            requests = {
                r.pk: r
                for r in MatchRequest.objects.select_for_update().filter(
                    pk__in=[p.request.id for p in pairs], status=MatchRequestStatus.OPEN
                )
            }  # a request cancelled meanwhile drops out here
            asks = [
                (p.request.id, p.request.candidate_id, p.offer.id, requests[p.request.id].target_level,
                 requests[p.request.id].company_type)
                for p in pairs
                if p.request.id in requests
            ]  # fmt: skip
            sessions = sessions_book_many(asks=asks, now=now)
            costs = {p.request.id: p.breakdown for p in pairs}
            matched = []
            for request_id, session in sessions.items():
                request = requests[request_id]
                request.status, request.session, request.closed_at = MatchRequestStatus.MATCHED, session, now
                request.match_costs = costs[request_id]
                matched.append(request)
            _record_matches(matched)
            outbox_matches_found(requests=matched, now=now)
            return len(matched)
    except IntegrityError:
        if quiet:
            return 0
        raise


def _record_matches(requests: list[MatchRequest]) -> None:
    """Write the matched requests' status, session, closing time and costs. On PostgreSQL one
    UPDATE from arrays (one parameter per column); elsewhere one statement per row through
    executemany. Either is a fraction of what bulk_update's CASE over each field costs to compile."""
    if not requests:
        return
    fields = [
        MatchRequest._meta.get_field(name) for name in ("status", "session", "closed_at", "match_costs")
    ]
    quote = connection.ops.quote_name
    table, key = quote(MatchRequest._meta.db_table), quote(MatchRequest._meta.pk.column)
    rows = [
        [field.get_db_prep_save(getattr(r, field.attname), connection) for field in fields] + [r.pk]
        for r in requests
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [field.db_type(connection) for field in fields] + ["bigint"]
            names = [f"c{i}" for i in range(len(types))]
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            columns = ", ".join(f"{quote(f.column)} = v.{n}" for f, n in zip(fields, names[:-1], strict=True))
            cursor.execute(
                f"UPDATE {table} SET {columns} FROM unnest({arrays}) AS v({', '.join(names)}) "
                f"WHERE {table}.{key} = v.{names[-1]}",
                [[row[i] for row in rows] for i in range(len(types))],
            )
        else:
            columns = ", ".join(f"{quote(field.column)} = %s" for field in fields)
            cursor.executemany(f"UPDATE {table} SET {columns} WHERE {key} = %s", rows)
