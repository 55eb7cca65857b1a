"""The placement estimator on small synthetic sets where the truth is known (no database)."""

import numpy as np
import pytest

from rubrics.estimator import (
    LEVELS,
    EvaluationRecord,
    fit,
    interrater_alpha,
    observations,
    place,
    severity_in_points,
)

DIMENSIONS = [f"d{n}" for n in range(9)]
TRUE_THRESHOLDS = np.array([-1.5, -0.5, 0.5])  # the anchors: 2 meets L3, 3 L4, 4 L5+


def _scores(rng, ability: float, severity: float) -> dict[str, int]:
    """Scores 1-4 drawn from the rating-scale model."""
    logits = (ability - severity) * np.arange(4) - np.concatenate(([0.0], np.cumsum(TRUE_THRESHOLDS)))
    p = np.exp(logits - logits.max())
    p /= p.sum()
    return {key: int(rng.choice(4, p=p)) + 1 for key in DIMENSIONS}


def _evaluation(rng, n: int, candidate: int, rater: int, ability: float, severity: float) -> EvaluationRecord:
    seen = ability - severity + rng.normal(0, 0.3)
    return EvaluationRecord(
        id=n,
        candidate=candidate,
        interviewer=rater,
        scores=_scores(rng, ability, severity),
        interventions=int(rng.poisson(np.exp(1.0 - 0.9 * ability))),
        recommended_level=LEVELS[int(np.searchsorted([-0.5, 0.5], seen))],
    )


def _placements(records):
    obs = observations(records, DIMENSIONS)
    result = fit(obs)
    return {p.candidate: p for p in place(obs, result)}, result, obs


HARSH, NEUTRAL, LENIENT = 101, 102, 103
SEVERITY = {HARSH: 0.9, NEUTRAL: 0.0, LENIENT: -0.9}


def _calibration_set(rng, per_level: int = 12):
    """Candidates with known levels, each seen by two of a harsh, a neutral and a lenient rater."""
    pairs = [(HARSH, NEUTRAL), (NEUTRAL, LENIENT), (HARSH, LENIENT), (HARSH, HARSH), (LENIENT, LENIENT)]
    records, truth = [], {}
    for level_index, mean in enumerate((-1.0, 0.0, 1.0)):
        for n in range(per_level):
            candidate = 1000 + level_index * 100 + n
            truth[candidate] = LEVELS[level_index]
            ability = mean + rng.normal(0, 0.15)
            for rater in pairs[n % len(pairs)]:
                records.append(_evaluation(rng, len(records), candidate, rater, ability, SEVERITY[rater]))
    return records, truth


def test_it_recovers_known_levels_despite_a_harsh_and_a_lenient_rater():
    rng = np.random.default_rng(11)
    records, truth = _calibration_set(rng)
    placements, result, obs = _placements(records)

    correct = sum(placements[c].level == level for c, level in truth.items())
    assert correct >= 0.9 * len(truth)
    severity = dict(zip(obs.raters.tolist(), result.severity, strict=True))
    assert severity[HARSH] > 0.5 and severity[LENIENT] < -0.5 and abs(severity[NEUTRAL]) < 0.4
    points = dict(zip(obs.raters.tolist(), severity_in_points(result), strict=True))
    assert points[HARSH] > 0.25 > -0.25 > points[LENIENT]

    # The plain average of scores, read through the anchors, is fooled by who scored whom.
    def average(c):
        scores = [s for r in records if r.candidate == c for s in r.scores.values()]
        return LEVELS[int(np.searchsorted([2.5, 3.5], np.mean(scores)))]

    assert sum(average(c) == level for c, level in truth.items()) < correct


def test_a_harsh_raters_low_scores_move_the_estimate_less_than_a_neutral_raters():
    rng = np.random.default_rng(5)
    calibration, _ = _calibration_set(rng)
    first = _evaluation(rng, len(calibration), 1, LENIENT, 0.0, SEVERITY[LENIENT])
    low = {"scores": dict.fromkeys(DIMENSIONS, 2), "interventions": 5, "recommended_level": "L3"}

    before, _, _ = _placements([*calibration, first])
    moves = {}
    for rater in (HARSH, NEUTRAL):
        second = EvaluationRecord(id=len(calibration) + 1, candidate=1, interviewer=rater, **low)
        after, _, _ = _placements([*calibration, first, second])
        moves[rater] = before[1].ability - after[1].ability
    assert moves[NEUTRAL] > 0 and moves[HARSH] > 0  # low scores lower the estimate either way
    assert moves[HARSH] < moves[NEUTRAL] - 0.1


@pytest.mark.parametrize(
    ("score", "interventions", "recommended", "level"),
    [(2, 8, "L3", "L3"), (3, 3, "L4", "L4"), (4, 0, "L5", "L5")],
)
def test_the_anchor_scores_map_onto_their_level_bands(score, interventions, recommended, level):
    rng = np.random.default_rng(3)
    calibration, _ = _calibration_set(rng)
    evidence = {"scores": dict.fromkeys(DIMENSIONS, score), "interventions": interventions}
    records = [
        *calibration,
        EvaluationRecord(id=-1, candidate=1, interviewer=NEUTRAL, recommended_level=recommended, **evidence),
        EvaluationRecord(id=-2, candidate=1, interviewer=HARSH, recommended_level=recommended, **evidence),
    ]
    placements, _, _ = _placements(records)
    assert placements[1].level == level, placements[1].probabilities
    assert placements[1].confidence > 0.6, placements[1].probabilities


def test_one_evaluation_is_provisional_and_the_trajectory_follows_each_evaluation():
    rng = np.random.default_rng(8)
    calibration, _ = _calibration_set(rng)
    mine = [
        _evaluation(rng, 900 + n, 7, rater, 0.6 + 0.4 * n, SEVERITY[rater])
        for n, rater in enumerate((HARSH, NEUTRAL, LENIENT))
    ]

    one, _, _ = _placements([*calibration, mine[0]])
    assert one[7].provisional and one[7].evaluations == 1
    three, _, _ = _placements([*calibration, *mine])
    assert not three[7].provisional and three[7].evaluations == 3
    assert [point["evaluation"] for point in three[7].trajectory] == [900, 901, 902]
    # More evidence, a tighter estimate.
    assert three[7].trajectory[-1]["position_sd"] < three[7].trajectory[0]["position_sd"]


def test_an_interviewer_nobody_else_calibrates_leaves_the_placement_less_sure():
    rng = np.random.default_rng(4)
    calibration, _ = _calibration_set(rng)
    loner = 999  # sees only candidates nobody else sees: their severity is a guess
    records = [*calibration]
    for n in range(4):
        records.append(_evaluation(rng, 500 + n, 2000 + n, loner, rng.normal(0, 0.5), 0.0))
    evidence = {"scores": dict.fromkeys(DIMENSIONS, 3), "interventions": 3, "recommended_level": "L4"}
    for n, (candidate, rater) in enumerate(((1, NEUTRAL), (1, NEUTRAL), (2, loner), (2, loner))):
        records.append(EvaluationRecord(id=600 + n, candidate=candidate, interviewer=rater, **evidence))
    placements, result, obs = _placements(records)
    se = dict(zip(obs.raters.tolist(), result.severity_se, strict=True))
    assert se[loner] > 2 * se[NEUTRAL]
    assert placements[1].level == placements[2].level == "L4"
    # The recommended level's weight is estimated (here a sharp reading: both stay well inside
    # L4), so the doubt shows in the ability's spread more than in the level's probability.
    assert placements[2].confidence < placements[1].confidence
    assert placements[2].ability_sd > 1.3 * placements[1].ability_sd


def test_the_weakest_dimension_is_the_one_furthest_below_the_next_bar():
    rng = np.random.default_rng(2)
    calibration, _ = _calibration_set(rng)
    scores = dict.fromkeys(DIMENSIONS, 3) | {"d4": 1}
    records = [
        *calibration,
        *(
            EvaluationRecord(
                id=-n, candidate=1, interviewer=rater, scores=scores, interventions=3, recommended_level="L4"
            )
            for n, rater in enumerate((NEUTRAL, HARSH), start=1)
        ),
    ]
    placements, _, _ = _placements(records)
    standing = {s.key: s for s in placements[1].standing}
    assert placements[1].level == "L4" and {s.bar for s in standing.values()} == {"L5"}
    assert min(standing.values(), key=lambda s: s.probability).key == "d4"
    assert standing["d4"].expected_score < standing["d0"].expected_score


def test_interrater_reliability_needs_overlap_and_is_one_when_raters_agree():
    same = {"scores": dict.fromkeys(DIMENSIONS, 3), "interventions": 2, "recommended_level": "L4"}
    alone = [EvaluationRecord(id=1, candidate=1, interviewer=1, **same)]
    assert interrater_alpha(observations(alone, DIMENSIONS)) is None

    agree = [
        EvaluationRecord(id=n, candidate=c, interviewer=r, interventions=2, recommended_level="L4",
                         scores={key: 1 + (c + i) % 4 for i, key in enumerate(DIMENSIONS)})
        for n, (c, r) in enumerate((c, r) for c in range(5) for r in (1, 2))
    ]  # fmt: skip
    assert interrater_alpha(observations(agree, DIMENSIONS)) == pytest.approx(1.0)
    disagree = [
        EvaluationRecord(id=rec.id, candidate=rec.candidate, interviewer=rec.interviewer, interventions=2,
                         recommended_level="L4",
                         scores={k: (5 - s if rec.interviewer == 2 else s) for k, s in rec.scores.items()})
        for rec in agree
    ]  # fmt: skip
    assert interrater_alpha(observations(disagree, DIMENSIONS)) < 0
