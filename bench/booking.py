"""Booking benchmark: PeerLoop beside django-appointment 3.12.0, in one run on one machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/booking.py

Measures, for each: SQL queries per booking, median server time per booking (the whole
request through the framework, in process, no network), slot-search queries at 100 and
10,000 slots, and duplicates created when 20 requests book one slot at once. The peer runs
in its own virtual environment (var/bench/appointment-venv, made on first run) through
bench/peer_appointment.py, on its own throw-away database. Prints a JSON report and the
Markdown table written into docs/benchmarks.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
from datetime import timedelta

from _django import ROOT, Timer, bench_database, median_ms, sql_count

PEER_VENV = ROOT / "var" / "bench" / "appointment-venv"
PEER_REQUIREMENTS = ["django-appointment==3.12.0", "psycopg[binary]==3.3.9"]


def measure_peerloop(bookings: int, concurrent: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from interviews.scheduling.models import Slot
    from interviews.sessions.models import Session
    from interviews.sessions.selectors import slots_available
    from tests.factories import InterviewerFactory, UserFactory

    # 40 interviewers with room for 5 sessions each in one week; one candidate per booking.
    start = (timezone.now() + timedelta(days=7)).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = start - timedelta(days=start.weekday())
    interviewers = [InterviewerFactory(time_zone="UTC", sessions_per_week=10) for _ in range(40)]
    slots = []
    for interviewer in interviewers:
        for hour in range(bookings // len(interviewers) + 1):
            slots.append(Slot.of(interviewer, monday + timedelta(days=1, hours=hour)))
    Slot.objects.bulk_create(slots)
    slot_ids = list(Slot.objects.order_by("start", "interviewer_id").values_list("pk", flat=True))
    candidates = [UserFactory() for _ in range(bookings)]

    # One client, so one warm handler (middleware built once, WhiteNoise's index of the collected
    # static files read once), as in a gunicorn worker; each booking by its own candidate.
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    timer, per_booking = Timer(), []
    for candidate, slot_id in zip(candidates, slot_ids, strict=False):
        client.force_login(candidate)
        with CaptureQueriesContext(connection) as queries, timer.measure():
            response = client.post("/api/v1/sessions/", {"slot": slot_id}, content_type="application/json")
        assert response.status_code == 201, response.content
        per_booking.append(sql_count(queries.captured_queries))

    # Slot search: the same request over 100 and over 10,000 open slots.
    searcher = UserFactory()
    search_queries = {}
    for size in (100, 10_000):
        Slot.objects.filter(sessions__isnull=True).delete()
        base = monday + timedelta(days=8)
        Slot.objects.bulk_create(
            Slot.of(interviewers[i % 40], base + timedelta(hours=i // 40)) for i in range(size)
        )
        with CaptureQueriesContext(connection) as queries:
            found = slots_available(
                candidate=searcher,
                target_level="L4",
                company_type="faang",
                start=base,
                end=base + timedelta(days=400),
                limit=size,
            )
        search_queries[size] = {"queries": sql_count(queries.captured_queries), "slots_returned": len(found)}

    # 20 requests for one slot at the same moment.
    target = Slot.of(InterviewerFactory(time_zone="UTC"), base - timedelta(days=2))
    target.save()
    racers = [UserFactory() for _ in range(concurrent)]
    barrier, statuses = threading.Barrier(concurrent), []

    def race(user):
        client = Client()
        client.force_login(user)
        barrier.wait()
        statuses.append(
            client.post("/api/v1/sessions/", {"slot": target.pk}, content_type="application/json").status_code
        )
        connection.close()

    threads = [threading.Thread(target=race, args=(u,)) for u in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    return {
        "queries_per_booking": max(per_booking),
        "queries_per_booking_note": "whole request (session, user, booking), transaction control not counted",
        "median_booking_ms": median_ms(timer.samples),
        "bookings_timed": len(timer.samples),
        "slot_search": search_queries,
        "concurrent_requests": concurrent,
        "concurrent_bookings_created": Session.objects.filter(slot=target).count(),
        "duplicates": Session.objects.filter(slot=target).count() - 1,
        "concurrent_statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
        "database": connection.vendor,
    }


def measure_peer(bookings: int, concurrent: int) -> dict:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER_REQUIREMENTS], check=True)
    result = subprocess.run(
        [
            str(python),
            str(ROOT / "bench" / "peer_appointment.py"),
            "--bookings",
            str(bookings),
            "--concurrent",
            str(concurrent),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="alternate the two sides this many times")
    args = parser.parse_args()
    # The two sides alternate, so slow spells of the machine (disk flushes) hit both alike;
    # the time reported is the median of the rounds' medians.
    ours_rounds, peer_rounds = [], []
    for _ in range(args.rounds):
        with bench_database():
            ours_rounds.append(measure_peerloop(args.bookings, args.concurrent))
        peer_rounds.append(measure_peer(args.bookings, args.concurrent))
    ours, peer = ours_rounds[-1], peer_rounds[-1]
    for side, rounds in ((ours, ours_rounds), (peer, peer_rounds)):
        side["median_booking_ms_per_round"] = [r["median_booking_ms"] for r in rounds]
        side["median_booking_ms"] = statistics.median(side["median_booking_ms_per_round"])
        side["duplicates_per_round"] = [r["duplicates"] for r in rounds]
        side["duplicates"] = max(side["duplicates_per_round"])
    report = {"peerloop": ours, "django-appointment 3.12.0": peer}
    print(json.dumps(report, indent=2))
    print()
    rows = [
        ("SQL queries per booking", ours["queries_per_booking"], peer["queries_per_booking"]),
        ("median server time per booking (ms)", ours["median_booking_ms"], peer["median_booking_ms"]),
        *(
            (f"slot-search queries, {size:,} slots", ours["slot_search"][size]["queries"],
             peer["slot_search"][str(size)]["queries"])
            for size in (100, 10_000)
        ),
        (f"duplicates, {args.concurrent} requests for one slot", ours["duplicates"], peer["duplicates"]),
    ]  # fmt: skip
    print("| measure | PeerLoop | django-appointment 3.12.0 |")
    print("| --- | --- | --- |")
    for label, a, b in rows:
        print(f"| {label} | {a} | {b} |")


if __name__ == "__main__":
    main()
