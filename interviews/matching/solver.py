"""Batch matching of match requests to open slots: pure functions over plain data, no ORM.

One min-cost flow decides a whole round: source → candidate (capacity 1: one match per
person per round, so nobody gets two overlapping sessions) → request (1) → slot (1), mostly
through a node per class of alike slots (see solve_optimal) → interviewer-week (1 per slot)
→ sink through parallel arcs of capacity 1 whose cost rises with each extra session that week
(load spread). OR-Tools' SimpleMinCostFlow with
solve_max_flow_with_min_cost matches the most requests first, then at the least total cost.
The greedy first-come baselines (for bench/matching.py) use the same costs.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import numpy as np
from ortools.graph.python import min_cost_flow

from interviews.fit import (
    COMPANY_TYPES,
    EXPERIENCES,
    FIT_COST_BY_GAP,
    LEVELS,
    fits_vectorised,
    level_fit_cost,
)
from interviews.sessions.reliability import NO_RECORD_PERCENT

LEVEL_WEIGHT = 100  # per step away from the best level (one above the target)
SPECIALIST_BONUS = 20  # an interviewer with only the target company type costs less than "both"
REPEAT_COST = 150  # per session the pair already had
WAIT_CAP_HOURS = 96  # waiting longer than this earns no more priority
RATING_WEIGHT = 10  # per rating point below 5; unrated interviewers count as 3.5
LOAD_STEP = 10  # the k-th session of an interviewer's week costs k x this
RELIABILITY_WEIGHT = 2  # per percentage point of sessions not held (interviews.sessions.reliability)


@dataclass(frozen=True)
class Request:
    id: int
    candidate_id: int
    target_level: str
    company_type: str
    windows: tuple[tuple[datetime, datetime], ...]
    waited_hours: float = 0.0
    # interviewer id -> sessions already had together
    pairings: dict = field(default_factory=dict, hash=False, compare=False)


class Offer(NamedTuple):  # a tuple: a round makes one per open slot, 200,000 of them at scale
    id: int
    interviewer_id: int
    start: datetime
    end: datetime
    interviewer_level: str
    company_experience: str
    week: tuple  # the interviewer's own (year, week) of the slot
    rating: float | None = None
    reliability: int | None = None  # whole percent of sessions held in the last 90 days


@dataclass
class Pair:
    request: Request
    offer: Offer
    cost: int
    breakdown: dict


@dataclass
class Assignment:
    pairs: list[Pair]
    total_cost: int

    @property
    def matched(self) -> int:
        return len(self.pairs)


def _rating_cost(offer: Offer) -> int:
    return round(RATING_WEIGHT * (5 - (offer.rating if offer.rating is not None else 3.5)))


def _reliability_cost(offer: Offer) -> int:
    # Strictly falling in the whole-percent figure: a less reliable interviewer never wins a tie.
    # No record counts as the reliability module says (the same figure find-a-slot ranks by).
    reliability = offer.reliability if offer.reliability is not None else NO_RECORD_PERCENT
    return RELIABILITY_WEIGHT * (100 - reliability)


def _offer_cost(offer: Offer) -> int:
    """The part of a pair's cost that depends on the slot's interviewer alone."""
    return _rating_cost(offer) + _reliability_cost(offer)


def pair_cost(request: Request, offer: Offer) -> dict | None:
    """The cost breakdown of giving `offer` to `request`, or None when they do not fit.

    Offers are slots of interviewers taking interviews; the level and company rule is
    interviews.fit's (the same arrays candidate_pairs uses).
    """
    fits = fits_vectorised(
        interviewer_level=LEVELS.index(offer.interviewer_level),
        experience=EXPERIENCES.index(offer.company_experience),
        target_level=LEVELS.index(request.target_level),
        company_type=COMPANY_TYPES.index(request.company_type),
    )
    if offer.interviewer_id == request.candidate_id or not fits:
        return None
    if not any(start <= offer.start and offer.end <= end for start, end in request.windows):
        return None
    costs = {
        "level": LEVEL_WEIGHT
        * level_fit_cost(interviewer_level=offer.interviewer_level, target_level=request.target_level),
        "company": 0 if offer.company_experience == request.company_type else SPECIALIST_BONUS,
        "repeat": REPEAT_COST * request.pairings.get(offer.interviewer_id, 0),
        "waiting": round(WAIT_CAP_HOURS - min(request.waited_hours, WAIT_CAP_HOURS)),
        "rating": _rating_cost(offer),
        "reliability": _reliability_cost(offer),
    }
    costs["total"] = sum(costs.values())
    return costs


# _SPECIALIST[experience index, company type index]: only that type's experience (not "both").
_SPECIALIST = np.array([[experience == company for company in COMPANY_TYPES] for experience in EXPERIENCES])


class _OfferArrays:
    """The offers as numpy columns (in the offers' order), with an order for window lookup; for
    vectorised fit and costs."""

    def __init__(self, offers: list[Offer]):
        levels = {level: i for i, level in enumerate(LEVELS)}
        experiences = {experience: i for i, experience in enumerate(EXPERIENCES)}
        self.start = np.array([o.start.timestamp() for o in offers])
        self.end = np.array([o.end.timestamp() for o in offers])
        self.level = np.array([levels[o.interviewer_level] for o in offers], dtype=np.int64)
        self.experience = np.array([experiences[o.company_experience] for o in offers], dtype=np.int64)
        self.interviewer = np.array([o.interviewer_id for o in offers], dtype=np.int64)
        # The interviewer's part of the cost, computed once per (rating, reliability), not per slot.
        alike = [(o.rating, o.reliability) for o in offers]
        costs = {}
        for key, offer in zip(alike, offers, strict=True):
            if key not in costs:
                costs[key] = _offer_cost(offer)
        self.offer_cost = np.array([costs[key] for key in alike], dtype=np.int64)
        # Ordered by kind (level, experience), then start: a window's slots of one kind are a range.
        kind = self.level * len(EXPERIENCES) + self.experience
        self.order = np.lexsort((self.start, kind))
        self.sorted_start = self.start[self.order]
        self.kind_bounds = np.searchsorted(kind[self.order], np.arange(len(LEVELS) * len(EXPERIENCES) + 1))


def _repeat_counts(requests: list[Request], r: np.ndarray, interviewer: np.ndarray) -> np.ndarray:
    """Sessions each (request index, interviewer) pair already had, as an array."""
    rows = [(i, other, n) for i, q in enumerate(requests) for other, n in q.pairings.items() if n]
    counts = np.zeros(r.size, dtype=np.int64)
    if not rows or not r.size:
        return counts
    known = np.array(rows, dtype=np.int64)
    width = int(max(known[:, 1].max(), interviewer.max())) + 1
    keys = known[:, 0] * width + known[:, 1]
    order = np.argsort(keys)
    keys, n = keys[order], known[order, 2]
    wanted = r * width + interviewer
    at = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
    found = keys[at] == wanted
    counts[found] = n[at[found]]
    return counts


def candidate_pairs(
    requests: list[Request], offers: list[Offer]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every fitting (request index, offer index, total cost), as three arrays.

    Vectorised over all requests at once: each window's offers are a range of the offers
    sorted by start; the ranges are expanded, filtered and costed as whole arrays. Costs
    equal pair_cost's totals (a property test checks the optimum against it).
    """
    r, o, cost, _ = _candidate_pairs(requests, _OfferArrays(offers))
    return r, o, cost


def _candidate_pairs(requests: list[Request], table: _OfferArrays):
    """candidate_pairs over the offers' columns, with each pair's repeat count as a fourth array."""
    empty = np.array([], dtype=np.int64)
    if not table.start.size or not requests:
        return empty, empty, empty, empty
    win_req, win_start, win_end = [], [], []
    for r, request in enumerate(requests):
        for start, end in request.windows:
            win_req.append(r), win_start.append(start.timestamp()), win_end.append(end.timestamp())
    win_req, win_start, win_end = np.array(win_req, dtype=np.int64), np.array(win_start), np.array(win_end)
    target = np.array([LEVELS.index(q.target_level) for q in requests], dtype=np.int64)
    company = np.array([COMPANY_TYPES.index(q.company_type) for q in requests], dtype=np.int64)
    # Each window's slots of each kind that fits its request are a range of the ordered offers.
    found = []  # (window, lo, hi) per kind
    for kind in range(len(LEVELS) * len(EXPERIENCES)):
        first, last = table.kind_bounds[kind], table.kind_bounds[kind + 1]
        fits = fits_vectorised(
            interviewer_level=kind // len(EXPERIENCES),
            experience=kind % len(EXPERIENCES),
            target_level=target[win_req],
            company_type=company[win_req],
        )
        windows = np.flatnonzero(fits) if last > first else np.array([], dtype=np.int64)
        segment = table.sorted_start[first:last]
        found.append((
            windows,
            first + np.searchsorted(segment, win_start[windows], "left"),
            first + np.searchsorted(segment, win_end[windows], "left"),
        ))  # fmt: skip
    window, lo, hi = (np.concatenate([part[i] for part in found]) for i in range(3))
    sizes = np.maximum(hi - lo, 0)
    if not sizes.sum():
        return empty, empty, empty, empty
    # Expand each [lo, hi) into offers, remembering the window of each.
    o, window = table.order[_expand(lo, sizes)], np.repeat(window, sizes)
    r = win_req[window]
    ok = table.end[o] <= win_end[window]
    ok &= table.interviewer[o] != np.array([q.candidate_id for q in requests])[r]
    target, company, experience = target[r], company[r], table.experience[o]
    gap = table.level[o] - target
    r, o, gap = r[ok], o[ok], gap[ok]
    specialist = _SPECIALIST[experience[ok], company[ok]]
    # A slot inside two windows of one request counts once.
    _, first = np.unique(r.astype(np.int64) * table.start.size + o, return_index=True)
    r, o, gap, specialist = (
        r[first].astype(np.int64),
        o[first].astype(np.int64),
        gap[first],
        specialist[first],
    )
    waiting = np.array([round(WAIT_CAP_HOURS - min(q.waited_hours, WAIT_CAP_HOURS)) for q in requests])
    repeats = _repeat_counts(requests, r, table.interviewer[o])
    cost = (
        LEVEL_WEIGHT * FIT_COST_BY_GAP[gap]
        + np.where(specialist, 0, SPECIALIST_BONUS)
        + table.offer_cost[o]
        + waiting[r]
        + REPEAT_COST * repeats
    )
    return r, o, cost.astype(np.int64), repeats


def _expand(lo: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The positions of the ranges [lo, lo + size), one after another."""
    return np.repeat(lo, sizes) + (np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes))


def _load_cost(k: int) -> int:
    return LOAD_STEP * k


def solve_optimal(
    requests: list[Request], offers: list[Offer], capacity: dict[tuple, int], booked: dict | None = None
) -> Assignment:
    """Most requests matched, then the least total cost (pairs plus load spread).

    `capacity` is the seats left per (interviewer, week); `booked`, the sessions that week
    already has, so the load cost continues from there.
    """
    booked = booked or {}
    table = _OfferArrays(offers)
    pair_r, pair_o, pair_c, repeats = _candidate_pairs(requests, table)
    if not pair_r.size:
        return Assignment([], 0)
    used_offers = np.flatnonzero(np.bincount(pair_o, minlength=len(offers)))  # sorted, unique
    # Interviewer-weeks: (interviewer, year, week) as one number per used offer.
    weeks = np.array([offers[o].week for o in used_offers.tolist()], dtype=np.int64).reshape(-1, 2)
    week_numbers, offer_week = np.unique(
        (table.interviewer[used_offers] * 10_000 + weeks[:, 0]) * 100 + weeks[:, 1], return_inverse=True
    )
    week_keys = [(n // 1_000_000, (n // 100 % 10_000, n % 100)) for n in week_numbers.tolist()]
    candidate_ids = sorted({request.candidate_id for request in requests})
    candidate_index = {c: i for i, c in enumerate(candidate_ids)}
    n_req, n_off, n_week = len(requests), len(offers), len(week_keys)
    source, sink = 0, 1
    req_base, off_base, week_base, cand_base = 2, 2 + n_req, 2 + n_req + n_off, 2 + n_req + n_off + n_week

    used_requests = np.unique(pair_r)
    request_candidate = np.array([candidate_index[requests[r].candidate_id] for r in used_requests.tolist()])
    used_candidates = np.unique(request_candidate)
    # A week takes at most as many sessions as it has slots here: seats beyond that never fill.
    slots_in_week = np.bincount(offer_week, minlength=len(week_keys)).tolist()
    seats = [
        (w, booked.get(key, 0) + k)
        for w, key in enumerate(week_keys)
        for k in range(min(capacity.get(key, 0), slots_in_week[w]))
    ]
    seat_week = np.array([w for w, _ in seats], dtype=np.int64)
    seat_cost = np.array([_load_cost(k) for _, k in seats], dtype=np.int64)

    # Requests reach their slots through class nodes: a slot's class is its (start, end,
    # interviewer level, company experience), all a request's fit and cost depend on besides
    # the slot's own interviewer cost (rating, reliability). Request → class carries the rest of
    # the cost, class → slot that: the same optimum over far fewer arcs. Where a class holds a
    # slot with a pair-specific rule for the request (an interviewer it had sessions with, whose
    # repeat cost the class cannot carry, or the candidate's own slot, which it must not reach),
    # the request keeps direct request → slot arcs to that class's slots instead.
    klass_of = np.full(n_off, -1, dtype=np.int64)
    key = np.zeros(used_offers.size, dtype=np.int64)
    for column in (table.start, table.end, table.level, table.experience):
        values, index = np.unique(column[used_offers], return_inverse=True)
        key = key * values.size + index
    _, klass_of[used_offers] = np.unique(key, return_inverse=True)
    n_class = int(klass_of.max()) + 1
    request_class = pair_r * n_class + klass_of[pair_o]
    # Each used slot of an interviewer who is also a requesting candidate, with each of their requests.
    candidate_of = np.array([request.candidate_id for request in requests], dtype=np.int64)
    by_candidate = np.argsort(candidate_of, kind="stable")
    ordered = candidate_of[by_candidate]
    interviewer = table.interviewer[used_offers]
    lo = np.searchsorted(ordered, interviewer, "left")
    sizes = np.searchsorted(ordered, interviewer, "right") - lo
    own_request, own_offer = by_candidate[_expand(lo, sizes)], np.repeat(used_offers, sizes)
    special = np.concatenate([request_class[repeats > 0], own_request * n_class + klass_of[own_offer]])
    direct = np.isin(request_class, special)
    class_base = cand_base + len(candidate_ids)
    via_rk, first = np.unique(request_class[~direct], return_index=True)
    via_r, via_k = via_rk // n_class, via_rk % n_class
    via_c = (pair_c[~direct] - table.offer_cost[pair_o[~direct]])[first]
    direct_r, direct_o, direct_c = pair_r[direct], pair_o[direct], pair_c[direct]

    tails = np.concatenate([
        np.full(used_candidates.size, source),
        cand_base + request_candidate,
        req_base + direct_r,
        req_base + via_r,
        class_base + klass_of[used_offers],
        off_base + used_offers,
        week_base + seat_week,
    ])  # fmt: skip
    heads = np.concatenate([
        cand_base + used_candidates,
        req_base + used_requests,
        off_base + direct_o,
        class_base + via_k,
        off_base + used_offers,
        week_base + offer_week,
        np.full(len(seats), sink),
    ])  # fmt: skip
    costs = np.concatenate([
        np.zeros(used_candidates.size + used_requests.size, dtype=np.int64),
        direct_c,
        via_c,
        table.offer_cost[used_offers],
        np.zeros(used_offers.size, dtype=np.int64),
        seat_cost,
    ])  # fmt: skip
    first = used_candidates.size + used_requests.size
    spans = np.cumsum([first, direct_r.size, via_r.size, used_offers.size])

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), np.ones(tails.size, dtype=np.int64), costs
    )
    # The source offers a unit per candidate; solve_max_flow_with_min_cost sends as much of it
    # as the network carries (the most matches), at the least cost.
    flow.set_node_supply(source, int(used_candidates.size))
    flow.set_node_supply(sink, -int(used_candidates.size))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    chosen_direct = flow.flows(arcs[spans[0] : spans[1]]) > 0
    pairs = list(zip(direct_r[chosen_direct].tolist(), direct_o[chosen_direct].tolist(), strict=True))
    # Within a class every slot fits every request that reached it at the same cost: pair the
    # requests that flowed into each class with the slots that flowed out of it, in order.
    into = flow.flows(arcs[spans[1] : spans[2]]) > 0
    out_of = flow.flows(arcs[spans[2] : spans[3]]) > 0
    slots_by_class: dict[int, list[int]] = {}
    for o in used_offers[out_of].tolist():
        slots_by_class.setdefault(int(klass_of[o]), []).append(o)
    for r, k in zip(via_r[into].tolist(), via_k[into].tolist(), strict=True):
        pairs.append((r, slots_by_class[k].pop()))
    chosen = [_pair(requests[r], offers[o]) for r, o in pairs]
    return Assignment(chosen, flow.optimal_cost())


def _pair(request: Request, offer: Offer) -> Pair:
    breakdown = pair_cost(request, offer)
    return Pair(request, offer, breakdown["total"], breakdown)


def _greedy(requests, offers, capacity, prefer_cheapest: bool) -> Assignment:
    pair_r, pair_o, pair_c = candidate_pairs(requests, offers)
    order = np.argsort(pair_r, kind="stable")
    pair_r, pair_o, pair_c = pair_r[order], pair_o[order], pair_c[order]
    bounds = np.searchsorted(pair_r, np.arange(len(requests) + 1))
    week_keys = sorted({(o.interviewer_id, o.week) for o in offers})
    week_index = {key: i for i, key in enumerate(week_keys)}
    offer_week = np.array([week_index[(o.interviewer_id, o.week)] for o in offers], dtype=np.int64)
    offer_start = np.array([o.start.timestamp() for o in offers], dtype=float)
    seats = np.array([capacity.get(key, 0) for key in week_keys], dtype=np.int64)
    load = np.zeros(len(week_keys), dtype=np.int64)
    taken = np.zeros(len(offers), dtype=bool)
    served, chosen, total = set(), [], 0
    # First come, first served: the longest-waiting request picks first.
    for r in sorted(range(len(requests)), key=lambda i: -requests[i].waited_hours):
        if requests[r].candidate_id in served:
            continue
        options, costs = pair_o[bounds[r] : bounds[r + 1]], pair_c[bounds[r] : bounds[r + 1]]
        free = ~taken[options] & (load[offer_week[options]] < seats[offer_week[options]])
        if not free.any():
            continue
        options, costs = options[free], costs[free]
        best = int(np.argmin(costs) if prefer_cheapest else np.argmin(offer_start[options]))
        o = int(options[best])
        total += int(costs[best]) + _load_cost(int(load[offer_week[o]]))
        load[offer_week[o]] += 1
        taken[o] = True
        served.add(requests[r].candidate_id)
        chosen.append(_pair(requests[r], offers[o]))
    return Assignment(chosen, total)


def solve_first_available(requests, offers, capacity) -> Assignment:
    """Baseline: each request, in arrival order, takes the earliest slot that fits."""
    return _greedy(requests, offers, capacity, prefer_cheapest=False)


def solve_first_best_fit(requests, offers, capacity) -> Assignment:
    """Baseline: each request, in arrival order, takes the cheapest slot that fits."""
    return _greedy(requests, offers, capacity, prefer_cheapest=True)
