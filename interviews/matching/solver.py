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


@dataclass(frozen=True)
class Offer:
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
    """The offers as sorted numpy columns, for fast window lookup and vectorised costs."""

    def __init__(self, offers: list[Offer]):
        self.order = np.argsort(np.array([o.start.timestamp() for o in offers]), kind="stable")
        sorted_offers = [offers[i] for i in self.order]
        self.start = np.array([o.start.timestamp() for o in sorted_offers])
        self.end = np.array([o.end.timestamp() for o in sorted_offers])
        self.level = np.array([LEVELS.index(o.interviewer_level) for o in sorted_offers], dtype=np.int64)
        self.experience = np.array(
            [EXPERIENCES.index(o.company_experience) for o in sorted_offers], dtype=np.int64
        )
        self.interviewer = np.array([o.interviewer_id for o in sorted_offers])
        self.offer_cost = np.array([_offer_cost(o) for o in sorted_offers])


def candidate_pairs(
    requests: list[Request], offers: list[Offer]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every fitting (request index, offer index, total cost), as three arrays.

    Vectorised over all requests at once: each window's offers are a range of the offers
    sorted by start; the ranges are expanded, filtered and costed as whole arrays. Costs
    equal pair_cost's totals (a property test checks the optimum against it).
    """
    empty = np.array([], dtype=np.int64)
    if not offers or not requests:
        return empty, empty, empty
    table = _OfferArrays(offers)
    win_req, win_start, win_end = [], [], []
    for r, request in enumerate(requests):
        for start, end in request.windows:
            win_req.append(r), win_start.append(start.timestamp()), win_end.append(end.timestamp())
    win_req, win_start, win_end = np.array(win_req), np.array(win_start), np.array(win_end)
    lo = np.searchsorted(table.start, win_start, "left")
    hi = np.searchsorted(table.start, win_end, "left")
    sizes = np.maximum(hi - lo, 0)
    if not sizes.sum():
        return empty, empty, empty
    # Expand each window's [lo, hi) into positions, remembering the window of each.
    window = np.repeat(np.arange(sizes.size), sizes)
    position = lo[window] + (np.arange(window.size) - np.repeat(np.cumsum(sizes) - sizes, sizes))
    r = win_req[window]
    ok = table.end[position] <= win_end[window]
    target = np.array([LEVELS.index(q.target_level) for q in requests], dtype=np.int64)[r]
    company = np.array([COMPANY_TYPES.index(q.company_type) for q in requests], dtype=np.int64)[r]
    experience = table.experience[position]
    ok &= fits_vectorised(
        interviewer_level=table.level[position],
        experience=experience,
        target_level=target,
        company_type=company,
    )
    ok &= table.interviewer[position] != np.array([q.candidate_id for q in requests])[r]
    gap = table.level[position] - target
    r, position, gap = r[ok], position[ok], gap[ok]
    specialist = _SPECIALIST[experience[ok], company[ok]]
    # A slot inside two windows of one request counts once.
    key = r.astype(np.int64) * len(offers) + position
    key, first = np.unique(key, return_index=True)
    r, position, gap, specialist = r[first], position[first], gap[first], specialist[first]
    waiting = np.array([round(WAIT_CAP_HOURS - min(q.waited_hours, WAIT_CAP_HOURS)) for q in requests])
    cost = (
        LEVEL_WEIGHT * FIT_COST_BY_GAP[gap]
        + np.where(specialist, 0, SPECIALIST_BONUS)
        + table.offer_cost[position]
        + waiting[r]
    )
    repeats = [
        (i, interviewer, n) for i, q in enumerate(requests) for interviewer, n in q.pairings.items() if n
    ]
    if repeats:
        lookup = {(i, interviewer): n for i, interviewer, n in repeats}
        has = np.isin(r, [i for i, _, _ in repeats])
        cost[has] += REPEAT_COST * np.array(
            [
                lookup.get((i, interviewer), 0)
                for i, interviewer in zip(
                    r[has].tolist(), table.interviewer[position[has]].tolist(), strict=True
                )
            ],
            dtype=np.int64,
        )
    return r.astype(np.int64), table.order[position].astype(np.int64), cost.astype(np.int64)


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
    pair_r, pair_o, pair_c = candidate_pairs(requests, offers)
    if not pair_r.size:
        return Assignment([], 0)
    used_offers = np.unique(pair_o)
    week_keys = sorted({(offers[o].interviewer_id, offers[o].week) for o in used_offers.tolist()})
    week_index = {key: i for i, key in enumerate(week_keys)}
    candidate_ids = sorted({request.candidate_id for request in requests})
    candidate_index = {c: i for i, c in enumerate(candidate_ids)}
    n_req, n_off, n_week = len(requests), len(offers), len(week_keys)
    source, sink = 0, 1
    req_base, off_base, week_base, cand_base = 2, 2 + n_req, 2 + n_req + n_off, 2 + n_req + n_off + n_week

    used_requests = np.unique(pair_r)
    request_candidate = np.array([candidate_index[requests[r].candidate_id] for r in used_requests.tolist()])
    used_candidates = np.unique(request_candidate)
    offer_week = np.array(
        [week_index[(offers[o].interviewer_id, offers[o].week)] for o in used_offers.tolist()]
    )
    seats = [
        (w, booked.get(key, 0) + k) for key, w in week_index.items() for k in range(capacity.get(key, 0))
    ]
    seat_week = np.array([w for w, _ in seats], dtype=np.int64)
    seat_cost = np.array([_load_cost(k) for _, k in seats], dtype=np.int64)

    # Most requests reach their slots through class nodes: a slot's class is its (start, end,
    # interviewer level, company experience), all a request's fit and cost depend on besides
    # the slot's own interviewer cost (rating, reliability). Request → class carries the rest of
    # the cost, class → slot that: the same optimum over about a sixth of the arcs. Requests
    # with a pair-specific rule (a repeat pairing's cost, or a candidate who is also one of
    # these interviewers) keep their direct request → slot arcs.
    interviewer_ids = {offers[o].interviewer_id for o in used_offers.tolist()}
    direct_request = np.array(
        [any(q.pairings.values()) or q.candidate_id in interviewer_ids for q in requests], dtype=bool
    )
    direct = direct_request[pair_r]
    rating = np.array([_offer_cost(offers[o]) for o in range(n_off)], dtype=np.int64)
    klass_of = np.full(n_off, -1, dtype=np.int64)
    keys = [
        (offers[o].start, offers[o].end, offers[o].interviewer_level, offers[o].company_experience)
        for o in used_offers.tolist()
    ]
    class_ids = {key: i for i, key in enumerate(dict.fromkeys(keys))}
    klass_of[used_offers] = [class_ids[key] for key in keys]
    n_class = len(class_ids)
    class_base = cand_base + len(candidate_ids)
    via_r, via_k = pair_r[~direct], klass_of[pair_o[~direct]]
    request_class = np.unique(via_r * max(n_class, 1) + via_k, return_index=True)[1]
    via_r, via_k = via_r[request_class], via_k[request_class]
    via_c = (pair_c[~direct] - rating[pair_o[~direct]])[request_class]
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
        rating[used_offers],
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
