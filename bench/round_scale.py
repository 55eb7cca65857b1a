"""A matching round on the large data set (issue #18), at several numbers of open requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_big REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/round_scale.py --sizes 1250 2500 5000

DATABASE_URL names a database holding `manage.py seed_scale --members 20000` (5,000 open match
requests); nothing connected to it meanwhile. For each size the script copies it
(`CREATE DATABASE ... TEMPLATE`), keeps that many open requests (the others cancelled), and runs
`matching_round()` in a fresh process: the round's phases timed (expiring, reading the problem,
the solve, booking), the matches chosen and their total cost, the process's peak resident memory
and the machine's load average, the copy (`round_bench`) dropped afterwards.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

from _django import ROOT

COPY = "round_bench"


def psql(database: str, sql: str) -> None:
    from urllib.parse import urlparse

    url = urlparse(os.environ["DATABASE_URL"])
    subprocess.run(
        [
            "psql",
            "-q",
            "-h",
            url.hostname,
            "-p",
            str(url.port or 5432),
            "-U",
            url.username,
            database,
            "-c",
            sql,
        ],
        check=True,
    )


def one_round(size: int) -> dict:
    """In this process: the round on the copy, phases timed by wrapping the round's steps."""
    import django

    django.setup()
    from django.db import connection

    from interviews.matching import services
    from interviews.matching.models import MatchRequest, MatchRequestStatus

    keep = MatchRequest.objects.filter(status=MatchRequestStatus.OPEN).order_by("pk").values("pk")[:size]
    MatchRequest.objects.filter(status=MatchRequestStatus.OPEN).exclude(pk__in=keep).update(
        status=MatchRequestStatus.CANCELLED
    )
    phases = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] = round(time.perf_counter() - start, 2)

        return wrapper

    for name in ("_expire", "_problem", "solve_optimal", "_book"):
        setattr(services, name, timed(name.strip("_"), getattr(services, name)))
    connection.ensure_connection()
    start = time.perf_counter()
    result = services.matching_round()
    total = time.perf_counter() - start
    return {
        "size": size,
        "total": round(total, 2),
        **phases,
        **{k: result[k] for k in ("expired", "requests", "slots", "chosen", "booked", "total_cost")},
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load": round(os.getloadavg()[0], 2),  # the machine's, over the last minute
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1250, 2500, 5000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_round(args.one)))
        return
    source = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    rows = []
    for size in args.sizes:
        psql("postgres", f"DROP DATABASE IF EXISTS {COPY}")
        psql("postgres", f"CREATE DATABASE {COPY} TEMPLATE {source}")
        env = {**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + COPY}
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(size)],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        finally:
            psql("postgres", f"DROP DATABASE IF EXISTS {COPY}")
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    print(
        "| requests | open slots read | chosen | booked | cost | expire | read | solve | book | total "
        "| RSS | load |"
    )
    print("|" + "---|" * 12)
    for r in rows:
        print(
            f"| {r['requests']:,} | {r['slots']:,} | {r['chosen']:,} | {r['booked']:,} | {r['total_cost']:,} "
            f"| {r['expire']} s | {r['problem']} s | {r['solve_optimal']} s | {r['book']} s "
            f"| **{r['total']} s** | {r['peak_mib']} MiB | {r['load']} |"
        )


if __name__ == "__main__":
    main()
