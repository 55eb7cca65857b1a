"""Each page's time and size on the demo data and on the large data set, in one run (issue #18).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_demo REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/pages.py --demo scale_demo --large scale_big [--small scale_small] [--write]

All databases live on DATABASE_URL's server. The demo one is migrated and seeded here
(`seed_demo`, idempotent); the large one must already hold `manage.py seed_scale --members 20000`.
`--small` names a third one built by the same command with fewer members (`--members 1000`): its
busiest members fill a screen as the large one's do, so large ÷ small is what the platform's size
alone costs a page, where large ÷ demo also counts the rows a demo member does not have.
The pages run in this process through the whole framework (Django test client, `DEBUG` off), one
client per member reused, so the handler and its middleware are warm as in a gunicorn worker.
Rounds alternate the data sets (demo, large, demo, large...), each request timed on its own; the
figures are over every round's requests. `--write` puts the table into docs/benchmarks.md between
its `pages` markers.
"""

import argparse
import io
import os
import re
import statistics
import sys
import time

from _django import ROOT, sql_count  # noqa: I001  (sets up the environment first)

# The web processes plan without parallel workers (config/settings.py, pooled connections); the
# pages here run in this process, so its connections are told the same way.
os.environ.setdefault("PGOPTIONS", "-c max_parallel_workers_per_gather=0")

MARK_BEGIN, MARK_END = "<!-- pages:begin -->", "<!-- pages:end -->"
# (label, member, path): paths may name {slot}, {session}, {interviewer}, filled per data set.
PAGES = [
    ("dashboard (candidate)", "candidate", "/"),
    ("dashboard (interviewer: rubric to-do)", "interviewer", "/"),
    ("dashboard (staff)", "staff", "/"),
    ("/sessions/find/ (candidate)", "candidate", "/sessions/find/"),
    ("/sessions/book/{slot}/ (review step)", "candidate", "/sessions/book/{slot}/"),
    ("/interviewers/{interviewer}/", "candidate", "/interviewers/{interviewer}/"),
    ("/api/v1/slots/ (candidate)", "candidate", "/api/v1/slots/"),
    ("/sessions/ (busiest interviewer)", "interviewer", "/sessions/"),
    ("/api/v1/sessions/ (same)", "interviewer", "/api/v1/sessions/"),
    ("/sessions/{session}/ (session page)", "interviewer", "/sessions/{session}/"),
    ("/sessions/{session}/evaluation/ (rubric)", "interviewer", "/sessions/{session}/evaluation/"),
    ("/feedback/ (most evaluated candidate)", "candidate", "/feedback/"),
    ("/api/v1/me/evaluations/ (same)", "candidate", "/api/v1/me/evaluations/"),
    ("/api/v1/me/placement/ (same)", "candidate", "/api/v1/me/placement/"),
    ("/match-requests/ (candidate)", "candidate", "/match-requests/"),
    ("/questions/ (candidate)", "candidate", "/questions/"),
    ("/staff/calibration/", "staff", "/staff/calibration/"),
]


def use_database(name: str) -> None:
    from django.core.cache import cache
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = name
    cache.clear()


def members(generated: bool) -> dict:
    """The data set's people: on the demo data its personas; on one of seed_scale the busiest."""
    from django.db.models import Count, Q

    from accounts.models import User
    from config.scale import STAFF_EMAIL
    from rubrics.models import EvaluationStatus

    if not generated:
        by_email = {u.email: u for u in User.objects.filter(email__endswith="@example.com")}
        return {
            "candidate": by_email["cara@example.com"],
            "interviewer": by_email["ivan@example.com"],
            "staff": by_email["staff@example.com"],
        }
    return {
        "candidate": User.objects.annotate(
            n=Count(
                "sessions_as_candidate",
                filter=Q(sessions_as_candidate__evaluation__status=EvaluationStatus.SUBMITTED),
            )
        )
        .order_by("-n")
        .first(),
        "interviewer": User.objects.filter(is_interviewer=True)
        .annotate(n=Count("sessions_as_interviewer"))
        .order_by("-n")
        .first(),
        "staff": User.objects.get(email=STAFF_EMAIL),
    }


def fill(people: dict) -> dict:
    """Values for the paths: an open slot the candidate may book, the interviewer's latest past
    session whose rubric is still to fill (its page and its rubric)."""
    from django.utils import timezone

    from interviews.sessions.models import Session, SessionStatus
    from interviews.sessions.selectors import slots_available
    from rubrics.models import EvaluationStatus

    candidate, interviewer = people["candidate"], people["interviewer"]
    now = timezone.now()
    slot = slots_available(
        candidate=candidate,
        target_level=candidate.target_level,
        company_type=candidate.target_company_type,
        start=now,
        end=now + timezone.timedelta(days=7),
        limit=1,
    )[0]
    session = (
        Session.objects.filter(interviewer=interviewer, status=SessionStatus.COMPLETED, start__lt=now)
        .exclude(evaluation__status=EvaluationStatus.SUBMITTED)  # its rubric still to fill
        .order_by("-start")
        .first()
    )
    return {"slot": slot.pk, "interviewer": slot.interviewer_id, "session": session.pk}


def measure(client, path: str, n: int) -> tuple[list[float], int]:
    sizes = set()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}")
        sizes.add(len(response.content))
    return samples, max(sizes)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


# Sequential scans of these would grow with the platform's history.
GROWING = {
    "interviews_slot",
    "interviews_session",
    "rubrics_evaluation",
    "rubrics_dimensionscore",
    "rubrics_interviewerrating",
    "interviews_matchrequest",
    "interviews_matchwindow",
    "accounts_user",
    "accounts_creditentry",
}


def explain(client, url: str, *, plans: bool) -> None:
    """Each SELECT the page runs, under EXPLAIN (ANALYZE, BUFFERS; the time without per-node timing, whose
    overhead is large on these plans): its time, the sequential scans
    of growing tables, the indexes used (the whole plan with `plans`)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip("( \n").upper().startswith(("SELECT", "WITH")):  # reads, unions and CTEs too
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]
            if plans:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                text = "\n".join("      " + row[0] for row in cursor.fetchall())
        nodes, stack = [], [plan["Plan"]]
        while stack:
            node = stack.pop()
            nodes.append(node)
            stack.extend(node.get("Plans", []))
        seq = sorted({n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"} & GROWING)
        used = sorted({n["Index Name"] for n in nodes if "Index Name" in n})
        flag = f"SEQ SCAN {', '.join(seq)}" if seq else "no seq scan of growing tables"
        print(f"    {plan['Execution Time']:7.2f} ms  {flag}; indexes: {', '.join(used) or '-'}")
        print(f"      {' '.join(sql.split())[:160]}")
        if plans:
            print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", default="scale_demo")
    parser.add_argument("--large", default="scale_big")
    parser.add_argument("--small", help="a smaller seed_scale data set, compared with the large one")
    parser.add_argument("--requests", type=int, default=20, help="per page, data set and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="a regular expression over the page labels")
    parser.add_argument("--write", action="store_true", help="put the table into docs/benchmarks.md")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN each page's queries on the large data set instead"
    )
    parser.add_argument("--plans", action="store_true", help="with --explain: print the whole plans")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    pages = [page for page in PAGES if not args.only or re.search(args.only, page[0])]

    call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment does
    sets = {}
    named = (("demo", args.demo), ("small", args.small), ("large", args.large))
    for label, name in ((label, name) for label, name in named if name):
        use_database(name)
        if label == "demo":
            call_command("migrate", verbosity=0)
            call_command("seed_demo", force=True, stdout=io.StringIO())
        people = members(label != "demo")
        clients = {}
        for role, user in people.items():
            clients[role] = Client()
            clients[role].force_login(user)
        sets[label] = {"name": name, "clients": clients, "values": fill(people), "people": people}
        print(f"{label}: " + ", ".join(f"{role} {user.email}" for role, user in people.items()), flush=True)

    if args.explain:
        data = sets["large"]
        use_database(data["name"])
        for page_label, role, path in pages:
            print(page_label)
            explain(data["clients"][role], path.format(**data["values"]), plans=args.plans)
        return

    results = {
        (page[0], label): {"samples": [], "bytes": 0, "queries": 0} for page in pages for label in sets
    }
    for round_ in range(args.rounds):
        for label, data in sets.items():
            use_database(data["name"])
            for page_label, role, path in pages:
                client, url = data["clients"][role], path.format(**data["values"])
                client.get(url)  # warm: connection, handler, this page's code
                connection.queries_log.clear()  # a full log (9,000 entries) would capture nothing
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                result = results[page_label, label]
                result["queries"] = sql_count(captured.captured_queries)
                samples, size = measure(client, url, args.requests)
                result["samples"] += samples
                result["bytes"] = max(result["bytes"], size)
        print(f"round {round_ + 1} of {args.rounds} done", flush=True)

    def cell(page_label: str, label: str) -> str:
        samples = results[page_label, label]["samples"]
        return f"{statistics.median(samples) * 1000:.1f} / {p95(samples) * 1000:.1f} ms"

    def ratio(page_label: str, label: str, base: str) -> str:
        times, base_times = results[page_label, label]["samples"], results[page_label, base]["samples"]
        median, tail = statistics.median(times) / statistics.median(base_times), p95(times) / p95(base_times)
        return f"{median:.2f} × / {tail:.2f} ×"

    labels = list(sets)
    header = ["page", *(f"{label} median / p95" for label in labels), "large ÷ demo (median, p95)"]
    if "small" in sets:
        header.append("large ÷ small (median, p95)")
    header += [f"KB {' / '.join(labels)}", f"queries {' / '.join(labels)}"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for page_label, _, _ in pages:
        row = [page_label, *(cell(page_label, label) for label in labels), ratio(page_label, "large", "demo")]
        if "small" in sets:
            row.append(ratio(page_label, "large", "small"))
        row.append(" / ".join(f"{results[page_label, label]['bytes'] / 1024:.1f}" for label in labels))
        row.append(" / ".join(str(results[page_label, label]["queries"]) for label in labels))
        lines.append("| " + " | ".join(row) + " |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        docs = ROOT / "docs" / "benchmarks.md"
        text = docs.read_text()
        start, end = text.index(MARK_BEGIN) + len(MARK_BEGIN), text.index(MARK_END)
        docs.write_text(text[:start] + "\n" + table + "\n" + text[end:])


if __name__ == "__main__":
    main()
