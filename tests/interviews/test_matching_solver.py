"""The round's solver against an independent optimum (networkx), on random small instances."""

from datetime import UTC, datetime, timedelta

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from interviews.matching.solver import (
    Offer,
    Request,
    pair_cost,
    solve_first_available,
    solve_first_best_fit,
    solve_optimal,
)

BASE = datetime(2027, 1, 4, 8, tzinfo=UTC)
LEVELS = ["L3", "L4", "L5"]


@st.composite
def instances(draw):
    n_interviewers = draw(st.integers(1, 4))
    offers = []
    for interviewer in range(n_interviewers):
        level = draw(st.sampled_from(LEVELS))
        experience = draw(st.sampled_from(["faang", "startup", "both"]))
        rating = draw(st.one_of(st.none(), st.floats(1, 5)))
        reliability = draw(st.one_of(st.none(), st.integers(0, 100)))
        for hour in sorted(draw(st.sets(st.integers(0, 30), max_size=6))):
            start = BASE + timedelta(hours=hour)
            week = (2027, 1 + hour // 15)
            offers.append(
                Offer(
                    len(offers),
                    1000 + interviewer,
                    start,
                    start + timedelta(hours=1),
                    level,
                    experience,
                    week,
                    rating,
                    reliability,
                )
            )
    capacity = {
        (1000 + i, (2027, w)): draw(st.integers(0, 3)) for i in range(n_interviewers) for w in (1, 2, 3)
    }
    requests = []
    for r in range(draw(st.integers(1, 8))):
        candidate = draw(st.sampled_from([1, 2, 3, 4, 5, 1000]))  # 1000 also interviews: never themself
        windows = []
        for _ in range(draw(st.integers(1, 2))):
            start = draw(st.integers(0, 28))
            windows.append(
                (BASE + timedelta(hours=start), BASE + timedelta(hours=start + draw(st.integers(1, 8))))
            )
        requests.append(
            Request(
                r, candidate, draw(st.sampled_from(LEVELS)), draw(st.sampled_from(["faang", "startup"])),
                tuple(windows), draw(st.floats(0, 200)),
                {1000 + i: draw(st.integers(0, 2)) for i in range(n_interviewers)},
            )
        )  # fmt: skip
    return requests, offers, capacity


def networkx_optimum(requests, offers, capacity) -> tuple[int, int]:
    """The same problem, built from its definition and solved by networkx."""
    graph = nx.DiGraph()
    for request in requests:
        graph.add_edge("source", ("candidate", request.candidate_id), capacity=1, weight=0)
        graph.add_edge(("candidate", request.candidate_id), ("request", request.id), capacity=1, weight=0)
        for offer in offers:
            cost = pair_cost(request, offer)
            if cost is not None:
                graph.add_edge(("request", request.id), ("offer", offer.id), capacity=1, weight=cost["total"])
    for offer in offers:
        graph.add_edge(("offer", offer.id), ("week", offer.interviewer_id, offer.week), capacity=1, weight=0)
    for (interviewer, week), seats in capacity.items():
        for k in range(seats):
            graph.add_edge(
                ("week", interviewer, week), ("seat", interviewer, week, k), capacity=1, weight=10 * k
            )
            graph.add_edge(("seat", interviewer, week, k), "sink", capacity=1, weight=0)
    graph.add_node("sink")
    flow = nx.max_flow_min_cost(graph, "source", "sink")
    matched = sum(flow["source"].values())
    return matched, nx.cost_of_flow(graph, flow)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_the_optimum_matches_networkx_and_breaks_no_rule(instance):
    requests, offers, capacity = instance
    result = solve_optimal(requests, offers, capacity)
    assert (result.matched, result.total_cost) == networkx_optimum(requests, offers, capacity)

    used_offers = [pair.offer.id for pair in result.pairs]
    assert len(used_offers) == len(set(used_offers))  # a slot at most once
    candidates = [pair.request.candidate_id for pair in result.pairs]
    assert len(candidates) == len(set(candidates))  # nobody in two sessions of one round
    load = {}
    for pair in result.pairs:
        assert pair_cost(pair.request, pair.offer) is not None  # level, company, window, not oneself
        key = (pair.offer.interviewer_id, pair.offer.week)
        load[key] = load.get(key, 0) + 1
    assert all(count <= capacity.get(key, 0) for key, count in load.items())


@settings(max_examples=100, deadline=None)
@given(instances())
def test_greedy_baselines_never_beat_the_optimum(instance):
    requests, offers, capacity = instance
    best = solve_optimal(requests, offers, capacity)
    for greedy in (solve_first_available, solve_first_best_fit):
        other = greedy(requests, offers, capacity)
        assert other.matched <= best.matched
        if other.matched == best.matched:
            assert other.total_cost >= best.total_cost


def test_level_fit_prefers_one_level_above_and_waiting_requests_go_first():
    slot = Offer(1, 100, BASE, BASE + timedelta(hours=1), "L5", "faang", (2027, 1))
    early = Request(1, 1, "L4", "faang", ((BASE, BASE + timedelta(hours=2)),), waited_hours=90)
    late = Request(2, 2, "L4", "faang", ((BASE, BASE + timedelta(hours=2)),), waited_hours=1)
    result = solve_optimal([late, early], [slot], {(100, (2027, 1)): 1})
    assert [p.request.id for p in result.pairs] == [1]
    assert pair_cost(early, slot)["level"] == 0
    same = Offer(2, 101, BASE, BASE + timedelta(hours=1), "L4", "faang", (2027, 1))
    assert pair_cost(early, same)["level"] == 100


@st.composite
def ties(draw):
    """Interviewers alike in everything (level, experience, rating, the slot's time and week) but
    their reliability, and one request any of them fits."""
    reliabilities = draw(st.lists(st.one_of(st.none(), st.integers(0, 100)), min_size=2, max_size=6))
    level = draw(st.sampled_from(LEVELS))
    experience = draw(st.sampled_from(["faang", "startup", "both"]))
    rating = draw(st.one_of(st.none(), st.floats(1, 5)))
    start = BASE + timedelta(hours=draw(st.integers(0, 30)))
    offers = [
        Offer(i, 1000 + i, start, start + timedelta(hours=1), level, experience, (2027, 1), rating, held)
        for i, held in enumerate(reliabilities)
    ]
    request = Request(1, 1, "L3", "faang" if experience != "startup" else "startup",
                      ((start, start + timedelta(hours=1)),))  # fmt: skip
    return offers, request


@given(ties())
@settings(max_examples=200, deadline=None)
def test_a_less_reliable_interviewer_never_wins_a_tie(tie):
    offers, request = tie
    capacity = {(o.interviewer_id, (2027, 1)): 1 for o in offers}
    chosen = solve_optimal([request], offers, capacity).pairs[0].offer

    def figure(offer):
        return 90 if offer.reliability is None else offer.reliability  # no record counts as 90

    assert figure(chosen) == max(figure(o) for o in offers)
    for offer in offers:
        if figure(offer) < figure(chosen):
            assert pair_cost(request, offer)["total"] > pair_cost(request, chosen)["total"]


def test_a_candidate_who_interviews_never_gets_their_own_slot_among_alike_ones():
    # Two alike slots (same time, level and experience), one the first candidate's own; the other
    # interviewer has no seat left that week. The own slot goes to the other candidate, though
    # the first has waited longer.
    own = Offer(1, 1000, BASE, BASE + timedelta(hours=1), "L5", "faang", (2027, 1))
    other = Offer(2, 1001, BASE, BASE + timedelta(hours=1), "L5", "faang", (2027, 1))
    window = ((BASE, BASE + timedelta(hours=2)),)
    first = Request(1, 1000, "L4", "faang", window, waited_hours=90)
    second = Request(2, 2, "L4", "faang", window, waited_hours=1)
    result = solve_optimal([first, second], [own, other], {(1000, (2027, 1)): 1})
    assert [(p.request.id, p.offer.id) for p in result.pairs] == [(2, 1)]
