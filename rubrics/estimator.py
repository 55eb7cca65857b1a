"""Level placement: a rating-scale many-facet Rasch model over every submitted evaluation.

Pure functions over plain data (numpy arrays, dataclasses); no ORM. `rubrics.services` turns
evaluations into `Evaluation` records, calls `fit` and `place`, and stores what they return.

The model. Every piece of evidence is an ordered category x in 0..K-1 for a candidate c,
maybe rated by an interviewer r, on an item i; its probability is

    P(x = k)  ∝  exp( k·(θ_c − β_i − α_r) − (τ_g1 + … + τ_gk) )

with θ the candidate's ability, α the interviewer's severity (mean 0: the average interviewer is
the reference), β the item's difficulty (rubric dimensions, mean 0) and τ the thresholds of the
item's group. Three groups of evidence (DOMAIN.md, "Levels"):

- rubric scores 1-4, every dimension sharing one set of thresholds (the rating scale);
- the recommended level L3/L4/L5+, rated by the same interviewer, with its own thresholds;
- the interventions (hints + guidance + clarifying questions) binned fewest-is-best, with its own
  thresholds and no severity: a hint given is a fact, not a judgement.

Weak normal priors keep every parameter finite (a candidate with all 4s still gets an estimate);
the posterior mode is found with L-BFGS over the exact gradient.

Levels. Score anchors are written against level bars (2 meets L3, 3 meets L4, 4 meets L5+), so
the rating scale's thresholds mark the level bands on the ability scale: L4 starts where a "3"
becomes likelier than a "2" on an average dimension from an average interviewer (τ₂), L5+ where a
"4" becomes likelier than a "3" (τ₃). A level's candidates are modelled as normal around the
band's middle with a spread of LEVEL_SPREAD band widths. A candidate's level probabilities are
the posterior over that three-level mixture given their own evidence (computed on a grid of
abilities with the other parameters at their estimates), so "72 % sure" is meant literally;
bench/placement.py checks it against simulated candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import coo_matrix
from scipy.special import logsumexp

LEVELS = ("L3", "L4", "L5")
RECOMMENDED = {level: index for index, level in enumerate(LEVELS)}
# Interventions, binned: 7 or more, 4-6, 2-3, 0-1 (category 3 is the least help needed).
INTERVENTION_BINS = (2, 4, 7)
LEVEL_SPREAD = 0.35  # within-level spread of ability, in band widths
PRIOR_SD = {"ability": 2.0, "severity": 1.0, "difficulty": 1.0, "threshold": 3.0}
# The rating scale starts from the anchors' design, one logit per level band, and moves with the
# evidence; the prior (on the first threshold and the log of each step) only matters while the
# platform has a handful of evaluations, and keeps the bands from collapsing before a "3" is seen.
SCALE_DESIGN, SCALE_PRIOR_SD = (-1.5, -0.5, 0.5), (0.5, 0.3, 0.3)
DIMENSION_SHRINK_SD = 0.5  # a dimension's own ability is drawn towards the overall one
PROVISIONAL_BELOW = 2  # evaluations
GRID = np.linspace(-6.0, 6.0, 241)

SCORES, RECOMMENDATION, INTERVENTIONS = 0, 1, 2
CATEGORIES = (4, 3, 4)  # per group


@dataclass(frozen=True)
class EvaluationRecord:
    """One submitted evaluation as plain data."""

    id: int
    candidate: int
    interviewer: int
    scores: dict[str, int]  # dimension key -> 1..4
    interventions: int
    recommended_level: str  # "L3", "L4" or "L5"
    # How much this evaluation counts (a provisional one, by an interviewer not yet vetted, less).
    weight: float = 1.0


@dataclass
class Observations:
    """The evidence as parallel arrays, one entry per rating."""

    candidates: np.ndarray  # candidate ids, in index order
    raters: np.ndarray  # interviewer ids, in index order
    dimensions: list[str]  # dimension keys, in item order
    evaluation_ids: np.ndarray  # evaluation ids, in index order
    evaluation_candidate: np.ndarray  # per evaluation: candidate index
    evaluation_rater: np.ndarray  # per evaluation: rater index
    c: np.ndarray  # per rating: candidate index
    r: np.ndarray  # per rating: rater index, -1 for none
    i: np.ndarray  # per rating: dimension index, -1 for none
    g: np.ndarray  # per rating: group
    x: np.ndarray  # per rating: category
    e: np.ndarray  # per rating: evaluation index
    w: np.ndarray | None = None  # per rating: its evaluation's weight (None: all 1)

    @property
    def weights(self) -> np.ndarray:
        return np.ones(len(self.x)) if self.w is None else self.w

    @property
    def ratings(self) -> int:
        return int((self.g == SCORES).sum())


def observations(records: list[EvaluationRecord], dimensions: list[str]) -> Observations:
    """Arrays from evaluations, in the given order (the order is each candidate's timeline)."""
    candidates = sorted({rec.candidate for rec in records})
    raters = sorted({rec.interviewer for rec in records})
    c_index = {cid: n for n, cid in enumerate(candidates)}
    r_index = {rid: n for n, rid in enumerate(raters)}
    d_index = {key: n for n, key in enumerate(dimensions)}
    rows: list[tuple[int, int, int, int, int, int]] = []
    for e, rec in enumerate(records):
        c, r = c_index[rec.candidate], r_index[rec.interviewer]
        for key, score in rec.scores.items():
            if key in d_index and score:
                rows.append((c, r, d_index[key], SCORES, score - 1, e))
        if rec.recommended_level in RECOMMENDED:
            rows.append((c, r, -1, RECOMMENDATION, RECOMMENDED[rec.recommended_level], e))
        help_needed = int(np.searchsorted(INTERVENTION_BINS, rec.interventions, side="right"))
        rows.append((c, -1, -1, INTERVENTIONS, 3 - help_needed, e))
    table = np.array(rows, dtype=np.int64).reshape(-1, 6)
    return Observations(
        candidates=np.array(candidates, dtype=np.int64),
        raters=np.array(raters, dtype=np.int64),
        dimensions=list(dimensions),
        evaluation_ids=np.array([rec.id for rec in records], dtype=np.int64),
        evaluation_candidate=np.array([c_index[rec.candidate] for rec in records], dtype=np.int64),
        evaluation_rater=np.array([r_index[rec.interviewer] for rec in records], dtype=np.int64),
        c=table[:, 0],
        r=table[:, 1],
        i=table[:, 2],
        g=table[:, 3],
        x=table[:, 4],
        e=table[:, 5],
        w=np.array([records[e].weight for e in table[:, 5]], dtype=float),
    )


@dataclass
class Fit:
    severity: np.ndarray  # per rater, mean 0
    severity_se: np.ndarray
    difficulty: np.ndarray  # per dimension, mean 0
    thresholds: tuple[np.ndarray, np.ndarray, np.ndarray]  # per group
    converged: bool

    @property
    def band_edges(self) -> tuple[float, float]:
        """Abilities where L4 and L5+ begin (the rating scale's 2nd and 3rd thresholds)."""
        tau = self.thresholds[SCORES]
        return float(tau[1]), float(tau[2])

    def level_means(self) -> np.ndarray:
        low, high = self.band_edges
        width = high - low
        return np.array([low - width / 2, (low + high) / 2, high + width / 2])

    def level_sd(self) -> float:
        low, high = self.band_edges
        return LEVEL_SPREAD * (high - low)

    def position(self, ability: np.ndarray | float) -> np.ndarray | float:
        """Ability on the level scale: below 0 is L3, 0 to 1 L4, 1 and above L5+."""
        low, high = self.band_edges
        return (ability - low) / (high - low)


def _cumulative(thresholds: tuple[np.ndarray, ...]) -> np.ndarray:
    """Per group, the running sum of its thresholds (category 0 first); +inf past its last."""
    table = np.full((3, 4), np.inf)
    for group, tau in enumerate(thresholds):
        table[group, : len(tau) + 1] = np.concatenate(([0.0], np.cumsum(tau)))
    return table


_K = np.arange(4.0)


def _category_probabilities(linear: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """(n, 4) probabilities of each category given the linear predictor and threshold sums."""
    logits = linear[..., None] * _K - cumulative
    logits -= logits.max(axis=-1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=-1, keepdims=True)


def fit(obs: Observations, *, max_iterations: int = 500) -> Fit:
    """The posterior mode of all parameters given every rating on the platform."""
    n_c, n_r, n_d = len(obs.candidates), len(obs.raters), len(obs.dimensions)
    sizes = [n_c, n_r, n_d, *(k - 1 for k in CATEGORIES)]
    bounds = np.cumsum([0, *sizes])
    rated, scored = obs.r >= 0, obs.i >= 0
    r_idx, i_idx = obs.r[rated], obs.i[scored]
    prior_sd = np.concatenate(
        [
            np.full(n_c, PRIOR_SD["ability"]),
            np.full(n_r, PRIOR_SD["severity"]),
            np.full(n_d, PRIOR_SD["difficulty"]),
            np.array(SCALE_PRIOR_SD),
            np.full(bounds[-1] - bounds[4], PRIOR_SD["threshold"]),
        ]
    )
    precision = 1.0 / prior_sd**2
    scale = slice(bounds[3], bounds[4])
    prior_mean = np.zeros(bounds[-1])
    prior_mean[scale] = _unordered(np.array(SCALE_DESIGN))
    at_least = [(obs.x[obs.g == group][:, None] >= np.arange(1, k)) for group, k in enumerate(CATEGORIES)]
    in_group = [obs.g == group for group in range(3)]
    w = obs.weights

    def unpack(v: np.ndarray):
        theta, a_raw, b_raw = (v[bounds[n] : bounds[n + 1]] for n in range(3))
        tau = (_ordered(v[scale]), *(v[bounds[3 + n] : bounds[4 + n]] for n in (1, 2)))
        alpha = a_raw - a_raw.mean() if n_r else a_raw
        beta = b_raw - b_raw.mean() if n_d else b_raw
        return theta, alpha, beta, tau

    def objective(v: np.ndarray) -> tuple[float, np.ndarray]:
        theta, alpha, beta, tau = unpack(v)
        linear = theta[obs.c].copy()
        linear[rated] -= alpha[r_idx]
        linear[scored] -= beta[i_idx]
        cumulative = _cumulative(tau)[obs.g]
        logits = linear[:, None] * _K - cumulative
        norm = logsumexp(logits, axis=1)
        loglik = w * (np.take_along_axis(logits, obs.x[:, None], axis=1)[:, 0] - norm)
        p = np.exp(logits - norm[:, None])
        residual = w * (obs.x - p @ _K)  # d loglik / d linear
        grad = np.empty_like(v)
        grad[bounds[0] : bounds[1]] = np.bincount(obs.c, residual, minlength=n_c)
        g_alpha = -np.bincount(r_idx, residual[rated], minlength=n_r)
        grad[bounds[1] : bounds[2]] = g_alpha - g_alpha.mean() if n_r else g_alpha
        g_beta = -np.bincount(i_idx, residual[scored], minlength=n_d)
        grad[bounds[2] : bounds[3]] = g_beta - g_beta.mean() if n_d else g_beta
        for group, k in enumerate(CATEGORIES):
            mask = in_group[group]
            tail = np.cumsum(p[mask][:, :k][:, ::-1], axis=1)[:, ::-1][:, 1:]  # P(x >= h), h = 1..k-1
            grad[bounds[3 + group] : bounds[4 + group]] = (w[mask][:, None] * (tail - at_least[group])).sum(
                axis=0
            )
        # The rating scale's thresholds come from an ordered parametrisation: chain through it.
        d_tau, steps = grad[scale].copy(), np.exp(v[scale][1:])
        grad[scale] = [d_tau.sum(), steps[0] * d_tau[1:].sum(), steps[1] * d_tau[2]]
        off = v - prior_mean
        value = -loglik.sum() + 0.5 * (precision * off * off).sum()
        return value, precision * off - grad

    start = prior_mean.copy()
    for group, k in enumerate(CATEGORIES[1:], start=1):
        start[bounds[3 + group] : bounds[4 + group]] = np.linspace(-1.0, 1.0, k - 1)
    result = minimize(
        objective, start, jac=True, method="L-BFGS-B", options={"maxiter": max_iterations, "gtol": 1e-6}
    )
    theta, alpha, beta, tau = unpack(result.x)

    linear = theta[obs.c].copy()
    linear[rated] -= alpha[r_idx]
    linear[scored] -= beta[i_idx]
    p = _category_probabilities(linear, _cumulative(tau)[obs.g])
    variance = p @ (_K**2) - (p @ _K) ** 2
    return Fit(
        severity=alpha,
        severity_se=_severity_se(obs, variance, n_c, n_r),
        difficulty=beta,
        thresholds=tau,
        converged=bool(result.success),
    )


def _ordered(raw: np.ndarray) -> np.ndarray:
    """The rating scale's thresholds from (first, log step, log step): always rising, so the level
    bands they mark keep their order even on a handful of evaluations."""
    return raw[0] + np.concatenate(([0.0], np.cumsum(np.exp(raw[1:]))))


def _unordered(tau: np.ndarray) -> np.ndarray:
    return np.concatenate(([tau[0]], np.log(np.diff(tau))))


def _severity_se(obs: Observations, variance: np.ndarray, n_c: int, n_r: int) -> np.ndarray:
    """Severities' standard errors with the abilities of the candidates they saw left free.

    The severity block of the information matrix less what the candidates' abilities explain
    (a Schur complement), centred like the severities. A rater whose candidates nobody else saw
    is barely separable from them, and this says so; the conditional error would not.
    """
    if not n_r:
        return np.zeros(0)
    rated = obs.r >= 0
    h_cc = np.bincount(obs.c, variance, minlength=n_c) + 1 / PRIOR_SD["ability"] ** 2
    h_rr = np.bincount(obs.r[rated], variance[rated], minlength=n_r) + 1 / PRIOR_SD["severity"] ** 2
    coupling = coo_matrix(
        (variance[rated] / np.sqrt(h_cc[obs.c[rated]]), (obs.r[rated], obs.c[rated])), shape=(n_r, n_c)
    ).tocsr()
    schur = np.diag(h_rr) - (coupling @ coupling.T).toarray()
    centre = np.eye(n_r) - 1.0 / n_r
    covariance = centre @ np.linalg.inv(schur) @ centre
    return np.sqrt(np.clip(np.diag(covariance), 0.0, None))


@dataclass
class DimensionStanding:
    key: str
    bar: str  # the level whose bar it is measured against
    probability: float  # that this dimension meets the bar
    expected_score: float  # with an average interviewer, on the 1-4 scale
    bar_score: int  # the score that means meeting the bar


@dataclass
class Placement:
    candidate: int
    probabilities: dict[str, float]
    level: str
    confidence: float
    ability: float  # posterior mean
    ability_sd: float
    position: float  # on the level scale (see Fit.position)
    evaluations: int
    provisional: bool
    standing: list[DimensionStanding] = field(default_factory=list)
    trajectory: list[dict] = field(default_factory=list)  # after each evaluation, in order


def _grid_loglik(obs: Observations, fit: Fit, mask: np.ndarray) -> np.ndarray:
    """(ratings in mask, grid) log-likelihood of each rating at each grid ability.

    A rating's curve depends only on its group, rater, item and category: each distinct one is
    computed once (a few thousand at most) and shared.
    """
    keys = np.stack([obs.g[mask], obs.r[mask], obs.i[mask], obs.x[mask]], axis=1)
    patterns, inverse = np.unique(keys, axis=0, return_inverse=True)
    g, r, i, x = patterns.T
    severity = np.append(fit.severity, 0.0)[r]  # index -1 (no rater) reads the appended 0
    difficulty = np.append(fit.difficulty, 0.0)[i]
    offset = -severity - difficulty
    logits = (GRID[None, :] + offset[:, None])[..., None] * _K - _cumulative(fit.thresholds)[g][:, None, :]
    chosen = np.take_along_axis(logits, x[:, None, None].repeat(len(GRID), 1), axis=2)[..., 0]
    return (chosen - logsumexp(logits, axis=2))[inverse.ravel()]


def _sum_by(keys: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    """Sum the rows sharing a key: (size, grid)."""
    total = np.zeros((size, rows.shape[1]))
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.array([], int)
    if len(starts):
        total[keys[starts]] = np.add.reduceat(rows, starts, axis=0)
    return total


def _running_evidence(
    judged: np.ndarray,
    counted: np.ndarray,
    rater: np.ndarray,
    severity_se: np.ndarray,
    by_candidate: dict[int, np.ndarray],
) -> np.ndarray:
    """Per evaluation, the candidate's log-likelihood on the grid after it and those before it.

    A severity is an estimate: with few shared candidates it is loose, and a placement that took
    it as exact would be surer than it has a right to be. So each interviewer's judged evidence
    about the candidate (everything they scored so far, summed first: their severity is one
    unknown, shared by all of their evaluations) is averaged over that severity's uncertainty.
    Interventions carry no severity and add as they are.
    """
    kernels: dict[int, np.ndarray] = {}
    running = np.empty_like(judged)
    for rows in by_candidate.values():
        per_rater: dict[int, np.ndarray] = {}
        blurred: dict[int, np.ndarray] = {}
        plain = np.zeros(judged.shape[1])
        for row in rows:
            r = int(rater[row])
            if r not in kernels:
                spread = max(float(severity_se[r]), 1e-3)
                kernel = np.exp(-0.5 * ((GRID[None, :] - GRID[:, None]) / spread) ** 2)
                kernels[r] = kernel / kernel.sum(axis=1, keepdims=True)
            per_rater[r] = per_rater.get(r, 0) + judged[row]
            top = per_rater[r].max()
            blurred[r] = np.log(np.maximum(np.exp(per_rater[r] - top) @ kernels[r].T, 1e-300)) + top
            plain = plain + counted[row]
            running[row] = plain + sum(blurred.values())
    return running


def _level_posterior(loglik: np.ndarray, fit: Fit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of grid log-likelihoods: level probabilities (n, 3), ability mean and sd."""
    means, sd = fit.level_means(), fit.level_sd()
    log_prior = -0.5 * ((GRID[None, :] - means[:, None]) / sd) ** 2  # (3, grid), equal level shares
    joint = loglik[:, None, :] + log_prior[None, :, :]  # (n, 3, grid)
    joint -= joint.max(axis=(1, 2), keepdims=True)
    weight = np.exp(joint)
    levels = weight.sum(axis=2)
    levels /= levels.sum(axis=1, keepdims=True)
    over_grid = weight.sum(axis=1)
    over_grid /= over_grid.sum(axis=1, keepdims=True)
    mean = over_grid @ GRID
    sd = np.sqrt(np.maximum(over_grid @ GRID**2 - mean**2, 0.0))
    return levels, mean, sd


def place(obs: Observations, fit: Fit) -> list[Placement]:
    """Every candidate's placement, per-dimension standing and trajectory."""
    n_c, n_e = len(obs.candidates), len(obs.evaluation_ids)
    rated = obs.r >= 0
    curves = _grid_loglik(obs, fit, np.ones(len(obs.x), dtype=bool)) * obs.weights[:, None]
    judged = _sum_by(obs.e[rated], curves[rated], n_e)
    counted = _sum_by(obs.e[~rated], curves[~rated], n_e)
    by_candidate = _rows_by(obs.evaluation_candidate)
    running = _running_evidence(judged, counted, obs.evaluation_rater, fit.severity_se, by_candidate)
    levels, mean, sd = _level_posterior(running, fit)
    standing = _dimension_standing(obs, fit, curves, mean[[by_candidate[c][-1] for c in range(n_c)]])
    placements = []
    for c in range(n_c):
        rows = by_candidate[c]
        final = rows[-1]
        level_index = int(levels[final].argmax())
        placements.append(
            Placement(
                candidate=int(obs.candidates[c]),
                probabilities=_probabilities(levels[final]),
                level=LEVELS[level_index],
                confidence=float(levels[final, level_index]),
                ability=float(mean[final]),
                ability_sd=float(sd[final]),
                position=float(fit.position(mean[final])),
                evaluations=len(rows),
                provisional=len(rows) < PROVISIONAL_BELOW,
                standing=standing(c, level_index),
                trajectory=[
                    {
                        "evaluation": int(obs.evaluation_ids[row]),
                        "level": LEVELS[int(levels[row].argmax())],
                        "confidence": round(float(levels[row].max()), 3),
                        "probabilities": _probabilities(levels[row]),
                        "position": round(float(fit.position(mean[row])), 3),
                        "position_sd": round(float(sd[row] / np.diff(fit.band_edges)[0]), 3),
                    }
                    for row in rows
                ],
            )
        )
    return placements


def _rows_by(keys: np.ndarray) -> dict[int, np.ndarray]:
    """{key: the rows holding it, in their order}."""
    order = np.argsort(keys, kind="stable")
    sorted_c = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_c[1:] != sorted_c[:-1]])
    return {int(sorted_c[s]): rows for s, rows in zip(starts, np.split(order, starts[1:]), strict=True)}


def _probabilities(row: np.ndarray) -> dict[str, float]:
    return {level: round(float(p), 3) for level, p in zip(LEVELS, row, strict=True)}


def _dimension_standing(obs: Observations, fit: Fit, curves: np.ndarray, overall: np.ndarray):
    """A closure giving, per candidate and level, each dimension against the next level's bar.

    A dimension's own ability uses only its scores (severity-corrected), drawn towards the
    candidate's overall ability; its bar for a level is where that level's anchor score becomes
    the likeliest on this dimension.
    """
    n_c, n_d = len(obs.candidates), len(obs.dimensions)
    scores = obs.g == SCORES
    loglik = _sum_by(obs.c[scores] * n_d + obs.i[scores], curves[scores], n_c * n_d)
    prior = -0.5 * ((GRID[None, :] - np.repeat(overall, n_d)[:, None]) / DIMENSION_SHRINK_SD) ** 2
    posterior = loglik + prior
    posterior = np.exp(posterior - posterior.max(axis=1, keepdims=True))
    posterior /= posterior.sum(axis=1, keepdims=True)
    dimension = np.tile(np.arange(n_d), n_c)
    expected = (
        1
        + _category_probabilities(
            posterior @ GRID - fit.difficulty[dimension], _cumulative(fit.thresholds)[SCORES]
        )
        @ _K
    )
    # P(ability >= bar) for each level's bar (the anchor score 2, 3 or 4 becoming the likeliest).
    bars = fit.difficulty[:, None] + fit.thresholds[SCORES][None, :]  # (dimension, level)
    above = np.flip(np.cumsum(np.flip(posterior, axis=1), axis=1), axis=1)  # mass at or above each point
    above = np.concatenate([above, np.zeros((len(above), 1))], axis=1)  # nothing above the grid
    first = np.searchsorted(GRID, bars)  # first grid point >= bar (len(GRID): none)
    meets = np.take_along_axis(above, first[dimension], axis=1)  # (row, level)
    has_scores = np.bincount(obs.c[scores] * n_d + obs.i[scores], minlength=n_c * n_d) > 0

    def standing(c: int, level_index: int) -> list[DimensionStanding]:
        bar_index = min(level_index + 1, len(LEVELS) - 1)  # at L5+, the L5+ bar itself
        return [
            DimensionStanding(
                key=key,
                bar=LEVELS[bar_index],
                probability=round(float(meets[c * n_d + d, bar_index]), 3),
                expected_score=round(float(expected[c * n_d + d]), 2),
                bar_score=bar_index + 2,
            )
            for d, key in enumerate(obs.dimensions)
            if has_scores[c * n_d + d]
        ]

    return standing


def severity_in_points(fit: Fit) -> np.ndarray:
    """Each rater's severity as score points taken off a typical L4 candidate's average score."""
    middle = fit.level_means()[1]
    cumulative = _cumulative(fit.thresholds)[SCORES]
    neutral = _category_probabilities(np.array([middle]), cumulative)[0] @ _K
    rated = _category_probabilities(middle - fit.severity, cumulative) @ _K
    return neutral - rated


def interrater_alpha(obs: Observations) -> float | None:
    """Krippendorff's alpha (ordinal) over rubric scores: the units are (candidate, dimension),
    each interviewer's latest score of it one value. None until some unit has two interviewers
    (or while every score given is the same, when agreement is undefined)."""
    import krippendorff

    scores = obs.g == SCORES
    unit = obs.c[scores] * len(obs.dimensions) + obs.i[scores]
    pair = unit * max(len(obs.raters), 1) + obs.r[scores]
    _, latest = np.unique(pair[::-1], return_index=True)  # the last rating of each (unit, rater)
    keep = len(pair) - 1 - latest
    units, inverse = np.unique(unit[keep], return_inverse=True)
    counts = np.zeros((len(units), 4))
    np.add.at(counts, (inverse, obs.x[scores][keep]), 1)
    if not (counts.sum(axis=1) >= 2).any():
        return None
    alpha = float(krippendorff.alpha(value_counts=counts, level_of_measurement="ordinal"))
    return alpha if np.isfinite(alpha) else None  # every score the same: nothing to agree on
