"""The load test of issue #18: gunicorn as production runs it (3 uvicorn workers, config.asgi),
PostgreSQL and Redis on the large data set, Locust headless at 8 and then 32 simulated users
(bench/locustfile.py for the mix).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_big REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/load.py --users 8 32 --seconds 120 [--warmup 30]

DATABASE_URL names a database holding `manage.py seed_scale --members 20000`; the test runs on a
copy (`CREATE DATABASE ... TEMPLATE`, dropped afterwards: bookings and drafts change it), so nothing
may be connected to it meanwhile. Members are signed in here (sessions written as a sign-in writes
them), not through the sign-in form: a page load is what is measured, not PBKDF2. Per page: requests,
failures, p50/p95/p99 and requests per second, from Locust's CSV. The server first takes
`--warmup` seconds of the same mix, not counted: a fresh worker's first requests compile templates
and fill caches (hundreds of milliseconds each), once per deploy; the figures are the steady state.
"""

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from importlib import import_module

from _django import ROOT
from round_scale import psql

COPY = "bench_load"
PORT = 8711
PERSONAS_PER_ROLE = 200


def personas() -> dict:
    """Signed-in sessions for candidates, evaluated candidates, interviewers with rubrics to write,
    and staff; read from the copy."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count, Q
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone

    from accounts.models import User
    from interviews.sessions.models import Session, SessionStatus
    from rubrics.models import EvaluationStatus

    store = import_module(settings.SESSION_ENGINE).SessionStore
    rng = random.Random(18)

    def signed_in(user, **extra) -> dict:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return {"id": user.pk, "session": session.session_key, "csrf": _get_new_csrf_string(), **extra}

    candidates = list(User.objects.filter(is_interviewer=False, is_staff=False).order_by("pk"))
    evaluated = list(
        User.objects.annotate(
            n=Count(
                "sessions_as_candidate",
                filter=Q(sessions_as_candidate__evaluation__status=EvaluationStatus.SUBMITTED),
            )
        )
        .filter(n__gte=3)
        .order_by("-n")[:PERSONAS_PER_ROLE]
    )
    recent = Session.objects.filter(
        status=SessionStatus.COMPLETED,
        end__gt=timezone.now() - timezone.timedelta(hours=48),
        evaluation__isnull=True,
    )
    owing: dict[int, list[int]] = {}
    for session_id, interviewer_id in recent.values_list("pk", "interviewer_id"):
        owing.setdefault(interviewer_id, []).append(session_id)
    their_sessions: dict[int, list[int]] = {}
    for session_id, candidate_id in Session.objects.filter(candidate__in=evaluated).values_list(
        "pk", "candidate_id"
    ):
        their_sessions.setdefault(candidate_id, []).append(session_id)
    interviewers = User.objects.in_bulk(list(owing)[:PERSONAS_PER_ROLE])
    return {
        "candidates": [signed_in(u) for u in rng.sample(candidates, PERSONAS_PER_ROLE)],
        "evaluated": [signed_in(u, sessions=their_sessions[u.pk][:50]) for u in evaluated],
        "interviewers": [signed_in(u, sessions=owing[u.pk]) for u in interviewers.values()],
        "staff": [signed_in(User.objects.get(email="staff@scale.example"))],
        "interviewer_ids": list(
            User.objects.filter(is_interviewer=True).order_by("?").values_list("pk", flat=True)[:500]
        ),
    }


def stats(prefix: str) -> list[dict]:
    with open(f"{prefix}_stats.csv") as f:
        return list(csv.DictReader(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument(
        "--warmup", type=int, default=30, help="seconds of the same mix first, not counted (0: none)"
    )
    parser.add_argument("--personas", help=argparse.SUPPRESS)  # the child process writing them
    args = parser.parse_args()
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    if args.personas:
        with open(args.personas, "w") as f:
            json.dump(personas(), f)
        return

    base, source = os.environ["DATABASE_URL"].rsplit("/", 1)
    env = {**os.environ, "DATABASE_URL": f"{base}/{COPY}", "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "0"}
    env.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    psql("postgres", f"DROP DATABASE IF EXISTS {COPY}")
    psql("postgres", f"CREATE DATABASE {COPY} TEMPLATE {source}")
    server = None
    try:
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
        )
        personas_file = out / "personas.json"
        subprocess.run([python, __file__, "--personas", str(personas_file)], env=env, cwd=ROOT, check=True)
        server = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "config.asgi:application",
                "--config",
                "platform/gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
            ],
            env={
                **env,
                "GUNICORN_WORKERS": "3",
                "GUNICORN_BIND": f"127.0.0.1:{PORT}",
            },
            cwd=ROOT,
        )
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(1)

        def run(users: int, seconds: int, prefix: str) -> list[dict]:
            locust = ["-f", "bench/locustfile.py", "--headless", "-u", str(users), "-r", str(users)]
            subprocess.run(
                [python, "-m", "locust", *locust, "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{PORT}",
                 "--csv", prefix, "--only-summary"],
                env={**env, "PEERLOOP_PERSONAS": str(personas_file)},
                cwd=ROOT,
                check=False,  # Locust exits 1 when any request failed: the table says which
            )  # fmt: skip
            return stats(prefix)

        if args.warmup:  # not counted: each worker's first requests compile templates, fill caches
            cold = run(args.users[0], args.warmup, str(out / "load_warmup"))
            worst = max(cold, key=lambda row: float(row["Max Response Time"] or 0))
            print(f"warm-up, {args.warmup} s: slowest {worst['Name']} {worst['Max Response Time']} ms")
        results = {users: run(users, args.seconds, str(out / f"load_{users}")) for users in args.users}
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        psql("postgres", f"DROP DATABASE IF EXISTS {COPY}")
    for users, rows in results.items():
        print(f"\n{users} users, {args.seconds} s:\n")
        print("| request | requests | failures | p50 | p95 | p99 | req/s |")
        print("|---|---|---|---|---|---|---|")
        for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
            name = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "**all**"
            counts = f"{row['Request Count']} | {row['Failure Count']}"
            times = f"{row['50%']} ms | {row['95%']} ms | {row['99%']} ms"
            print(f"| {name.replace('GET ', '')} | {counts} | {times} | {float(row['Requests/s']):.1f} |")


if __name__ == "__main__":
    main()
