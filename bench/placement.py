"""Placement: the Rasch estimator against the plain average of scores, on simulated candidates.

    .venv/bin/python bench/placement.py            # 10 seeds, k = 1, 2, 3, both designs, timing
    .venv/bin/python bench/placement.py --seeds 2  # quicker

The simulation (per seed): 900 candidates with known levels, 300 each, ability normal around -1,
0, +1 for L3, L4, L5+ with spread 0.35; 60 interviewers with severity spread 0.6 (centred: the
reference interviewer is the average one); 9 rubric dimensions with difficulty spread 0.3. Each
candidate is seen by k interviewers, each scoring every dimension 1-4 from the rating-scale model
with thresholds -1.5, -0.5, 0.5 (the anchors' level bars). Things the estimator does not model:
a candidate's own strengths and weaknesses per dimension (spread 0.3), the recommended level taken
as the interviewer's noisy reading of ability minus severity (noise 0.4, cut at the band edges),
and interventions drawn from a Poisson whose rate also carries each interviewer's talkativeness.

Designs: "random" (interviewers drawn at random) and "confounded" (80 % of assignments go to
interviewers whose severity rank is within 20 points of the candidate's ability rank: severe
interviewers mostly see strong candidates).

Reported, median over seeds (min-max): exact-level accuracy of the estimator and of the plain
average of scores with the anchors' cut-offs (2.5, 3.5) and with the best cut-offs for it (found
knowing the true levels: generous to the baseline), Spearman's rank correlation with true
ability, and the estimator's mean stated confidence against its accuracy. Then the time of one
fit (and fit + placements) over 20,000 rubric ratings, median of 5.
"""

import argparse
import statistics
import time

import numpy as np
from _django import ROOT  # noqa: F401  (puts the project on sys.path)
from scipy.stats import spearmanr

from rubrics.estimator import LEVELS, EvaluationRecord, fit, observations, place

N_CANDIDATES, N_RATERS, N_DIMENSIONS = 900, 60, 9
LEVEL_MEANS, ABILITY_SPREAD, SEVERITY_SPREAD = (-1.0, 0.0, 1.0), 0.35, 0.6
THRESHOLDS = np.array([-1.5, -0.5, 0.5])
DIMENSIONS = [f"d{n}" for n in range(N_DIMENSIONS)]


def simulate(seed: int, k: int, design: str, n_candidates: int = N_CANDIDATES):
    """(records, true levels, true abilities)."""
    rng = np.random.default_rng(seed)
    level = np.repeat(np.arange(3), n_candidates // 3)
    ability = np.array(LEVEL_MEANS)[level] + rng.normal(0, ABILITY_SPREAD, len(level))
    severity = rng.normal(0, SEVERITY_SPREAD, N_RATERS)
    severity -= severity.mean()
    talkative = rng.normal(0, 0.25, N_RATERS)
    difficulty = rng.normal(0, 0.3, N_DIMENSIONS)
    difficulty -= difficulty.mean()
    profile = rng.normal(0, 0.3, (len(level), N_DIMENSIONS))
    cumulative = np.concatenate(([0.0], np.cumsum(THRESHOLDS)))

    ability_rank = ability.argsort().argsort() / (len(level) - 1)
    severity_rank = severity.argsort().argsort() / (N_RATERS - 1)
    records = []
    for n in range(len(level)):
        raters: list[int] = []
        while len(raters) < k:
            if design == "confounded" and rng.random() < 0.8:
                near = np.flatnonzero(np.abs(severity_rank - ability_rank[n]) <= 0.2)
                r = int(rng.choice(near))
            else:
                r = int(rng.integers(N_RATERS))
            if r not in raters:
                raters.append(r)
        for r in raters:
            linear = ability[n] + profile[n] - difficulty - severity[r]
            logits = linear[:, None] * np.arange(4) - cumulative
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            scores = (p.cumsum(axis=1) < rng.random((N_DIMENSIONS, 1))).sum(axis=1) + 1
            seen = ability[n] - severity[r] + rng.normal(0, 0.4)
            recommended = LEVELS[int(np.searchsorted([-0.5, 0.5], seen))]
            interventions = int(rng.poisson(np.exp(1.0 - 0.9 * ability[n] + talkative[r])))
            records.append(
                EvaluationRecord(
                    id=len(records),
                    candidate=n,
                    interviewer=1000 + r,
                    scores=dict(zip(DIMENSIONS, scores.tolist(), strict=True)),
                    interventions=interventions,
                    recommended_level=recommended,
                )
            )
    return records, level, ability


def plain_average(records, n_candidates: int) -> np.ndarray:
    total, count = np.zeros(n_candidates), np.zeros(n_candidates)
    for rec in records:
        total[rec.candidate] += sum(rec.scores.values())
        count[rec.candidate] += len(rec.scores)
    return total / count


def best_cutoffs_accuracy(values: np.ndarray, level: np.ndarray) -> float:
    """The plain average's accuracy with the two cut-offs that suit it best (an oracle)."""
    grid = np.quantile(values, np.linspace(0.01, 0.99, 99))
    best = 0.0
    for low in grid:
        for high in grid[grid > low]:
            best = max(best, float((np.searchsorted([low, high], values, side="right") == level).mean()))
    return best


def one_run(seed: int, k: int, design: str) -> dict:
    records, level, ability = simulate(seed, k, design)
    obs = observations(records, DIMENSIONS)
    placements = place(obs, fit(obs))
    estimated = np.array([LEVELS.index(p.level) for p in placements])
    stated = np.array([p.confidence for p in placements])
    average = plain_average(records, len(level))
    return {
        "accuracy": float((estimated == level).mean()),
        "average_anchor": float((np.searchsorted([2.5, 3.5], average) == level).mean()),
        "average_best": best_cutoffs_accuracy(average, level),
        "rho": float(spearmanr([p.ability for p in placements], ability).statistic),
        "rho_average": float(spearmanr(average, ability).statistic),
        "confidence": float(stated.mean()),
    }


def timing(repeats: int = 5) -> tuple[int, float, float]:
    records, _, _ = simulate(seed=99, k=3, design="random")
    records = records[: 20_000 // N_DIMENSIONS + 1]
    obs = observations(records, DIMENSIONS)
    fit_times, all_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fit(obs)
        fit_times.append(time.perf_counter() - start)
        place(obs, result)
        all_times.append(time.perf_counter() - start)
    return obs.ratings, statistics.median(fit_times), statistics.median(all_times)


def _fmt(values: list[float], scale: float = 100, digits: int = 1) -> str:
    median, low, high = (
        f"{v * scale:.{digits}f}" for v in (statistics.median(values), min(values), max(values))
    )
    return f"{median} ({low} to {high})"


HEADER = (
    "design", "k", "estimator accuracy %", "plain avg, anchor cut-offs %", "plain avg, best cut-offs %",
    "gain over best (points)", "rank corr. estimator", "rank corr. plain avg", "stated confidence %",
    "confidence - accuracy (points)",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    for design in ("random", "confounded"):
        for k in (1, 2, 3):
            runs = [one_run(seed, k, design) for seed in range(args.seeds)]
            column = {key: [run[key] for run in runs] for key in runs[0]}
            gain = [run["accuracy"] - run["average_best"] for run in runs]
            gap = [run["confidence"] - run["accuracy"] for run in runs]
            print(
                f"| {design} | {k} | {_fmt(column['accuracy'])} | {_fmt(column['average_anchor'])} | "
                f"{_fmt(column['average_best'])} | {_fmt(gain)} | {_fmt(column['rho'], 1, 3)} | "
                f"{_fmt(column['rho_average'], 1, 3)} | {_fmt(column['confidence'])} | {_fmt(gap)} |",
                flush=True,
            )
    ratings, fit_time, all_time = timing()
    print(f"\nfit over {ratings:,} rubric ratings: {fit_time:.2f} s; ", end="")
    print(f"fit + placements: {all_time:.2f} s (median of 5)")


if __name__ == "__main__":
    main()
