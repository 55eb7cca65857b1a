"""The whole placement refit at platform size, database included, on a real Celery worker.

    createdb -h 127.0.0.1 -U postgres place_refit      # once; the bench migrates and seeds it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/place_refit REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/placement_refit.py --runs 3

Seeds (once; kept for later runs) 20,000 candidates, 6,000 interviewers and 60,000 completed
sessions with submitted evaluations under the 9-dimension rubric v1: 540,000 rubric scores, and
with the recommended levels and intervention counts 660,000 ratings. The evaluations are
`bench/placement.py`'s big platform (3 per candidate), written with bulk inserts. Then, each on a
fresh `celery -A config worker` (prefork, one child, the project's time limits):

- cold: the first fit, nothing stored to start from (only when no fit is stored yet);
- per run, "nightly": the latest 1 % of evaluations (600) turned back to drafts and a forced
  refit, warm from the stored fit of all 60,000;
- per run, "new 1 %": those 600 submitted again and the refit their submission queues, warm from
  the stored fit of 59,400 (what a refit after submissions does).

Measured: wall time from queueing the task to its commit being visible, the worker child's CPU
time over it (what other people's load on a shared machine does not inflate), the fit's own
`seconds` with the refit's log line (reading, estimator, storing), whether it converged, and the
child's peak resident memory (VmHWM). A task the soft time limit stops is reported as failed.
`--limit 900` measures past the project's limit on a loaded machine (the task's own limit for
that run only). One BLAS thread, as the project runs.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _django import ROOT  # noqa: E402

CANDIDATES, INTERVIEWERS, PER_CANDIDATE = 20_000, 6_000, 3
NEW_SHARE = 0.01
BATCH = 5_000


def _setup() -> None:
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("set DATABASE_URL (PostgreSQL) and REDIS_URL: the bench runs a real worker on them")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)


def seed() -> None:
    """The big platform as rows, in bulk (skipped when the evaluations are there already)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from placement import DIMENSIONS, _big_records

    from accounts.models import User
    from interviews.sessions.models import Question, Session, SessionStatus
    from rubrics.models import Dimension, DimensionScore, Evaluation, EvaluationStatus, Rubric

    total = CANDIDATES * PER_CANDIDATE
    if Evaluation.objects.count() == total:
        return
    if Evaluation.objects.exists():
        sys.exit("the database holds other evaluations: seed into an empty one (dropdb, createdb)")
    started = time.perf_counter()
    records = _big_records(CANDIDATES, INTERVIEWERS, PER_CANDIDATE)
    rubric = Rubric.objects.get(version=1)
    keys = Dimension.objects.filter(rubric=rubric).order_by("order").values_list("pk", flat=True)
    dimension = dict(zip(DIMENSIONS, keys, strict=True))
    question = Question.objects.filter(is_active=True).first()
    password = make_password(None)
    now = timezone.now()
    with transaction.atomic():
        people = [
            User(email=f"candidate{n}@bench.example", password=password, target_level="L4",
                 target_company_type="faang", current_level="L3")
            for n in range(CANDIDATES)
        ] + [
            User(email=f"interviewer{n}@bench.example", password=password, is_interviewer=True,
                 interviewer_level="L5", company_experience="both", sessions_per_week=5,
                 interviewer_vetted_at=now, senior_approved_at=now)
            for n in range(INTERVIEWERS)
        ]  # fmt: skip
        User.objects.bulk_create(people, batch_size=BATCH)
        candidate = [u.pk for u in people[:CANDIDATES]]
        interviewer = [u.pk for u in people[CANDIDATES:]]
        # One hour each, in an order that interleaves candidates but keeps each one's own.
        hours = np.random.default_rng(11).permutation(total).reshape(CANDIDATES, PER_CANDIDATE)
        hours = np.sort(hours, axis=1).ravel()
        first = now - timedelta(hours=total + 48)
        sessions = [
            Session(
                candidate_id=candidate[rec.candidate],
                interviewer_id=interviewer[rec.interviewer - 1000],
                start=first + timedelta(hours=int(hours[n])),
                end=first + timedelta(hours=int(hours[n]) + 1),
                target_level="L4",
                company_type="faang",
                question=question,
                status=SessionStatus.COMPLETED,
            )
            for n, rec in enumerate(records)
        ]
        Session.objects.bulk_create(sessions, batch_size=BATCH)
        evaluations = [
            Evaluation(
                session=session,
                interviewer_id=session.interviewer_id,
                rubric=rubric,
                status=EvaluationStatus.SUBMITTED,
                hints=rec.interventions // 3,
                guidance=rec.interventions // 3,
                clarifications=rec.interventions - 2 * (rec.interventions // 3),
                recommended_level=rec.recommended_level,
                submitted_at=session.end,
            )
            for session, rec in zip(sessions, records, strict=True)
        ]
        Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
        for start in range(0, total, BATCH):
            DimensionScore.objects.bulk_create(
                [
                    DimensionScore(evaluation=evaluation, dimension_id=dimension[key], score=score)
                    for evaluation, rec in zip(
                        evaluations[start : start + BATCH], records[start : start + BATCH], strict=True
                    )
                    for key, score in rec.scores.items()
                ]
            )
    print(
        f"seeded {len(people):,} members, {total:,} sessions and evaluations, "
        f"{DimensionScore.objects.count():,} rubric scores in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def _latest_evaluations():
    """The 1 % of evaluations whose sessions came last."""
    from rubrics.models import Evaluation

    n = int(CANDIDATES * PER_CANDIDATE * NEW_SHARE)
    return list(Evaluation.objects.order_by("-session__start").values_list("pk", flat=True)[:n])


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far: what the load of others does not inflate."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _failure(text: str) -> str:
    lines = [
        line for line in text.splitlines() if "time limit" in line.lower() or "raised unexpected" in line
    ]
    return lines[0].split("] ", 1)[-1] if lines else "no answer in time"


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def on_worker(force: bool, label: str, limit: int | None) -> dict:
    """Start a worker, queue the refit, wait for its fit to commit, read the child's peak memory.
    `limit` replaces the task's soft time limit (to measure past it on a loaded machine)."""
    from rubrics.models import PlacementFit
    from rubrics.tasks import refit_placement

    before = PlacementFit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    handle, name = tempfile.mkstemp(prefix="place_refit_worker_", suffix=".log")
    os.close(handle)
    log = Path(name)
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench{os.getpid()}@%h",
             "--loglevel=INFO"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError(f"the worker did not start: see {log}")
            time.sleep(0.2)
        child = _children(worker.pid)[0]
        cpu = _cpu_seconds(child)
        queued = time.perf_counter()
        limits = {"soft_time_limit": limit, "time_limit": limit + 60} if limit else {}
        refit_placement.apply_async(kwargs={"force": force}, **limits)
        deadline = time.monotonic() + (limit or 120) + 90
        fitted = None
        while fitted is None:
            fitted = PlacementFit.objects.filter(pk__gt=before).order_by("-pk").first()
            text = log.read_text()
            if "TimeLimitExceeded" in text or "raised unexpected" in text or time.monotonic() > deadline:
                spent = time.perf_counter() - queued
                print(
                    f"{label}: FAILED after {spent:.0f} s (worker CPU {_cpu_seconds(child) - cpu:.1f} s, "
                    f"load {os.getloadavg()[0]:.1f}): {_failure(text)}; see {log}",
                    flush=True,
                )
                return {"label": label, "failed": True}
            time.sleep(0.1)
        wall = time.perf_counter() - queued
        split = next(line for line in log.read_text().splitlines() if "placement refit over" in line)
        time.sleep(1.0)  # the child finishes the task's bookkeeping; its peak stands
        peak = _peak_rss_mib(child)
        cpu = _cpu_seconds(child) - cpu
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    row = {
        "label": label, "wall": wall, "seconds": fitted.seconds, "converged": fitted.converged,
        "evaluations": fitted.evaluations, "ratings": fitted.ratings, "interviewers": fitted.interviewers,
        "candidates": fitted.candidates, "peak": peak, "cpu": cpu, "load": os.getloadavg()[0],
    }  # fmt: skip
    print(
        f"{label}: {row['evaluations']:,} evaluations ({row['ratings']:,} rubric scores, "
        f"{row['candidates']:,} candidates, {row['interviewers']:,} interviewers): queue to commit "
        f"{wall:.1f} s (worker CPU {cpu:.1f} s), the fit's own {fitted.seconds:.1f} s, "
        f"converged {fitted.converged}, "
        f"worker child peak {peak:,.0f} MiB (load {row['load']:.1f})\n  {split.split('] ', 1)[-1]}",
        flush=True,
    )
    log.unlink()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="nightly + new-1 %% pairs")
    parser.add_argument("--cold", action="store_true", help="forget the stored fits first")
    parser.add_argument(
        "--limit", type=int, help="soft time limit for the measured task (default: the project's)"
    )
    args = parser.parse_args()
    _setup()
    seed()
    from rubrics.models import Evaluation, EvaluationStatus, InterviewerSeverity, Placement, PlacementFit

    if args.cold:
        Placement.objects.all().delete()
        InterviewerSeverity.objects.all().delete()
        PlacementFit.objects.all().delete()

    if not PlacementFit.objects.exists():
        on_worker(True, "cold (first fit)", args.limit)
    latest = _latest_evaluations()
    rows = []
    for run in range(args.runs):
        Evaluation.objects.filter(pk__in=latest).update(status=EvaluationStatus.DRAFT)
        rows.append(on_worker(True, f"run {run + 1}, nightly (forced, 59,400)", args.limit))
        Evaluation.objects.filter(pk__in=latest).update(status=EvaluationStatus.SUBMITTED)
        rows.append(on_worker(False, f"run {run + 1}, new 1 % (60,000)", args.limit))
    for kind in ("nightly", "new 1 %"):
        done = [r for r in rows if kind in r["label"] and not r.get("failed")]
        if done:
            print(
                f"median of {len(done)} {kind}: queue to commit "
                f"{statistics.median(r['wall'] for r in done):.1f} s "
                f"({min(r['wall'] for r in done):.1f}-{max(r['wall'] for r in done):.1f}), "
                f"fit's own {statistics.median(r['seconds'] for r in done):.1f} s, peak "
                f"{statistics.median(r['peak'] for r in done):,.0f} MiB "
                f"(max {max(r['peak'] for r in done):,.0f}), converged {[r['converged'] for r in done]}"
            )


if __name__ == "__main__":
    main()
