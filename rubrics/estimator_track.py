"""A candidate's ability over time and the platform's level mixture (pure numpy, no ORM).

`rubrics.estimator` reduces each evaluation to one Gaussian reading of the candidate's ability at
that session (y, v). Here those readings become the ability now:

- a state-space model per candidate, in session order: ability_{t+1} = ability_t + pace + step,
  the step a random walk (variance `step_var`), the pace the candidate's own rate of movement
  (normal around 0 with variance `pace_var`). Both variances are the platform's, chosen by
  marginal likelihood over a small grid (empirical Bayes): a platform where nobody moves picks
  0 and the model is the static one;
- the levels as a mixture on the ability now: L3, L4, L5+ normal around the middles of their
  bands, their shares and common spread chosen by marginal likelihood too.

A Kalman filter, vectorised over candidates one session step at a time, gives everything in
O(evaluations) work and memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STEP_VARS = (0.0, 0.01, 0.04)  # logit² per session
PACE_SDS = (0.0, 0.1, 0.2, 0.35, 0.5)  # logits per session
# Within-level spread, in band widths, and its prior (normal on the log, around v1's 0.35); the
# level shares' prior is this many candidates per level: a small platform keeps close to equal.
SPREADS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
SPREAD_PRIOR, SPREAD_PRIOR_SD = 0.35, 0.25
SHARE_PRIOR_CANDIDATES = 10
DIFFUSE = 100.0  # the start variance that leaves the ability now free for the level mixture
MIN_SHARE = 0.02


@dataclass
class Filtered:
    """Per evaluation, the (ability, pace) estimate after it and those before it."""

    ability: np.ndarray
    pace: np.ndarray
    var_ability: np.ndarray
    cov: np.ndarray
    var_pace: np.ndarray
    loglik: float


def by_step(step: np.ndarray) -> list[np.ndarray]:
    """Evaluation indices grouped by their position in the candidate's timeline (0 first)."""
    order = np.argsort(step, kind="stable")
    counts = np.bincount(step, minlength=1)
    return np.split(order, np.cumsum(counts)[:-1])


def kalman(
    y: np.ndarray,
    v: np.ndarray,
    candidate: np.ndarray,
    steps: list[np.ndarray],
    n_candidates: int,
    *,
    step_var: float,
    pace_var: float,
    start_mean: float,
    start_var: float,
    pace_mean: float = 0.0,
) -> Filtered:
    m_a, m_p = np.full(n_candidates, start_mean), np.full(n_candidates, pace_mean)
    p00, p01, p11 = np.full(n_candidates, start_var), np.zeros(n_candidates), np.full(n_candidates, pace_var)
    out = [np.empty(len(y)) for _ in range(5)]
    loglik = 0.0
    for t, rows in enumerate(steps):
        c = candidate[rows]
        a, b, s00, s01, s11 = m_a[c], m_p[c], p00[c], p01[c], p11[c]
        if t:
            a = a + b
            s00 = s00 + 2 * s01 + s11 + step_var
            s01 = s01 + s11
        total = s00 + v[rows]
        innovation = y[rows] - a
        k0, k1 = s00 / total, s01 / total
        a, b = a + k0 * innovation, b + k1 * innovation
        s00, s01, s11 = s00 - k0 * s00, s01 - k0 * s01, s11 - k1 * s01
        loglik -= 0.5 * float((np.log(2 * np.pi * total) + innovation**2 / total).sum())
        m_a[c], m_p[c], p00[c], p01[c], p11[c] = a, b, s00, s01, s11
        for store, value in zip(out, (a, b, s00, s01, s11), strict=True):
            store[rows] = value
    return Filtered(*out, loglik=loglik)


def movement_variances(
    y: np.ndarray,
    v: np.ndarray,
    candidate: np.ndarray,
    steps: list[np.ndarray],
    n_candidates: int,
    *,
    pace_mean: float = 0.0,
) -> tuple[float, float]:
    """(step variance, pace variance) with the highest marginal likelihood over the grid.

    The first reading of each candidate anchors them to the platform's spread of abilities
    (a moment estimate), so the likelihood is proper; later readings judge the movement.
    """
    if len(steps) < 2:
        return 0.0, 0.0
    first = steps[0]
    start_mean = float(np.mean(y[first]))
    start_var = max(float(np.var(y[first]) - np.mean(v[first])), 0.25)
    best, best_ll = (0.0, 0.0), -np.inf
    for step_var in STEP_VARS:
        for pace_sd in PACE_SDS:
            ll = kalman(
                y, v, candidate, steps, n_candidates,
                step_var=step_var, pace_var=pace_sd**2, start_mean=start_mean, start_var=start_var,
                pace_mean=pace_mean,
            ).loglik  # fmt: skip
            if ll > best_ll + 1e-6:
                best, best_ll = (step_var, pace_sd**2), ll
    return best


def _component_loglik(m: np.ndarray, var: np.ndarray, means: np.ndarray, spread: float) -> np.ndarray:
    total = var[:, None] + spread**2
    return -0.5 * (np.log(2 * np.pi * total) + (m[:, None] - means[None, :]) ** 2 / total)


def level_mixture(
    m: np.ndarray, var: np.ndarray, means: np.ndarray, width: float
) -> tuple[np.ndarray, float]:
    """(shares, spread in logits) of the levels with the highest marginal likelihood, given each
    candidate's reading of their ability now (mean m, variance var, from a flat start)."""
    best, best_ll = (np.full(3, 1 / 3), 0.35 * width), -np.inf
    for spread in SPREADS:
        component = _component_loglik(m, var, means, spread * width)
        shares = np.full(3, 1 / 3)
        for _ in range(200):
            joint = component + np.log(shares)
            top = joint.max(axis=1, keepdims=True)
            weight = np.exp(joint - top)
            weight /= weight.sum(axis=1, keepdims=True)
            new = weight.sum(axis=0) + SHARE_PRIOR_CANDIDATES
            new = np.maximum(new / new.sum(), MIN_SHARE)
            new /= new.sum()
            done = np.abs(new - shares).max() < 1e-6
            shares = new
            if done:
                break
        joint = component + np.log(shares)
        top = joint.max(axis=1)
        ll = float((top + np.log(np.exp(joint - top[:, None]).sum(axis=1))).sum())
        ll += SHARE_PRIOR_CANDIDATES * float(np.log(shares).sum())
        ll -= 0.5 * (np.log(spread / SPREAD_PRIOR) / SPREAD_PRIOR_SD) ** 2
        if ll > best_ll:
            best, best_ll = (shares, spread * width), ll
    return best


@dataclass
class Posterior:
    levels: np.ndarray  # (n, 3) level probabilities
    mean: np.ndarray
    sd: np.ndarray
    weights: np.ndarray  # (n, 3) same as levels
    component_mean: np.ndarray  # (n, 3)
    component_var: np.ndarray  # (n,)


def posterior(
    m: np.ndarray, var: np.ndarray, means: np.ndarray, shares: np.ndarray, spread: float
) -> Posterior:
    """The level mixture prior on the ability now times its reading (m, var)."""
    joint = _component_loglik(m, var, means, spread) + np.log(shares)
    weight = np.exp(joint - joint.max(axis=1, keepdims=True))
    weight /= weight.sum(axis=1, keepdims=True)
    precision = 1 / var + 1 / spread**2
    component_mean = (m[:, None] / var[:, None] + means[None, :] / spread**2) / precision[:, None]
    mean = (weight * component_mean).sum(axis=1)
    second = (weight * component_mean**2).sum(axis=1) + 1 / precision
    sd = np.sqrt(np.maximum(second - mean**2, 0.0))
    return Posterior(weight, mean, sd, weight, component_mean, 1 / precision)
