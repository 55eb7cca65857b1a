"""Batch matching of match requests to open slots: pure functions over plain data, no ORM.

One min-cost flow decides a whole round: source → candidate (capacity 1: one match per
person per round, so nobody gets two overlapping sessions) → request (1) → slot (1) →
interviewer-week (1 per slot) → sink through parallel arcs of capacity 1 whose cost rises
with each extra session that week (load spread). OR-Tools' SimpleMinCostFlow with
solve_max_flow_with_min_cost matches the most requests first, then at the least total cost.
The greedy first-come baselines (for bench/matching.py) use the same costs.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from ortools.graph.python import min_cost_flow

from interviews.compatibility import level_fit_cost

LEVEL_WEIGHT = 100  # per step away from the best level (one above the target)
SPECIALIST_BONUS = 20  # an interviewer with only the target company type costs less than "both"
REPEAT_COST = 150  # per session the pair already had
WAIT_CAP_HOURS = 96  # waiting longer than this earns no more priority
RATING_WEIGHT = 10  # per rating point below 5; unrated interviewers count as 3.5
LOAD_STEP = 10  # the k-th session of an interviewer's week costs k x this


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


def pair_cost(request: Request, offer: Offer) -> dict | None:
    """The cost breakdown of giving `offer` to `request`, or None when they do not fit."""
    if offer.interviewer_id == request.candidate_id or offer.interviewer_level < request.target_level:
        return None
    if offer.company_experience not in (request.company_type, "both"):
        return None
    if not any(start <= offer.start and offer.end <= end for start, end in request.windows):
        return None
    costs = {
        "level": LEVEL_WEIGHT
        * level_fit_cost(interviewer_level=offer.interviewer_level, target_level=request.target_level),
        "company": 0 if offer.company_experience == request.company_type else SPECIALIST_BONUS,
        "repeat": REPEAT_COST * request.pairings.get(offer.interviewer_id, 0),
        "waiting": round(WAIT_CAP_HOURS - min(request.waited_hours, WAIT_CAP_HOURS)),
        "rating": round(RATING_WEIGHT * (5 - (offer.rating if offer.rating is not None else 3.5))),
    }
    costs["total"] = sum(costs.values())
    return costs


def candidate_pairs(requests: list[Request], offers: list[Offer]) -> list[tuple[int, int, dict]]:
    """Every fitting (request index, offer index, breakdown), found by time-window lookup."""
    by_start = sorted(range(len(offers)), key=lambda i: offers[i].start)
    starts = [offers[i].start for i in by_start]
    pairs = []
    for r, request in enumerate(requests):
        seen = set()
        for window_start, window_end in request.windows:
            for position in range(bisect_left(starts, window_start), len(starts)):
                o = by_start[position]
                if offers[o].start >= window_end:
                    break
                if o in seen:
                    continue
                breakdown = pair_cost(request, offers[o])
                if breakdown is not None:
                    seen.add(o)
                    pairs.append((r, o, breakdown))
    return pairs


def _load_cost(k: int) -> int:
    return LOAD_STEP * k


def solve_optimal(requests: list[Request], offers: list[Offer], capacity: dict[tuple, int]) -> Assignment:
    """Most requests matched, then the least total cost (pairs plus load spread)."""
    pairs = candidate_pairs(requests, offers)
    if not pairs:
        return Assignment([], 0)
    weeks = sorted({(offers[o].interviewer_id, offers[o].week) for _, o, _ in pairs})
    week_index = {key: i for i, key in enumerate(weeks)}
    candidates = sorted({request.candidate_id for request in requests})
    candidate_index = {c: i for i, c in enumerate(candidates)}
    n_req, n_off, n_week = len(requests), len(offers), len(weeks)
    source, sink = 0, 1

    def req_node(r):
        return 2 + r

    def off_node(o):
        return 2 + n_req + o

    def week_node(w):
        return 2 + n_req + n_off + w

    def candidate_node(c):
        return 2 + n_req + n_off + n_week + c

    tails, heads, caps, costs = [], [], [], []

    def arcs(t, h, c, cost):
        tails.append(t), heads.append(h), caps.append(c), costs.append(cost)

    used_requests = sorted({r for r, _, _ in pairs})
    used_offers = sorted({o for _, o, _ in pairs})
    for c in sorted({candidate_index[requests[r].candidate_id] for r in used_requests}):
        arcs(source, candidate_node(c), 1, 0)
    for r in used_requests:
        arcs(candidate_node(candidate_index[requests[r].candidate_id]), req_node(r), 1, 0)
    first_pair_arc = len(tails)
    for r, o, breakdown in pairs:
        arcs(req_node(r), off_node(o), 1, breakdown["total"])
    for o in used_offers:
        arcs(off_node(o), week_node(week_index[(offers[o].interviewer_id, offers[o].week)]), 1, 0)
    for (interviewer_id, week), w in week_index.items():
        for k in range(capacity.get((interviewer_id, week), 0)):
            arcs(week_node(w), sink, 1, _load_cost(k))

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    # The source offers a unit per candidate; solve_max_flow_with_min_cost sends as much of it
    # as the network carries (the most matches), at the least cost.
    n_candidates = len({requests[r].candidate_id for r in used_requests})
    flow.set_node_supply(source, n_candidates)
    flow.set_node_supply(sink, -n_candidates)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    chosen = [
        Pair(requests[r], offers[o], breakdown["total"], breakdown)
        for index, (r, o, breakdown) in enumerate(pairs)
        if flow.flow(first_pair_arc + index) > 0
    ]
    return Assignment(chosen, flow.optimal_cost())


def _greedy(requests, offers, capacity, choose) -> Assignment:
    pairs_by_request = defaultdict(list)
    for r, o, breakdown in candidate_pairs(requests, offers):
        pairs_by_request[r].append((o, breakdown))
    taken, load, chosen, total, served = set(), defaultdict(int), [], 0, set()
    # First come, first served: the longest-waiting request picks first.
    for r in sorted(range(len(requests)), key=lambda i: -requests[i].waited_hours):
        if requests[r].candidate_id in served:
            continue
        options = [
            (o, b)
            for o, b in pairs_by_request[r]
            if o not in taken
            and load[(offers[o].interviewer_id, offers[o].week)]
            < capacity.get((offers[o].interviewer_id, offers[o].week), 0)
        ]
        if not options:
            continue
        o, breakdown = choose(options)
        key = (offers[o].interviewer_id, offers[o].week)
        total += breakdown["total"] + _load_cost(load[key])
        load[key] += 1
        taken.add(o)
        served.add(requests[r].candidate_id)
        chosen.append(Pair(requests[r], offers[o], breakdown["total"], breakdown))
    return Assignment(chosen, total)


def solve_first_available(requests, offers, capacity) -> Assignment:
    """Baseline: each request, in arrival order, takes the earliest slot that fits."""
    return _greedy(
        requests, offers, capacity, lambda options: min(options, key=lambda ob: offers[ob[0]].start)
    )


def solve_first_best_fit(requests, offers, capacity) -> Assignment:
    """Baseline: each request, in arrival order, takes the cheapest slot that fits."""
    return _greedy(requests, offers, capacity, lambda options: min(options, key=lambda ob: ob[1]["total"]))
