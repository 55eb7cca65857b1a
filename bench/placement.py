"""Placement: the v2 estimator against v1 and the plain average, on simulated platforms.

    .venv/bin/python bench/placement.py              # scenario table, 10 seeds, reliability, timing
    .venv/bin/python bench/placement.py --seeds 2    # quicker
    .venv/bin/python bench/placement.py --scale      # only the timings (20k and 660k ratings)

Run it with one BLAS thread (OPENBLAS_NUM_THREADS=1; set below unless already set): on a loaded
2-core machine threads only get in each other's way.

The simulation (per seed, per scenario): 900 candidates with known levels, ability normal around
-1, 0, +1 for L3, L4, L5+ with spread 0.35; 60 interviewers with severity spread 0.6; 9 rubric
dimensions with difficulty spread 0.3; each candidate seen 2 to 6 times. Scores 1-4 from the
rating-scale model with thresholds -1.5, -0.5, 0.5 (the anchors' level bars), plus each
candidate's own strengths per dimension (spread 0.3); the recommended level is the interviewer's
noisy reading (noise 0.4, cut at the band edges); interventions are Poisson with a rate falling
with ability and carrying each interviewer's talkativeness. Scenarios break one assumption at a
time (see SCENARIOS), then all together.

Compared: v2 (`Options()`), v1 (`V1`: the first model's assumptions, run by the same code), and
the plain average of all the candidate's scores through the anchors' cut-offs (2.5, 3.5) and
through the two cut-offs that suit it best (an oracle, found knowing the true levels). Reported,
median over seeds (min-max): exact-level accuracy, stated confidence minus accuracy (points),
Brier score (sum over the three levels); then a reliability table (all scenarios and seeds
pooled): stated confidence binned against the accuracy within each bin.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402
from _django import ROOT  # noqa: E402

from rubrics.estimator import LEVELS, V1, EvaluationRecord, Options, fit, observations, place  # noqa: E402

N_DIMENSIONS = 9
LEVEL_MEANS, ABILITY_SPREAD = (-1.0, 0.0, 1.0), 0.35
THRESHOLDS = np.array([-1.5, -0.5, 0.5])
CUMULATIVE = np.concatenate(([0.0], np.cumsum(THRESHOLDS)))
DIMENSIONS = [f"d{n}" for n in range(N_DIMENSIONS)]


@dataclass(frozen=True)
class Scenario:
    name: str
    design: str = "random"  # or "confounded": severe interviewers mostly see strong candidates
    shares: tuple[float, float, float] = (1 / 3, 1 / 3, 1 / 3)
    severity_sd: float = 0.6
    extreme: float = 0.0  # share of interviewers at severity ±2
    central: float = 0.0  # share of interviewers who only give 2s and 3s
    halo: float = 0.0  # share who give all nine dimensions (nearly) one score
    growth: tuple[float, float] | None = None  # logits per session; then 6 sessions each
    one_off: float = 0.0  # share of evaluations by interviewers seen once
    candidates: int = 900
    raters: int = 60
    informative_interventions: bool = True


SCENARIOS = [
    Scenario("random"),
    Scenario("confounded", design="confounded"),
    Scenario("shares 50/35/15", shares=(0.5, 0.35, 0.15)),
    Scenario("shares 15/60/25", shares=(0.15, 0.6, 0.25)),
    Scenario("severity sd 1.0, 10 % extreme", severity_sd=1.0, extreme=0.1),
    Scenario("central tendency 30 %", central=0.3),
    Scenario("halo 30 %", halo=0.3),
    Scenario("central 30 % + halo 30 %", central=0.3, halo=0.3),
    Scenario("improving 0.2-0.5 / session", growth=(0.2, 0.5)),
    Scenario("one-off raters 50 %", one_off=0.5),
    Scenario("small (30 cand., 8 raters)", candidates=30, raters=8),
    Scenario("interventions uninformative", informative_interventions=False),
    Scenario(
        "all together",
        design="confounded",
        shares=(0.5, 0.35, 0.15),
        severity_sd=1.0,
        extreme=0.1,
        central=0.3,
        halo=0.3,
        growth=(0.2, 0.5),
        one_off=0.3,
    ),  # fmt: skip
]


def _draw(rng, linear: np.ndarray) -> np.ndarray:
    """Categories 0-3 from the rating-scale model, one per entry of `linear`."""
    logits = linear[..., None] * np.arange(4) - CUMULATIVE
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return (p.cumsum(axis=-1) < rng.random((*linear.shape, 1))).sum(axis=-1)


def simulate(seed: int, sc: Scenario):
    """(records, true levels): each candidate's level is the one they are at by their last session."""
    rng = np.random.default_rng(seed)
    n = sc.candidates
    level = rng.choice(3, size=n, p=sc.shares) if sc.shares != (1 / 3,) * 3 else np.arange(n) % 3
    final = np.array(LEVEL_MEANS)[level] + rng.normal(0, ABILITY_SPREAD, n)
    severity = rng.normal(0, sc.severity_sd, sc.raters)
    extreme = rng.random(sc.raters) < sc.extreme
    severity[extreme] = rng.choice([-2.0, 2.0], extreme.sum())
    severity -= severity.mean()
    kind = rng.choice(3, size=sc.raters, p=[1 - sc.central - sc.halo, sc.central, sc.halo])
    talkative = rng.normal(0, 0.25, sc.raters)
    difficulty = rng.normal(0, 0.3, N_DIMENSIONS)
    difficulty -= difficulty.mean()
    profile = rng.normal(0, 0.3, (n, N_DIMENSIONS))
    rate = rng.uniform(*sc.growth, n) if sc.growth else np.zeros(n)
    sessions = np.full(n, 6) if sc.growth else rng.integers(2, 7, n)
    ability_rank = final.argsort().argsort() / max(n - 1, 1)
    severity_rank = severity.argsort().argsort() / max(sc.raters - 1, 1)
    records, next_one_off = [], 10_000
    for c in range(n):
        used: list[int] = []
        for t in range(sessions[c]):
            ability = final[c] - rate[c] * (sessions[c] - 1 - t)
            if rng.random() < sc.one_off:
                sev, r_kind, talk, rater = rng.normal(0, sc.severity_sd), 0, rng.normal(0, 0.25), next_one_off
                next_one_off += 1
            else:
                while True:
                    if sc.design == "confounded" and rng.random() < 0.8:
                        near = np.flatnonzero(np.abs(severity_rank - ability_rank[c]) <= 0.2)
                        r = int(rng.choice(near))
                    else:
                        r = int(rng.integers(sc.raters))
                    if r not in used or len(used) >= sc.raters:
                        break
                used.append(r)
                sev, r_kind, talk, rater = severity[r], kind[r], talkative[r], 1000 + r
            linear = ability + profile[c] - difficulty - sev
            if r_kind == 2:  # halo: one impression, given to (nearly) every dimension
                impression = _draw(rng, np.array([ability - sev + rng.normal(0, 0.3)]))[0]
                scores = np.full(N_DIMENSIONS, impression)
                wobble = rng.random(N_DIMENSIONS) < 0.15
                scores[wobble] = np.clip(scores[wobble] + rng.choice([-1, 1], wobble.sum()), 0, 3)
            else:
                scores = _draw(rng, linear)
                if r_kind == 1:
                    scores = np.clip(scores, 1, 2)
            seen = ability - sev + rng.normal(0, 0.4)
            rate_help = 1.0 + talk - (0.9 * ability if sc.informative_interventions else 0.0)
            records.append(
                EvaluationRecord(
                    id=len(records),
                    candidate=c,
                    interviewer=rater,
                    scores=dict(zip(DIMENSIONS, (scores + 1).tolist(), strict=True)),
                    interventions=int(rng.poisson(np.exp(rate_help))),
                    recommended_level=LEVELS[int(np.searchsorted([-0.5, 0.5], seen))],
                )
            )
    return records, level


def plain_average(records, n_candidates: int) -> np.ndarray:
    total, count = np.zeros(n_candidates), np.zeros(n_candidates)
    for rec in records:
        total[rec.candidate] += sum(rec.scores.values())
        count[rec.candidate] += len(rec.scores)
    return total / count


def best_cutoffs_accuracy(values: np.ndarray, level: np.ndarray) -> float:
    """The plain average's accuracy with the two cut-offs that suit it best (an oracle)."""
    grid = np.unique(np.quantile(values, np.linspace(0.01, 0.99, 99)))
    best = 0.0
    for low in grid:
        for high in grid[grid > low]:
            best = max(best, float((np.searchsorted([low, high], values, side="right") == level).mean()))
    return best


def _score(placements, level: np.ndarray) -> dict:
    estimated = np.array([LEVELS.index(p.level) for p in placements])
    probabilities = np.array([[p.probabilities[lv] for lv in LEVELS] for p in placements])
    stated = np.array([p.confidence for p in placements])
    correct = estimated == level
    return {
        "accuracy": float(correct.mean()),
        "gap": float(stated.mean() - correct.mean()),
        "brier": float(((probabilities - np.eye(3)[level]) ** 2).sum(axis=1).mean()),
        "pairs": np.stack([stated, correct], axis=1),
    }


def one_run(seed: int, sc: Scenario) -> dict:
    records, level = simulate(seed, sc)
    obs = observations(records, DIMENSIONS)
    out = {}
    for name, options in (("new", Options()), ("old", V1)):
        out[name] = _score(place(obs, fit(obs, options=options)), level)
    average = plain_average(records, len(level))
    out["average_anchor"] = float((np.searchsorted([2.5, 3.5], average) == level).mean())
    out["average_best"] = best_cutoffs_accuracy(average, level)
    return out


def _fmt(values: list[float], scale: float = 100, digits: int = 1) -> str:
    median, low, high = (
        f"{v * scale:.{digits}f}" for v in (statistics.median(values), min(values), max(values))
    )
    return f"{median} ({low}–{high})"


HEADER = (
    "scenario", "v2 accuracy %", "v1 accuracy %", "v2 − v1, paired (± 2 SE)", "plain avg, best cut-offs %",
    "plain avg, anchors %", "v2 confidence − accuracy", "v2, seeds pooled (± 2 chance sd)",
    "v2 seeds beyond 5 pts / beyond 2 chance sd", "v1 confidence − accuracy", "v2 Brier", "v1 Brier",
)  # fmt: skip
BINS = (0.34, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)


def reliability(pairs: np.ndarray) -> list[tuple[str, int, float, float]]:
    rows = []
    for low, high in zip(BINS[:-1], BINS[1:], strict=True):
        inside = (pairs[:, 0] >= low) & (pairs[:, 0] < high)
        if inside.any():
            label = f"{low:.2f}–{min(high, 1.0):.2f}"
            rows.append(
                (label, int(inside.sum()), float(pairs[inside, 0].mean()), float(pairs[inside, 1].mean()))
            )
    return rows


def _paired(differences: list[float]) -> str:
    """Mean of the per-seed differences, ± twice its standard error (the seeds' noise)."""
    mean = statistics.mean(differences) * 100
    if len(differences) < 2:
        return f"{mean:+.1f}"
    return f"{mean:+.1f} ± {2 * statistics.stdev(differences) / math.sqrt(len(differences)) * 100:.1f}"


def _chance_sd(pairs: np.ndarray) -> float:
    """How far the share right strays from the mean stated confidence by chance alone, were the
    stated confidences exact (each candidate right with the probability stated)."""
    stated = pairs[:, 0]
    return float(np.sqrt((stated * (1 - stated)).sum()) / len(stated))


def _calibration(runs: list[dict]) -> tuple[str, str]:
    """v2's gap pooled over the seeds with its chance spread; how many single seeds stray beyond 5
    points, and beyond what chance allows them (2 chance sd: about 1 seed in 20 by chance)."""
    pooled = np.concatenate([run["new"]["pairs"] for run in runs])
    gap = pooled[:, 0].mean() - pooled[:, 1].mean()
    beyond_5 = sum(abs(run["new"]["gap"]) > 0.05 for run in runs)
    beyond_chance = sum(abs(run["new"]["gap"]) > 2 * _chance_sd(run["new"]["pairs"]) for run in runs)
    return (
        f"{gap * 100:+.1f} (± {2 * _chance_sd(pooled) * 100:.1f})",
        f"{beyond_5} / {beyond_chance} of {len(runs)}",
    )


def scenario_table(seeds: int, only: list[str]) -> None:
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    pooled = {"new": [], "old": []}
    for sc in SCENARIOS:
        if only and sc.name not in only:
            continue
        runs = [one_run(seed, sc) for seed in range(seeds)]

        def col(model, key, runs=runs):
            return [run[model][key] for run in runs]

        for model in pooled:
            pooled[model].extend(run[model]["pairs"] for run in runs)
        gap_pooled, strays = _calibration(runs)
        difference = [a - b for a, b in zip(col("new", "accuracy"), col("old", "accuracy"), strict=True)]
        print(
            f"| {sc.name} | {_fmt(col('new', 'accuracy'))} | {_fmt(col('old', 'accuracy'))} | "
            f"{_paired(difference)} | "
            f"{_fmt([r['average_best'] for r in runs])} | {_fmt([r['average_anchor'] for r in runs])} | "
            f"{_fmt(col('new', 'gap'))} | {gap_pooled} | {strays} | {_fmt(col('old', 'gap'))} | "
            f"{_fmt(col('new', 'brier'), 1, 3)} | {_fmt(col('old', 'brier'), 1, 3)} |",
            flush=True,
        )
    for model, name in (("new", "v2"), ("old", "v1")):
        print(f"\nReliability, {name} (every scenario and seed pooled):\n")
        print("| stated confidence | candidates | mean stated % | accuracy % |")
        print("|---|---|---|---|")
        for label, count, stated, accurate in reliability(np.concatenate(pooled[model])):
            print(f"| {label} | {count} | {stated * 100:.1f} | {accurate * 100:.1f} |")


def _big_records(n_candidates: int, n_raters: int, k: int, seed: int = 7):
    """A platform-sized set, simulated in bulk (the static random design)."""
    rng = np.random.default_rng(seed)
    level = rng.integers(3, size=n_candidates)
    ability = np.array(LEVEL_MEANS)[level] + rng.normal(0, ABILITY_SPREAD, n_candidates)
    severity = rng.normal(0, 0.6, n_raters)
    c = np.repeat(np.arange(n_candidates), k)
    r = rng.integers(n_raters, size=len(c))
    scores = _draw(rng, (ability[c] - severity[r])[:, None] + rng.normal(0, 0.3, (len(c), N_DIMENSIONS))) + 1
    recommended = np.searchsorted([-0.5, 0.5], ability[c] - severity[r] + rng.normal(0, 0.4, len(c)))
    interventions = rng.poisson(np.exp(1.0 - 0.9 * ability[c]))
    return [
        EvaluationRecord(
            id=n, candidate=int(c[n]), interviewer=1000 + int(r[n]),
            scores=dict(zip(DIMENSIONS, scores[n].tolist(), strict=True)),
            interventions=int(interventions[n]), recommended_level=LEVELS[recommended[n]],
        )
        for n in range(len(c))
    ]  # fmt: skip


def timing_small(repeats: int = 5) -> None:
    records = _big_records(741, 60, 3)
    obs = observations(records[: 20_000 // N_DIMENSIONS + 1], DIMENSIONS)
    fit_times, all_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fit(obs)
        fit_times.append(time.perf_counter() - start)
        place(obs, result)
        all_times.append(time.perf_counter() - start)
    print(
        f"fit over {obs.ratings:,} rubric ratings: {statistics.median(fit_times):.2f} s "
        f"({result.iterations} iterations, converged {result.converged}); "
        f"fit + placements {statistics.median(all_times):.2f} s (median of {repeats})"
    )


def timing_big() -> None:
    """One platform-sized refit in this (fresh) process: cold, then warm from a fit that had not
    seen the last 1 % of evaluations (the nightly case); peak resident memory of the process."""
    from rubrics.estimator import interrater_alpha

    records = _big_records(20_000, 6_000, 3)
    start = time.perf_counter()
    before = observations(records[: int(len(records) * 0.99)], DIMENSIONS)
    previous = fit(before)
    cold = time.perf_counter() - start
    del before
    start = time.perf_counter()
    obs = observations(records, DIMENSIONS)
    built = time.perf_counter() - start
    result = fit(obs, warm=previous.parameters())
    fitted = time.perf_counter() - start
    placements = place(obs, result)
    placed = time.perf_counter() - start
    interrater_alpha(obs)
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(obs.x):,} ratings ({obs.ratings:,} rubric scores), {len(obs.candidates):,} candidates, "
        f"{len(obs.raters):,} interviewers, {len(placements):,} placements\n"
        f"  cold fit of 99 % (incl. arrays): {cold:.1f} s ({previous.iterations} iterations, "
        f"converged {previous.converged})\n"
        f"  warm refit of all: arrays {built:.1f} s, fit to {fitted:.1f} s ({result.iterations} iterations, "
        f"converged {result.converged}), placements to {placed:.1f} s, inter-rater alpha to {total:.1f} s\n"
        f"  peak resident memory of the process: {peak:,.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--scale", action="store_true", help="only the timings")
    parser.add_argument("--only", action="append", default=[], help="only the scenarios named (repeatable)")
    parser.add_argument("--big", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.big:
        timing_big()
        return
    if not args.scale:
        scenario_table(args.seeds, args.only)
        print()
        if args.only:
            return
    timing_small()
    subprocess.run([sys.executable, __file__, "--big"], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
