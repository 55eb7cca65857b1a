"""Matching: the optimal round against first-come greedy matching, and a whole round on PostgreSQL.

    .venv/bin/python bench/matching.py                      # solver comparison (no database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/matching.py --round

A seeded synthetic instance: 10,000 requests and 20,000 slots over four weeks, demand skewed to
evenings and weekends, 1-2 windows of 1 to 2 hours per request. Scenario "ample": interviewers
take up to 10 sessions a week; scenario "scarce": 2 a week, below demand. For each, matched
count, total cost and time (median of 5, pair generation included) of first-come
first-available, first-come best-fit and the optimal min-cost flow. `--round` times a whole
round (read, solve, book through the booking service, outbox) for 2,000 requests.
"""

import argparse
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from _django import bench_database

LEVELS = ["L3", "L4", "L5"]
BASE = datetime(2027, 3, 1, tzinfo=UTC)  # a Monday


def _hour(rng: random.Random, evening_weight: float) -> tuple[int, int]:
    """(day, hour): evenings and weekends are where demand and supply cluster."""
    day = rng.randrange(28)
    weekend = day % 7 >= 5
    if rng.random() < evening_weight:
        hour = rng.randrange(9, 13) if weekend else rng.randrange(17, 21)
    else:
        hour = rng.randrange(8, 17)
    return day, hour


def synthetic(seed: int, n_requests: int, n_slots: int, weekly_capacity: int):
    from interviews.matching.solver import Offer, Request

    rng = random.Random(seed)
    n_interviewers = n_slots // 40
    interviewers = [
        (1_000_000 + i, rng.choices(LEVELS, weights=[2, 4, 4])[0],
         rng.choice(["faang", "startup", "both", "both"]), rng.choice([None, rng.uniform(3, 5)]))
        for i in range(n_interviewers)
    ]  # fmt: skip
    offers, seen = [], set()
    while len(offers) < n_slots:
        interviewer_id, level, experience, rating = rng.choice(interviewers)
        day, hour = _hour(rng, 0.6)
        if (interviewer_id, day, hour) in seen:
            continue
        seen.add((interviewer_id, day, hour))
        start = BASE + timedelta(days=day, hours=hour)
        offers.append(Offer(len(offers), interviewer_id, start, start + timedelta(hours=1), level, experience,
                            (2027, 9 + day // 7), rating))  # fmt: skip
    capacity = {(i, (2027, 9 + w)): weekly_capacity for i, *_ in interviewers for w in range(4)}
    requests = []
    for r in range(n_requests):
        windows = []
        for _ in range(rng.choice([1, 1, 1, 2])):
            day, hour = _hour(rng, 0.75)
            start = BASE + timedelta(days=day, hours=hour)
            windows.append((start, start + timedelta(minutes=rng.choice([60, 60, 90]))))
        pairings = {rng.choice(interviewers)[0]: 1} if rng.random() < 0.1 else {}
        level, company = rng.choices(LEVELS, weights=[3, 4, 3])[0], rng.choice(["faang", "startup"])
        requests.append(Request(r, r, level, company, tuple(windows), rng.uniform(0, 200), pairings))
    return requests, offers, capacity


def compare(seed: int, rounds: int) -> dict:
    from interviews.matching.solver import (
        candidate_pairs,
        solve_first_available,
        solve_first_best_fit,
        solve_optimal,
    )

    report = {}
    for scenario, weekly in (("ample", 10), ("scarce", 2)):
        requests, offers, capacity = synthetic(seed, 10_000, 20_000, weekly)
        fitting = candidate_pairs(requests, offers)[0].size / len(requests)
        rows = {}
        for name, solver in (
            ("first-come first-available", solve_first_available),
            ("first-come best-fit", solve_first_best_fit),
            ("optimal (min-cost flow)", solve_optimal),
        ):
            times, result = [], None
            for _ in range(rounds):
                started = time.perf_counter()
                result = solver(requests, offers, capacity)
                times.append(time.perf_counter() - started)
            rows[name] = {
                "matched": result.matched,
                "total_cost": result.total_cost,
                "median_seconds": round(statistics.median(times), 2),
            }
        report[scenario] = {"fitting_slots_per_request": round(fitting, 1), "results": rows}
    return report


def whole_round(n_requests: int, seed: int) -> dict:
    """Seed PostgreSQL with the synthetic demand and supply, then time one matching_round()."""
    from django.utils import timezone

    from accounts.credits import credits_grant_starter
    from accounts.models import User
    from interviews.matching.models import MatchRequest, MatchWindow
    from interviews.matching.services import matching_round
    from interviews.scheduling.models import Slot

    requests, offers, _ = synthetic(seed, n_requests, n_requests * 2, 10)
    shift = (timezone.now() + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0) - BASE
    shift -= timedelta(days=shift.days % 7)  # keep weekdays
    first_offer = {}
    for offer in offers:
        first_offer.setdefault(offer.interviewer_id, offer)
    ids = sorted(first_offer)
    interviewers = User.objects.bulk_create(
        User(email=f"i{i}@example.com", display_name=f"I{i}", time_zone="UTC", current_level="L5",
             target_level="L5", target_company_type="faang", is_interviewer=True,
             interviewer_level=first_offer[i].interviewer_level,
             company_experience=first_offer[i].company_experience, sessions_per_week=10,
             onboarded_at=timezone.now())
        for i in ids
    )  # fmt: skip
    by_id = dict(zip(ids, interviewers, strict=True))
    Slot.objects.bulk_create(Slot.of(by_id[o.interviewer_id], o.start + shift) for o in offers)
    candidates = User.objects.bulk_create(
        User(email=f"c{r.id}@example.com", display_name=f"C{r.id}", time_zone="UTC", current_level="L3",
             target_level=r.target_level, target_company_type=r.company_type, onboarded_at=timezone.now())
        for r in requests
    )  # fmt: skip
    for candidate in candidates:  # what every new member starts with: two sessions' credits
        credits_grant_starter(user=candidate)
    created = MatchRequest.objects.bulk_create(
        MatchRequest(candidate=c, target_level=r.target_level, company_type=r.company_type,
                     created_at=timezone.now() - timedelta(hours=r.waited_hours))
        for c, r in zip(candidates, requests, strict=True)
    )  # fmt: skip
    MatchWindow.objects.bulk_create(
        MatchWindow(request=m, start=s + shift, end=e + shift)
        for m, r in zip(created, requests, strict=True)
        for s, e in r.windows
    )
    started = time.perf_counter()
    result = matching_round()
    return {"requests": n_requests, "seconds": round(time.perf_counter() - started, 2), **result}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--round", action="store_true", help="also time a whole round on the database")
    parser.add_argument("--round-requests", type=int, default=2000)
    args = parser.parse_args()
    if args.round:
        with bench_database():
            print(json.dumps({"whole_round": whole_round(args.round_requests, args.seed)}, indent=2))
        return
    import django

    django.setup()
    print(json.dumps(compare(args.seed, args.rounds), indent=2))


if __name__ == "__main__":
    main()
