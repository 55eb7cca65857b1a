"""Level placement: a many-facet rating-scale model over every submitted evaluation.

Pure functions over plain data (numpy arrays, dataclasses); no ORM. `rubrics.services` turns
evaluations into `EvaluationRecord`s, calls `observations`, `fit` and `place`, and stores what
they return.

The model. Every piece of evidence is an ordered category x in 0..K-1 about candidate c at one of
their sessions, from interviewer r, on item i; its probability is

    P(x = k)  ∝  exp( k·λ·(θ_c + γ_c·t − β_i − α_r) − (τ_g1 + … + τ_gk) )

with θ the candidate's ability (γ its drift over the candidate's sessions t, centred; both drawn
towards the platform's means), α the interviewer's severity (mean 0), β the item's difficulty
(rubric dimensions, mean 0), τ the thresholds of the item's group, and λ how sharply the evidence
separates abilities:

- rubric scores 1-4 share one set of thresholds (the rating scale), each interviewer using it in
  their own way: λ_r their discrimination (one who scores at random gets a small λ, and their
  scores count for little) and s_r the spread of their thresholds, τ_r = τ̄ + s_r·(τ − τ̄) (one who
  keeps to 2s and 3s has s_r well above 1: their 3 says "above the L4 bar", not "L4"). The median
  interviewer has λ = s = 1: the level bands are the typical interviewer's;
- the recommended level L3/L4/L5+, by the same interviewer, λ·(k·z − Στ) with its own thresholds
  and a weight λ the data sets;
- the interventions (hints + guidance + clarifying questions) binned fewest-is-best, with its own
  thresholds, the interviewer's propensity to help in place of a severity (a hint given is a
  fact, but some interviewers give more), and its own weight: counts that say nothing about
  ability get a weight near 0 and fade.

Weak normal priors keep every parameter finite; the posterior mode is found with L-BFGS over the
exact gradient on curvature-scaled parameters, warm-started from the previous fit when one is
given. The interviewers' λ and s and the sources' weights are held during it and estimated in
between (Newton steps per interviewer; each source against the ability the other sources give),
because a joint mode over-states discriminations and makes L-BFGS crawl.

Placement (LevelEstimate). Each evaluation becomes one Gaussian reading of the candidate's ability at that
session (the likelihood linearised at the fit). Its variance carries what the fit's point
estimates leave out: the interviewer's halo (an evaluation-level effect shared by its nine scores,
so one sitting is not nine independent votes; estimated per interviewer from how far their
evaluations stray together) and the uncertainty of their severity. `rubrics.estimator_track`
turns the readings into the ability now (ability may move between sessions at a rate the
platform's data sets) and the level probabilities under the level mixture (shares and spread
estimated from the platform).

Levels. Score anchors are written against level bars (2 meets L3, 3 meets L4, 4 meets L5+), so
the rating scale's thresholds mark the level bands: L4 starts at τ₂, L5+ at τ₃. bench/placement.py
checks the stated confidence against simulated candidates.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from scipy.special import ndtr

from rubrics import estimator_track as track

LEVELS = ("L3", "L4", "L5")
RECOMMENDED = {level: index for index, level in enumerate(LEVELS)}
# Interventions, binned: 7 or more, 4-6, 2-3, 0-1 (category 3 is the least help needed).
INTERVENTION_BINS = (2, 4, 7)
LEVEL_SPREAD = 0.35  # within-level spread of ability, in band widths (v1's fixed value)
PRIOR_SD = {
    "ability": 2.0, "growth": 0.3, "severity": 1.0, "scale_use": 0.5, "spread": 0.5, "propensity": 0.5,
    "difficulty": 1.0, "weight": 1.0, "threshold": 3.0,
}  # fmt: skip
# The rating scale starts from the anchors' design, one logit per level band, and moves with the
# evidence; the prior (on the first threshold and the log of each step) only matters while the
# platform has a handful of evaluations, and keeps the bands from collapsing before a "3" is seen.
SCALE_DESIGN, SCALE_PRIOR_SD = (-1.5, -0.5, 0.5), (0.5, 0.3, 0.3)
DIMENSION_SHRINK_SD = 0.5  # a dimension's own ability is drawn towards the overall one
PROVISIONAL_BELOW = 2  # evaluations
HALO_PRIOR_EVALUATIONS = 5  # a rater's halo is shrunk towards the platform's by this many
# A rater whose scores stray further from the model than chance would have them (information-
# weighted mean square, on the common scale) by this much, on enough ratings, is erratic.
ERRATIC_INFIT, ERRATIC_MIN_RATINGS = 1.3, 18
MOVEMENT_SESSIONS = 4
FORECAST_MAX_SESSIONS = 12

SCORE_GROUP, RECOMMENDATION, INTERVENTIONS = 0, 1, 2
CATEGORIES = (4, 3, 4)  # per group
SOURCES = ("scores", "recommended_level", "interventions")


@dataclass(frozen=True)
class Options:
    """What the model lets vary. `V1` reproduces the first version (static ability, every rater
    on the common scale, independent scores, fixed source weights, equal level shares)."""

    moving: bool = True  # ability moves between sessions
    scale_use: bool = True  # each rater's own discrimination
    halo: bool = True  # an evaluation-level effect per rater
    propensity: bool = True  # each rater's propensity to help (interventions)
    source_weights: bool = True  # recommended level and interventions weighted by the data
    empirical_bayes: bool = True  # level shares and spread from the data


V1 = Options(False, False, False, False, False, False)


@dataclass(frozen=True)
class EvaluationRecord:
    """One submitted evaluation as plain data."""

    id: int
    candidate: int
    interviewer: int
    scores: dict[str, int]  # dimension key -> 1..4 (keys may differ between rubric versions)
    interventions: int
    recommended_level: str  # "L3", "L4", "L5", or "" when not given
    # How much the evaluation counts in the candidate's placement: below 1 for a provisional one
    # (a new interviewer not calibrated yet). The fit itself reads it in full.
    weight: float = 1.0


@dataclass(frozen=True)
class Rejection:
    """An evaluation the estimator left out, and why."""

    evaluation: object
    reason: str


@dataclass
class Observations:
    """The evidence as parallel arrays, one entry per rating, grouped: scores, recommendations,
    interventions."""

    candidates: np.ndarray  # candidate ids, in index order
    raters: np.ndarray  # interviewer ids, in index order
    dimensions: list[str]  # dimension keys, in item order
    evaluation_ids: np.ndarray  # evaluation ids, in index order
    evaluation_candidate: np.ndarray  # per evaluation: candidate index
    evaluation_rater: np.ndarray  # per evaluation: rater index
    evaluation_step: np.ndarray  # per evaluation: its place in the candidate's timeline, from 0
    evaluation_weight: np.ndarray  # per evaluation: how much it counts in the placement, (0, 1]
    c: np.ndarray  # per rating: candidate index
    r: np.ndarray  # per rating: rater index
    i: np.ndarray  # per rating: dimension index, -1 for none
    g: np.ndarray  # per rating: group
    x: np.ndarray  # per rating: category
    e: np.ndarray  # per rating: evaluation index
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def ratings(self) -> int:
        return int((self.g == SCORE_GROUP).sum())


def _whole(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _problem(rec, d_index: dict[str, int], seen: set) -> str | None:
    """Why this record cannot be fitted, or None."""
    if not isinstance(rec, EvaluationRecord):
        return "not an evaluation record"
    if not _whole(rec.id) or not _whole(rec.candidate) or not _whole(rec.interviewer):
        return "evaluation, candidate and interviewer ids must be whole numbers"
    if rec.id in seen:
        return f"evaluation id {rec.id} appears twice"
    if not isinstance(rec.scores, dict):
        return "scores must map dimension keys to scores"
    for key, score in rec.scores.items():
        if key not in d_index:
            return f"unknown dimension {key!r}"
        if score is not None and (not _whole(score) or not 1 <= score <= 4):
            return f"score {score!r} for {key!r} is not a whole number from 1 to 4"
    if not _whole(rec.interventions) or rec.interventions < 0:
        return f"interventions {rec.interventions!r} is not a count"
    if rec.recommended_level not in ("", None, *RECOMMENDED):
        return f"recommended level {rec.recommended_level!r} is not one of {', '.join(LEVELS)}"
    if not isinstance(rec.weight, numbers.Real) or not 0 < rec.weight <= 1:
        return f"weight {rec.weight!r} is not above 0 and at most 1"
    return None


def observations(records: list[EvaluationRecord], dimensions: list[str]) -> Observations:
    """Arrays from evaluations, in the given order (the order is each candidate's timeline).

    Each record is checked first; one that cannot be read (a score outside 1-4 or not a whole
    number, a negative or missing count, an unknown level or dimension, a repeated id) is left
    out and listed in `rejected` with its reason, and the rest is used.
    """
    d_index = {key: n for n, key in enumerate(dimensions)}
    kept, rejected, seen = [], [], set()
    for rec in records:
        problem = _problem(rec, d_index, seen)
        if problem is None:
            kept.append(rec)
            seen.add(rec.id)
        else:
            rejected.append(Rejection(getattr(rec, "id", None), problem))
    candidates = sorted({rec.candidate for rec in kept})
    raters = sorted({rec.interviewer for rec in kept})
    c_index = {cid: n for n, cid in enumerate(candidates)}
    r_index = {rid: n for n, rid in enumerate(raters)}
    groups: list[list[tuple[int, int, int, int, int]]] = [[], [], []]
    step = np.zeros(len(kept), dtype=np.int64)
    sessions: dict[int, int] = {}
    for e, rec in enumerate(kept):
        c, r = c_index[rec.candidate], r_index[rec.interviewer]
        step[e] = sessions.get(c, 0)
        sessions[c] = step[e] + 1
        for key, score in rec.scores.items():
            if score is not None:
                groups[SCORE_GROUP].append((c, r, d_index[key], score - 1, e))
        if rec.recommended_level in RECOMMENDED:
            groups[RECOMMENDATION].append((c, r, -1, RECOMMENDED[rec.recommended_level], e))
        help_needed = int(np.searchsorted(INTERVENTION_BINS, rec.interventions, side="right"))
        groups[INTERVENTIONS].append((c, r, -1, 3 - help_needed, e))
    table = np.array([row for rows in groups for row in rows], dtype=np.int64).reshape(-1, 5)
    g = np.repeat(np.arange(3), [len(rows) for rows in groups])
    return Observations(
        candidates=np.array(candidates, dtype=np.int64),
        raters=np.array(raters, dtype=np.int64),
        dimensions=list(dimensions),
        evaluation_ids=np.array([rec.id for rec in kept], dtype=np.int64),
        evaluation_candidate=np.array([c_index[rec.candidate] for rec in kept], dtype=np.int64),
        evaluation_rater=np.array([r_index[rec.interviewer] for rec in kept], dtype=np.int64),
        evaluation_step=step,
        evaluation_weight=np.array([float(rec.weight) for rec in kept]),
        c=table[:, 0],
        r=table[:, 1],
        i=table[:, 2],
        g=g,
        x=table[:, 3],
        e=table[:, 4],
        rejected=rejected,
    )


@dataclass
class Fit:
    severity: np.ndarray  # per rater, mean 0
    severity_se: np.ndarray
    difficulty: np.ndarray  # per dimension, mean 0
    thresholds: tuple[np.ndarray, np.ndarray, np.ndarray]  # per group
    converged: bool  # the optimiser met its tolerance within its iteration cap
    iterations: int = 0
    candidates: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # ids, index order
    raters: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    dimensions: list[str] = field(default_factory=list)
    ability: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per candidate, at mid-timeline
    growth: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per candidate, per session
    scale_use: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per rater: λ, 1 is typical
    # Per rater: how far apart their thresholds sit, 1 is typical; above 1 keeps to the middle of
    # the scale (central tendency), below 1 favours its ends.
    scale_spread: np.ndarray = field(default_factory=lambda: np.zeros(0))
    propensity: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per rater, logits of help
    halo_sd: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per rater, logits
    infit: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per rater, mean square
    outfit: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per rater, mean square
    erratic: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # per rater
    rater_ratings: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # rubric scores
    source_weights: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SOURCES, 1.0))
    level_shares: np.ndarray = field(default_factory=lambda: np.full(3, 1 / 3))
    level_spread: float = LEVEL_SPREAD  # band widths
    step_sd: float = 0.0  # random-walk step per session, logits
    pace_sd: float = 0.0  # spread of candidates' own pace per session, logits
    pace_mean: float = 0.0  # the platform's mean pace per session, logits
    options: Options = field(default_factory=Options)

    @property
    def band_edges(self) -> tuple[float, float]:
        """Abilities where L4 and L5+ begin (the rating scale's 2nd and 3rd thresholds)."""
        tau = self.thresholds[SCORE_GROUP]
        return float(tau[1]), float(tau[2])

    def level_means(self) -> np.ndarray:
        low, high = self.band_edges
        width = high - low
        return np.array([low - width / 2, (low + high) / 2, high + width / 2])

    def level_sd(self) -> float:
        low, high = self.band_edges
        return self.level_spread * (high - low)

    def position(self, ability: np.ndarray | float) -> np.ndarray | float:
        """Ability on the level scale: below 0 is L3, 0 to 1 L4, 1 and above L5+."""
        low, high = self.band_edges
        return (ability - low) / (high - low)

    def parameters(self) -> dict:
        """Everything a later fit can start from, keyed by ids (JSON-ready)."""

        def by(ids, values):
            return {int(k): round(float(v), 5) for k, v in zip(ids, values, strict=True)}

        return {
            "ability": by(self.candidates, self.ability),
            "growth": by(self.candidates, self.growth),
            "severity": by(self.raters, self.severity),
            "scale_use": by(self.raters, np.log(self.scale_use)),
            "spread": by(self.raters, np.log(self.scale_spread)),
            "propensity": by(self.raters, self.propensity),
            "difficulty": {k: float(b) for k, b in zip(self.dimensions, self.difficulty, strict=True)},
            "thresholds": [[float(t) for t in tau] for tau in self.thresholds],
            "weights": [math.log(self.source_weights[s]) for s in SOURCES[1:]],
        }


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


def _ordered(raw: np.ndarray) -> np.ndarray:
    """The rating scale's thresholds from (first, log step, log step): always rising, so the level
    bands they mark keep their order even on a handful of evaluations."""
    return raw[0] + np.concatenate(([0.0], np.cumsum(np.exp(raw[1:]))))


def _unordered(tau: np.ndarray) -> np.ndarray:
    return np.concatenate(([tau[0]], np.log(np.diff(tau))))


class _Layout:
    """Where each block of parameters sits in the optimiser's vector."""

    def __init__(self, n_c: int, n_r: int, n_d: int):
        sizes = {
            "ability": n_c, "growth": n_c, "severity": n_r, "scale_use": n_r, "spread": n_r,
            "propensity": n_r, "difficulty": n_d, "weight": 2, "scale": 3, "recommendation": 2,
            "interventions": 3, "population": 2,
        }  # fmt: skip
        self.slices, start = {}, 0
        for name, size in sizes.items():
            self.slices[name] = slice(start, start + size)
            start += size
        self.size = start

    def __getitem__(self, name: str) -> slice:
        return self.slices[name]


def _rater_cumulative(tau: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """(raters, 4) running sums of each rater's thresholds τ̄ + s·(τ − τ̄), category 0 first."""
    own = tau.mean() + spread[:, None] * (tau - tau.mean())[None, :]
    return np.concatenate([np.zeros((len(spread), 1)), np.cumsum(own, axis=1)], axis=1)


def _centre(values: np.ndarray) -> np.ndarray:
    return values - values.mean() if len(values) else values


class _Model:
    """The log posterior and its gradient over the observations (rows grouped by evidence)."""

    def __init__(self, obs: Observations, options: Options):
        self.obs, self.options = obs, options
        n_c, n_r, n_d = len(obs.candidates), len(obs.raters), len(obs.dimensions)
        self.n = (n_c, n_r, n_d)
        self.layout = lay = _Layout(n_c, n_r, n_d)
        counts = [int((obs.g == group).sum()) for group in range(3)]
        ends = np.cumsum([0, *counts])
        self.rows = [slice(ends[group], ends[group + 1]) for group in range(3)]
        # The candidate's timeline, centred: the drift γ moves early and late sessions apart.
        n_sessions = np.bincount(obs.evaluation_candidate, minlength=n_c)
        centred = obs.evaluation_step - (n_sessions[obs.evaluation_candidate] - 1) / 2
        self.t = centred[obs.e].astype(float)
        self.evaluation_t = centred.astype(float)
        self.at_least = [
            (obs.x[self.rows[group]][:, None] >= np.arange(1, k)).sum(axis=0)
            for group, k in enumerate(CATEGORIES)
        ]
        sd = np.empty(lay.size)
        for name in (
            "ability",
            "growth",
            "severity",
            "scale_use",
            "spread",
            "propensity",
            "difficulty",
            "weight",
        ):
            sd[lay[name]] = PRIOR_SD[name]
        sd[lay["scale"]] = SCALE_PRIOR_SD
        sd[lay["recommendation"]] = sd[lay["interventions"]] = PRIOR_SD["threshold"]
        # The candidates' mean ability and mean drift: free (nearly flat), so the abilities'
        # prior does not drag the whole scale towards 0 on a platform of mostly L3s or of
        # improvers; the anchors' thresholds place it.
        sd[lay["population"]] = 10.0
        self.precision = 1 / sd**2
        self.prior_mean = np.zeros(lay.size)
        self.prior_mean[lay["scale"]] = _unordered(np.array(SCALE_DESIGN))
        self.frozen = np.zeros(lay.size, dtype=bool)
        for name, free in (("growth", options.moving), ("propensity", options.propensity)):
            self.frozen[lay[name]] = not free
        self.frozen[lay["population"]] = [
            not options.empirical_bayes,
            not (options.empirical_bayes and options.moving),
        ]
        # Estimated between optimiser runs (see fit), held while it runs.
        self.frozen[lay["scale_use"]] = self.frozen[lay["spread"]] = self.frozen[lay["weight"]] = True

    def unpack(self, v: np.ndarray) -> dict:
        lay = self.layout
        p = {name: v[lay[name]] for name in ("ability", "growth", "weight", "population")}
        for name in ("severity", "propensity", "difficulty"):
            p[name] = _centre(v[lay[name]])
        for name in ("scale_use", "spread"):  # centred on the median rater when estimated
            p[name] = v[lay[name]]
        p["tau"] = (_ordered(v[lay["scale"]]), v[lay["recommendation"]], v[lay["interventions"]])
        return p

    def linear(self, p: dict, common_scale: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(z, λ) per row: z = ability at the session less severity/difficulty/propensity."""
        obs, (s, rec, itv) = self.obs, self.rows
        z = p["ability"][obs.c] + p["growth"][obs.c] * self.t
        z[s] -= p["severity"][obs.r[s]] + p["difficulty"][obs.i[s]]
        z[rec] -= p["severity"][obs.r[rec]]
        z[itv] -= p["propensity"][obs.r[itv]]
        scale = np.empty_like(z)
        scale[s] = 1.0 if common_scale else np.exp(p["scale_use"][obs.r[s]])
        scale[rec] = np.exp(p["weight"][0])
        scale[itv] = np.exp(p["weight"][1])
        return z, scale

    def rows_terms(self, p: dict, z: np.ndarray, scale: np.ndarray):
        """Per row: log-likelihood, residual x − E[x], variance, d loglik / d log λ; per group:
        d loglik / d thresholds.

        Scores: logits k·λ_r·z − (τ₁ + … + τ_k), so a rater with a small λ keeps to the middle of
        the scale (central tendency). Recommendation and interventions: λ_g·(k·z − (τ₁ + … + τ_k)),
        their thresholds on the ability scale, so a weight and its thresholds do not trade off.
        """
        loglik, residual, variance, slope = (np.empty_like(z) for _ in range(4))
        d_tau = []
        for group, k in enumerate(CATEGORIES):
            rows = self.rows[group]
            cum = np.concatenate(([0.0], np.cumsum(p["tau"][group])))
            weight = 1.0 if group == SCORE_GROUP or rows.stop == rows.start else float(scale[rows.start])
            scaled = z[rows] * scale[rows]
            x = self.obs.x[rows]
            if group == SCORE_GROUP:
                table = _rater_cumulative(p["tau"][SCORE_GROUP], np.exp(p["spread"]))
                offsets = np.exp(-table)[self.obs.r[rows]]  # (rows, 4)
                c_of_x = table[self.obs.r[rows], x]
            else:
                offsets = np.broadcast_to(np.exp(-weight * cum), (len(scaled), k))
                c_of_x = (weight * cum)[x]
            # One exp per row: category k's term is e^(k·η) · e^(−C_k), η clipped far beyond any
            # real evidence so the powers stay finite.
            base = np.exp(np.clip(scaled, -40.0, 40.0))
            terms = [offsets[:, 0].copy()]
            power = np.ones_like(base)
            for category in range(1, k):
                power = power * base
                terms.append(power * offsets[:, category])
            total = sum(terms)
            prob = [term / total for term in terms]
            mean = sum(category * pk for category, pk in enumerate(prob[1:], start=1))
            second = sum(category**2 * pk for category, pk in enumerate(prob[1:], start=1))
            loglik[rows] = x * np.clip(scaled, -40.0, 40.0) - c_of_x - np.log(total)
            residual[rows] = x - mean
            variance[rows] = second - mean**2
            if group == SCORE_GROUP:
                slope[rows] = residual[rows] * scaled
            else:
                expected_cum = sum(cum[category] * pk for category, pk in enumerate(prob))
                slope[rows] = weight * (residual[rows] * z[rows] - (cum[x] - expected_cum))
            if group == SCORE_GROUP:
                # Per row d loglik / d (the rater's) τ_h = P(x >= h) − [x >= h]; the shared τ reach
                # a rater's thresholds through their spread s: τ_r = τ̄ + s·(τ − τ̄).
                tails = np.stack([prob[3], prob[2] + prob[3], prob[1] + prob[2] + prob[3]][::-1], axis=1)
                gap = tails - (x[:, None] >= np.arange(1, 4))
                spread = np.exp(p["spread"])[self.obs.r[rows]]
                d_tau.append((spread[:, None] * gap).sum(axis=0) + ((1 - spread) / 3 * gap.sum(axis=1)).sum())
                self.last_scores = (np.stack(prob, axis=1), gap)
            else:
                sums = np.array([pk.sum() for pk in prob])
                tail = np.cumsum(sums[::-1])[::-1][1:]  # Σ P(x >= h), h = 1..k-1
                d_tau.append(weight * (tail - self.at_least[group]))
        return loglik, residual, variance, slope, d_tau

    def objective(self, v: np.ndarray) -> tuple[float, np.ndarray]:
        obs, lay, (s, rec, itv) = self.obs, self.layout, self.rows
        n_c, n_r, n_d = self.n
        p = self.unpack(v)
        z, scale = self.linear(p)
        loglik, residual, _, slope, d_tau = self.rows_terms(p, z, scale)
        a = residual * scale  # d loglik / d z
        grad = np.zeros_like(v)
        grad[lay["ability"]] = np.bincount(obs.c, a, minlength=n_c)
        grad[lay["growth"]] = np.bincount(obs.c, a * self.t, minlength=n_c)
        judged = slice(s.start, rec.stop)
        grad[lay["severity"]] = _centre(-np.bincount(obs.r[judged], a[judged], minlength=n_r))
        grad[lay["difficulty"]] = _centre(-np.bincount(obs.i[s], a[s], minlength=n_d))
        grad[lay["propensity"]] = _centre(-np.bincount(obs.r[itv], a[itv], minlength=n_r))
        grad[lay["scale_use"]] = _centre(np.bincount(obs.r[s], slope[s], minlength=n_r))
        grad[lay["weight"]] = [slope[rec].sum(), slope[itv].sum()]
        for group, name in enumerate(("scale", "recommendation", "interventions")):
            grad[lay[name]] = d_tau[group]
        # The rating scale's thresholds come from an ordered parametrisation: chain through it.
        d_tau, steps = grad[lay["scale"]].copy(), np.exp(v[lay["scale"]][1:])
        grad[lay["scale"]] = [d_tau.sum(), steps[0] * d_tau[1:].sum(), steps[1] * d_tau[2]]
        off = v - self.prior_mean
        off[lay["ability"]] -= v[lay["population"]][0]
        off[lay["growth"]] -= v[lay["population"]][1]
        value = -loglik.sum() + 0.5 * (self.precision * off * off).sum()
        gradient = self.precision * off - grad
        pulls = self.precision * off
        gradient[lay["population"]] -= [pulls[lay["ability"]].sum(), pulls[lay["growth"]].sum()]
        gradient[self.frozen] = 0.0
        return float(value), gradient

    def curvature(self, v: np.ndarray) -> np.ndarray:
        """The diagonal of the expected information (prior included) at v."""
        obs, lay, (s, rec, itv) = self.obs, self.layout, self.rows
        n_c, n_r, n_d = self.n
        p = self.unpack(v)
        z, scale = self.linear(p)
        _, _, variance, _, _ = self.rows_terms(p, z, scale)
        info, spread = scale**2 * variance, (z * scale) ** 2 * variance
        diag = self.precision.copy()
        diag[lay["ability"]] += np.bincount(obs.c, info, minlength=n_c)
        diag[lay["growth"]] += np.bincount(obs.c, info * self.t**2, minlength=n_c)
        judged = slice(s.start, rec.stop)
        diag[lay["severity"]] += np.bincount(obs.r[judged], info[judged], minlength=n_r)
        diag[lay["difficulty"]] += np.bincount(obs.i[s], info[s], minlength=n_d)
        diag[lay["propensity"]] += np.bincount(obs.r[itv], info[itv], minlength=n_r)
        diag[lay["scale_use"]] += np.bincount(obs.r[s], spread[s], minlength=n_r)
        diag[lay["weight"]] += [spread[rec].sum(), spread[itv].sum()]
        diag[lay["population"]] += [self.precision[lay["ability"]].sum(), self.precision[lay["growth"]].sum()]
        for group, name in enumerate(("scale", "recommendation", "interventions")):
            diag[lay[name]] += 0.2 * (self.rows[group].stop - self.rows[group].start)
        return diag

    def start(self, warm: dict | None) -> np.ndarray:
        obs, lay = self.obs, self.layout
        v = self.prior_mean.copy()
        v[lay["recommendation"]] = [-0.5, 0.5]
        v[lay["interventions"]] = [-1.0, 0.0, 1.0]
        if not warm:
            return v

        def fill(name, ids, key):
            # A stored fit's ids come back from JSON as strings.
            known = {int(k): value for k, value in (warm.get(key) or {}).items()}
            if known:
                v[lay[name]] = [known.get(int(i), 0.0) for i in ids]

        fill("ability", obs.candidates, "ability")
        fill("severity", obs.raters, "severity")
        if self.options.moving:
            fill("growth", obs.candidates, "growth")
        if self.options.scale_use:
            fill("scale_use", obs.raters, "scale_use")
            fill("spread", obs.raters, "spread")
        if self.options.propensity:
            fill("propensity", obs.raters, "propensity")
        difficulty = warm.get("difficulty") or {}
        v[lay["difficulty"]] = [difficulty.get(key, 0.0) for key in obs.dimensions]
        thresholds = warm.get("thresholds")
        if thresholds:
            if len(thresholds[0]) == 3 and np.all(np.diff(thresholds[0]) > 0):
                v[lay["scale"]] = _unordered(np.asarray(thresholds[0], dtype=float))
            for n, name in ((1, "recommendation"), (2, "interventions")):
                if len(thresholds) > n and len(thresholds[n]) == CATEGORIES[n] - 1:
                    v[lay[name]] = thresholds[n]
        if self.options.source_weights and len(warm.get("weights") or ()) == 2:
            v[lay["weight"]] = warm["weights"]
        return v


def fit(
    obs: Observations, *, max_iterations: int = 1000, options: Options | None = None, warm: dict | None = None
) -> Fit:
    """The posterior mode of all parameters given every rating on the platform, then what the
    placement needs from the platform as a whole: each rater's halo, fit statistics and severity
    uncertainty, how fast abilities move, the level shares and spread.

    `warm` is a previous fit's `parameters()` (or any part of it): the optimiser starts there.
    """
    options = options or Options()
    model = _Model(obs, options)
    lay = model.layout
    # Joint modes over-state discriminations (each candidate's ability is fitted to the very
    # evidence being weighed), and let L-BFGS crawl: so the raters' scale use and the sources'
    # weights are held while it runs, estimated in between against the abilities, then held again.
    v, converged, iterations = model.start(warm), True, 0
    # From a previous full fit the first run has nothing to do: go straight to the estimates.
    staged = options.scale_use or options.source_weights
    if not (staged and warm and "scale_use" in warm and "weights" in warm):
        v, converged, iterations = _optimise(model, v, max_iterations)
    if staged:
        p = model.unpack(v)
        if options.scale_use:
            v[lay["scale_use"]], v[lay["spread"]] = _rater_scale_use(model, p)
        if options.source_weights:
            v[lay["weight"]], v[lay["recommendation"]], v[lay["interventions"]] = _source_weights(model, p)
        v, converged, more = _optimise(model, v, max_iterations)
        iterations += more
    p = model.unpack(v)
    raters = _rater_statistics(model, p)
    result_fit = Fit(
        severity=p["severity"],
        severity_se=raters["severity_se"],
        difficulty=p["difficulty"],
        thresholds=p["tau"],
        converged=converged,
        iterations=iterations,
        candidates=obs.candidates,
        raters=obs.raters,
        dimensions=list(obs.dimensions),
        ability=p["ability"],
        growth=p["growth"],
        scale_use=np.exp(p["scale_use"]),
        scale_spread=np.exp(p["spread"]),
        propensity=p["propensity"],
        halo_sd=raters["halo_sd"],
        infit=raters["infit"],
        outfit=raters["outfit"],
        erratic=raters["erratic"],
        rater_ratings=raters["ratings"],
        source_weights=dict(zip(SOURCES, [1.0, *np.exp(p["weight"]).tolist()], strict=True)),
        options=options,
    )
    readings = _readings(obs, result_fit)
    steps = track.by_step(obs.evaluation_step)
    n_c = len(obs.candidates)
    if options.moving:
        result_fit.pace_mean = float(p["population"][1])
        step_var, pace_var = track.movement_variances(
            *readings, obs.evaluation_candidate, steps, n_c, pace_mean=result_fit.pace_mean
        )
        result_fit.step_sd, result_fit.pace_sd = math.sqrt(step_var), math.sqrt(pace_var)
    if options.empirical_bayes and n_c:
        now = _filtered(obs, result_fit, readings, steps)
        last = _last_rows(obs)
        low, high = result_fit.band_edges
        shares, spread = track.level_mixture(
            now.ability[last], now.var_ability[last], result_fit.level_means(), high - low
        )
        result_fit.level_shares, result_fit.level_spread = shares, spread / (high - low)
    return result_fit


def _optimise(model: _Model, start: np.ndarray, max_iterations: int) -> tuple[np.ndarray, bool, int]:
    """L-BFGS from `start` on parameters rescaled by their curvature there (an ability seen three
    times and a threshold seen a million times then look alike to it)."""
    unit = 1 / np.sqrt(model.curvature(start))

    def scaled(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, gradient = model.objective(start + unit * w)
        return value, gradient * unit

    result = minimize(
        scaled,
        np.zeros_like(start),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iterations, "maxcor": 20, "ftol": 1e-10, "gtol": 1e-3},
    )
    return start + unit * result.x, bool(result.success), int(result.nit)


def _rater_scale_use(model: _Model, p: dict) -> tuple[np.ndarray, np.ndarray]:
    """Each rater's (log λ, log threshold spread) by alternating Newton steps on their scores
    with the rest held (priors included), centred: the typical rater keeps the common scale."""
    obs, s = model.obs, model.rows[SCORE_GROUP]
    n_r = model.n[1]
    z, scale = model.linear(p)
    p = dict(p)
    log_scale, log_spread = p["scale_use"].copy(), p["spread"].copy()
    r = obs.r[s]
    tau = p["tau"][SCORE_GROUP]
    centred = tau - tau.mean()
    steps_f = np.concatenate(([0.0], np.cumsum(centred)))  # f(k) = Σ_{h<=k} (τ_h − τ̄)
    for _ in range(8):
        scale[s] = np.exp(log_scale[r])
        p["spread"] = log_spread
        _, residual, variance, slope, _ = model.rows_terms(p, z, scale)
        scaled = z[s] * scale[s]
        prior = 1 / PRIOR_SD["scale_use"] ** 2
        gradient = np.bincount(r, slope[s], minlength=n_r) - prior * log_scale
        information = np.bincount(r, variance[s] * scaled**2, minlength=n_r) + prior
        step_a = np.clip(gradient / information, -1.0, 1.0)
        log_scale += step_a
        prob, gap = model.last_scores
        spread = np.exp(log_spread)[r]
        mean_f = prob @ steps_f
        var_f = prob @ steps_f**2 - mean_f**2
        prior = 1 / PRIOR_SD["spread"] ** 2
        gradient = np.bincount(r, spread * (gap @ centred), minlength=n_r) - prior * log_spread
        information = np.bincount(r, spread**2 * var_f, minlength=n_r) + prior
        step_b = np.clip(gradient / information, -1.0, 1.0)
        log_spread += step_b
        if max(np.abs(step_a).max(), np.abs(step_b).max()) < 1e-4:
            break
    # A typical rater keeps the common scale: the level bands are theirs, however many raters keep
    # to the middle or give one score throughout. Typical: the median of the raters who are in
    # the upper half both for the spread of scores within their evaluations (not halo) and for
    # their share of 1s and 4s (not central tendency), each against what the common scale expects
    # of them (a harsh or lenient rater gives many 1s or 4s by severity alone)...
    reference = _typical_raters(model, p)
    return log_scale - np.median(log_scale[reference]), log_spread - np.median(log_spread[reference])


def _typical_raters(model: _Model, p: dict) -> np.ndarray:
    obs, s, n_r = model.obs, model.rows[SCORE_GROUP], model.n[1]
    n_e = len(obs.evaluation_ids)
    x, e, r = obs.x[s].astype(float), obs.e[s], obs.r[s]
    # What the common scale expects of each score, at the rater's severity.
    z, one = model.linear(p, common_scale=True)
    model.rows_terms(dict(p, spread=np.zeros(n_r)), z, one)
    prob = model.last_scores[0]
    mean, second = prob @ _K, prob @ _K**2
    count = np.maximum(np.bincount(e, minlength=n_e), 1)

    def within(values, squares):  # per evaluation: the spread of its scores
        return (
            np.bincount(e, squares, minlength=n_e) / count
            - (np.bincount(e, values, minlength=n_e) / count) ** 2
        )

    seen = within(x, x * x)
    expected = within(mean, mean * mean) + np.bincount(e, second - mean**2, minlength=n_e) / count
    rater = obs.evaluation_rater
    within_ratio = np.bincount(rater, seen, minlength=n_r) / np.maximum(
        np.bincount(rater, expected, minlength=n_r), 1e-9
    )
    ends = (x == 0) | (x == 3)
    ends_ratio = np.bincount(r, ends, minlength=n_r) / np.maximum(
        np.bincount(r, prob[:, 0] + prob[:, 3], minlength=n_r), 1e-9
    )
    rated = np.bincount(r, minlength=n_r) > 0
    if not rated.any():
        return np.ones(n_r, dtype=bool)
    # ... and not in the top tenth of either (scores scattered at random).
    typical = rated.copy()
    for measure in (within_ratio, ends_ratio):
        low, high = np.quantile(measure[rated], [0.5, 0.9])
        typical &= (measure >= low) & (measure <= high)
    return typical if typical.any() else rated


def _source_weights(model: _Model, p: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(log weights, recommendation thresholds, intervention thresholds), each source judged
    against the ability the other sources give (its own evidence taken out of the candidate's
    fitted ability by one Newton step, and that ability's doubt carried): a source that says
    nothing about ability gets a weight near 0."""
    obs = model.obs
    n_c = model.n[0]
    z, scale = model.linear(p)
    _, residual, variance, _, _ = model.rows_terms(p, z, scale)
    info = scale**2 * variance
    total = np.bincount(obs.c, info, minlength=n_c) + 1 / PRIOR_SD["ability"] ** 2
    out = []
    for group in (RECOMMENDATION, INTERVENTIONS):
        rows = model.rows[group]
        c, x, k = obs.c[rows], obs.x[rows], CATEGORIES[group]
        own = np.bincount(c, (residual * scale)[rows], minlength=n_c)
        own_info = np.bincount(c, info[rows], minlength=n_c)
        rest = np.maximum(total - own_info, 1e-6)
        zr = z[rows] - own[c] / rest[c]
        doubt = 1 / rest[c]
        log_weight = float(p["weight"][group - 1])
        start = np.concatenate(([log_weight], p["tau"][group]))
        if rows.stop == rows.start:
            out.append(start)
            continue

        def loss(theta: np.ndarray, zr=zr, doubt=doubt, x=x, k=k) -> float:
            weight = np.exp(theta[0]) / np.sqrt(1 + np.pi * np.exp(2 * theta[0]) * doubt / 8)
            cum = np.concatenate(([0.0], np.cumsum(theta[1:])))
            logits = weight[:, None] * (zr[:, None] * _K[:k] - cum)
            top = logits.max(axis=1)
            norm = top + np.log(np.exp(logits - top[:, None]).sum(axis=1))
            chosen = np.take_along_axis(logits, x[:, None], axis=1)[:, 0]
            prior = (
                0.5 * (theta[0] / PRIOR_SD["weight"]) ** 2 + 0.5 * (theta[1:] / PRIOR_SD["threshold"]) ** 2
            )
            return float(-(chosen - norm).sum() + prior.sum())

        result = minimize(loss, start, method="L-BFGS-B", bounds=[(-6.0, 4.0)] + [(None, None)] * (k - 1))
        out.append(result.x)
    return np.array([out[0][0], out[1][0]]), out[0][1:], out[1][1:]


def _rater_statistics(model: _Model, p: dict) -> dict:
    """Per rater: severity standard error, halo, infit/outfit, the erratic flag."""
    obs, (s, rec, _) = model.obs, model.rows
    n_c, n_r, _ = model.n
    z, scale = model.linear(p)
    _, residual, variance, _, _ = model.rows_terms(p, z, scale)
    info = scale**2 * variance
    judged = slice(s.start, rec.stop)

    # Severity SE: the severity's information less what the abilities of the candidates they saw
    # explain (the diagonal of the Schur complement; no raters × raters matrix).
    h_cc = np.bincount(obs.c, info, minlength=n_c) + 1 / PRIOR_SD["ability"] ** 2
    h_rr = np.bincount(obs.r[judged], info[judged], minlength=n_r) + 1 / PRIOR_SD["severity"] ** 2
    pair, where = np.unique(obs.r[judged] * n_c + obs.c[judged], return_inverse=True)
    shared = np.bincount(where.ravel(), info[judged])
    explained = np.bincount(pair // n_c, shared**2 / h_cc[pair % n_c], minlength=n_r)
    severity_se = 1 / np.sqrt(np.maximum(h_rr - explained, 1e-6))

    # Halo: how far each evaluation's judged evidence strays as one, beyond what chance and the
    # candidate's fitted ability (and drift) leave. Per evaluation e, with U = Σ λ·residual and
    # I = Σ λ²·variance over its scores and recommendation, E[U²] ≈ I(1−h) + σ²I²(1−h)², h its
    # leverage on the candidate's (ability, drift).
    n_e = len(obs.evaluation_ids)
    u = np.bincount(obs.e[judged], (residual * scale)[judged], minlength=n_e)
    i_e = np.bincount(obs.e[judged], info[judged], minlength=n_e)
    i_all = np.bincount(obs.e, info, minlength=n_e)
    t = model.evaluation_t
    c = obs.evaluation_candidate
    h00 = np.bincount(c, i_all, minlength=n_c) + 1 / PRIOR_SD["ability"] ** 2
    h01 = np.bincount(c, i_all * t, minlength=n_c)
    h11 = np.bincount(c, i_all * t * t, minlength=n_c) + 1 / PRIOR_SD["growth"] ** 2
    if model.options.moving:
        quad = (h11[c] - 2 * h01[c] * t + h00[c] * t * t) / (h00[c] * h11[c] - h01[c] ** 2)
    else:
        quad = 1 / h00[c]
    keep = np.clip(1 - i_all * quad, 0.0, 1.0)
    numerator = u**2 - i_e * keep
    denominator = (i_e * keep) ** 2
    rater = obs.evaluation_rater
    if model.options.halo and denominator.sum() > 0:
        overall = max(numerator.sum() / denominator.sum(), 0.0)
        typical = denominator.sum() / max(n_e, 1)
        num_r = np.bincount(rater, numerator, minlength=n_r)
        den_r = np.bincount(rater, denominator, minlength=n_r)
        halo_var = (num_r + HALO_PRIOR_EVALUATIONS * typical * overall) / (
            den_r + HALO_PRIOR_EVALUATIONS * typical
        )
        halo_sd = np.sqrt(np.maximum(halo_var, 0.0))
    else:
        halo_sd = np.zeros(n_r)

    # Fit statistics on the common scale (λ = 1): a rater whose scores wander more than the
    # model's chance would have them (infit, outfit above 1) is erratic; one who keeps to the
    # middle or repeats one score shows below 1.
    z1, one = model.linear(p, common_scale=True)
    _, res1, var1, _, _ = model.rows_terms(dict(p, spread=np.zeros(n_r)), z1, one)
    ratings = np.bincount(obs.r[s], minlength=n_r)
    infit = np.bincount(obs.r[s], res1[s] ** 2, minlength=n_r) / np.maximum(
        np.bincount(obs.r[s], var1[s], minlength=n_r), 1e-9
    )
    outfit = np.bincount(obs.r[s], res1[s] ** 2 / np.maximum(var1[s], 1e-6), minlength=n_r) / np.maximum(
        ratings, 1
    )
    # A mean square's sampling sd is about sqrt(2 / n): beyond two of those and the fixed bar.
    erratic = (
        (ratings >= ERRATIC_MIN_RATINGS)
        & (infit > ERRATIC_INFIT)
        & (infit - 1 > 2 * np.sqrt(2 / np.maximum(ratings, 1)))
    )
    return {
        "severity_se": severity_se,
        "halo_sd": halo_sd,
        "infit": np.where(ratings > 0, infit, np.nan),
        "outfit": np.where(ratings > 0, outfit, np.nan),
        "erratic": erratic,
        "ratings": ratings,
    }


def _params_of(fit: Fit) -> dict:
    return {
        "ability": fit.ability, "growth": fit.growth, "severity": fit.severity,
        "scale_use": np.log(fit.scale_use), "spread": np.log(fit.scale_spread), "propensity": fit.propensity,
        "difficulty": fit.difficulty, "weight": np.log([fit.source_weights[s] for s in SOURCES[1:]]),
        "tau": fit.thresholds,
    }  # fmt: skip


def _readings(obs: Observations, fit: Fit) -> tuple[np.ndarray, np.ndarray]:
    """Per evaluation, a Gaussian reading (mean, variance) of the candidate's ability at it.

    The evaluation's log-likelihood is linearised at the fit's ability for that session. The
    interviewer's judged evidence (scores, recommendation) is widened by their halo (one impression
    shared by all of it) and by their severity's uncertainty; that uncertainty is one unknown
    shared by every evaluation they gave this candidate, so with n of them each is widened by n
    times its variance (their average then carries it once). Interventions add as they are. A
    provisional evaluation's reading carries its weight's share of the information.
    """
    model = _Model(obs, fit.options)
    p = _params_of(fit)
    z, scale = model.linear(p)
    _, residual, variance, _, _ = model.rows_terms(p, z, scale)
    s, rec, itv = model.rows
    judged = slice(s.start, rec.stop)
    n_e = len(obs.evaluation_ids)
    u_j = np.bincount(obs.e[judged], (residual * scale)[judged], minlength=n_e)
    i_j = np.bincount(obs.e[judged], (scale**2 * variance)[judged], minlength=n_e)
    u_i = np.bincount(obs.e[itv], (residual * scale)[itv], minlength=n_e)
    i_i = np.bincount(obs.e[itv], (scale**2 * variance)[itv], minlength=n_e)
    rater, cand = obs.evaluation_rater, obs.evaluation_candidate
    _, pair, together = np.unique(rater * len(obs.candidates) + cand, return_inverse=True, return_counts=True)
    extra = fit.halo_sd[rater] ** 2 + together[pair.ravel()] * fit.severity_se[rater] ** 2
    shrink = 1 + i_j * extra
    precision = obs.evaluation_weight * (i_j / shrink + i_i) + 1e-9
    at = fit.ability[cand] + fit.growth[cand] * model.evaluation_t
    return at + (u_j / shrink + u_i) / precision, 1 / precision


def _filtered(obs: Observations, fit: Fit, readings, steps) -> track.Filtered:
    """After each evaluation: the ability at that session from it and those before, flat start."""
    y, v = readings
    return track.kalman(
        y, v, obs.evaluation_candidate, steps, len(obs.candidates),
        step_var=fit.step_sd**2, pace_var=fit.pace_sd**2, start_mean=0.0, start_var=track.DIFFUSE,
        pace_mean=fit.pace_mean,
    )  # fmt: skip


def _last_rows(obs: Observations) -> np.ndarray:
    """Per candidate, the index of their latest evaluation."""
    last = np.zeros(len(obs.candidates), dtype=np.int64)
    last[obs.evaluation_candidate] = np.arange(len(obs.evaluation_ids))  # later ones overwrite
    return last


@dataclass
class DimensionStanding:
    key: str
    bar: str  # the level whose bar it is measured against
    probability: float  # that this dimension meets the bar
    expected_score: float  # with an average interviewer, on the 1-4 scale
    bar_score: int  # the score that means meeting the bar


@dataclass
class LevelEstimate:
    candidate: int
    probabilities: dict[str, float]
    level: str
    confidence: float
    ability: float  # posterior mean of the ability now
    ability_sd: float
    position: float  # on the level scale (see Fit.position)
    evaluations: int
    provisional: bool
    standing: list[DimensionStanding] = field(default_factory=list)
    trajectory: list[dict] = field(default_factory=list)  # after each evaluation, in order
    # Level bands moved over the last MOVEMENT_SESSIONS sessions at the estimated pace (+ is up);
    # None with a single evaluation.
    movement: float | None = None
    movement_sd: float | None = None
    # {"level", "sessions", "low", "high"}: at this pace, the next level's bar in about
    # `sessions` (90 % between low and high); None unless moving up and that interval is narrow.
    forecast: dict | None = None


def place(obs: Observations, fit: Fit) -> list[LevelEstimate]:
    """Every candidate's placement now, per-dimension standing, trajectory, movement, forecast."""
    n_c = len(obs.candidates)
    if not n_c:
        return []
    steps = track.by_step(obs.evaluation_step)
    readings = _readings(obs, fit)
    now = _filtered(obs, fit, readings, steps)
    low, high = fit.band_edges
    width = high - low
    post = track.posterior(now.ability, now.var_ability, fit.level_means(), fit.level_shares, fit.level_sd())
    last = _last_rows(obs)
    # The pace given the ability now: (ability, pace) are jointly normal before the level prior.
    slope = now.cov[last] / now.var_ability[last]
    shifts = post.component_mean[last] - now.ability[last][:, None]
    pace_k = now.pace[last][:, None] + slope[:, None] * shifts
    pace_var_k = now.var_pace[last] - slope * now.cov[last] + slope**2 * post.component_var[last]
    weights = post.weights[last]
    pace = (weights * pace_k).sum(axis=1)
    pace_sd = np.sqrt(np.maximum(pace_var_k + (weights * pace_k**2).sum(axis=1) - pace**2, 0.0))
    standing = _dimension_standing(obs, fit, post.mean[last], post.sd[last])
    by_candidate = _rows_by(obs.evaluation_candidate)
    placements = []
    for c in range(n_c):
        rows = by_candidate[c]
        final = rows[-1]
        level_index = int(post.levels[final].argmax())
        moving = fit.options.moving and len(rows) > 1
        placements.append(
            LevelEstimate(
                candidate=int(obs.candidates[c]),
                probabilities=_probabilities(post.levels[final]),
                level=LEVELS[level_index],
                confidence=float(post.levels[final, level_index]),
                ability=float(post.mean[final]),
                ability_sd=float(post.sd[final]),
                position=float(fit.position(post.mean[final])),
                evaluations=len(rows),
                provisional=len(rows) < PROVISIONAL_BELOW,
                standing=standing(c, level_index),
                trajectory=[
                    {
                        "evaluation": int(obs.evaluation_ids[row]),
                        "level": LEVELS[int(post.levels[row].argmax())],
                        "confidence": round(float(post.levels[row].max()), 3),
                        "probabilities": _probabilities(post.levels[row]),
                        "position": round(float(fit.position(post.mean[row])), 3),
                        "position_sd": round(float(post.sd[row] / width), 3),
                    }
                    for row in rows
                ],
                movement=round(float(MOVEMENT_SESSIONS * pace[c] / width), 2) if moving else None,
                movement_sd=round(float(MOVEMENT_SESSIONS * pace_sd[c] / width), 2) if moving else None,
                forecast=_forecast(fit, level_index, post.mean[final], post.sd[final], pace[c], pace_sd[c])
                if moving
                else None,
            )
        )
    return placements


def _forecast(
    fit: Fit, level_index: int, ability: float, sd: float, pace: float, pace_sd: float
) -> dict | None:
    """Sessions until the next level's bar at the present pace, only when that is well known:
    the pace clearly up, and the 90 % interval no wider than half the estimate (or 2 sessions)."""
    if level_index >= len(LEVELS) - 1 or pace <= 2 * pace_sd or pace <= 0:
        return None
    bar = fit.band_edges[level_index]
    distance = max(bar - ability, 0.0)
    sessions = distance / pace
    spread = math.sqrt(sd**2 + sessions**2 * pace_sd**2) / pace  # delta method
    low, high = max(sessions - 1.645 * spread, 0.0), sessions + 1.645 * spread
    if high > FORECAST_MAX_SESSIONS or high - low > max(2.0, sessions / 2):
        return None
    return {
        "level": LEVELS[level_index + 1],
        "sessions": max(int(math.ceil(sessions)), 1),
        "low": int(math.floor(low)),
        "high": int(math.ceil(high)),
    }


def _rows_by(keys: np.ndarray) -> dict[int, np.ndarray]:
    """{key: the rows holding it, in their order}."""
    order = np.argsort(keys, kind="stable")
    sorted_c = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_c[1:] != sorted_c[:-1]])
    return {int(sorted_c[s]): rows for s, rows in zip(starts, np.split(order, starts[1:]), strict=True)}


def _probabilities(row: np.ndarray) -> dict[str, float]:
    return {level: round(float(p), 3) for level, p in zip(LEVELS, row, strict=True)}


def _dimension_standing(obs: Observations, fit: Fit, overall: np.ndarray, overall_sd: np.ndarray):
    """A closure giving, per candidate and level, each dimension against the next level's bar.

    A dimension's own ability is the candidate's ability now plus how far that dimension's scores
    (severity-corrected, at the ability of their session) stray from it, drawn towards 0; its bar
    for a level is where that level's anchor score becomes the likeliest on this dimension.
    """
    n_c, n_d = len(obs.candidates), len(obs.dimensions)
    model = _Model(obs, fit.options)
    p = _params_of(fit)
    z, scale = model.linear(p)
    _, residual, variance, _, _ = model.rows_terms(p, z, scale)
    s = model.rows[SCORE_GROUP]
    cell = obs.c[s] * n_d + obs.i[s]
    u = np.bincount(cell, (residual * scale)[s], minlength=n_c * n_d)
    info = np.bincount(cell, (scale**2 * variance)[s], minlength=n_c * n_d) + 1 / DIMENSION_SHRINK_SD**2
    has_scores = np.bincount(cell, minlength=n_c * n_d) > 0
    dimension = np.tile(np.arange(n_d), n_c)
    mean = np.repeat(overall, n_d) + u / info
    sd = np.sqrt(np.repeat(overall_sd, n_d) ** 2 + 1 / info)
    cumulative = _cumulative(fit.thresholds)[SCORE_GROUP]
    expected = 1 + _category_probabilities(mean - fit.difficulty[dimension], cumulative) @ _K
    bars = fit.difficulty[:, None] + fit.thresholds[SCORE_GROUP][None, :]  # (dimension, level)
    meets = ndtr((mean[:, None] - bars[dimension]) / sd[:, None])  # (cell, level)

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
    cumulative = _cumulative(fit.thresholds)[SCORE_GROUP]
    neutral = _category_probabilities(np.array([middle]), cumulative)[0] @ _K
    rated = _category_probabilities(middle - fit.severity, cumulative) @ _K
    return neutral - rated


def interrater_alpha(obs: Observations) -> float | None:
    """Krippendorff's alpha (ordinal) over rubric scores: the units are (candidate, dimension),
    each interviewer's latest score of it one value. None until some unit has two interviewers
    (or while every score given is the same, when agreement is undefined)."""
    import krippendorff

    scores = obs.g == SCORE_GROUP
    unit = obs.c[scores] * len(obs.dimensions) + obs.i[scores]
    pair = unit * max(len(obs.raters), 1) + obs.r[scores]
    _, latest = np.unique(pair[::-1], return_index=True)  # the last rating of each (unit, rater)
    keep = len(pair) - 1 - latest
    units, inverse = np.unique(unit[keep], return_inverse=True)
    counts = np.zeros((len(units), 4))
    np.add.at(counts, (inverse, obs.x[scores][keep]), 1)
    if not (counts.sum(axis=1) >= 2).any():
        return None
    with np.errstate(invalid="ignore", divide="ignore"):  # every score the same: 0 / 0, below
        alpha = float(krippendorff.alpha(value_counts=counts, level_of_measurement="ordinal"))
    return alpha if np.isfinite(alpha) else None  # every score the same: nothing to agree on
