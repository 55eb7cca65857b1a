"""Refitting level placement: read every submitted evaluation, fit the estimator, store what it says.

Pages and the API only read what this stores.
"""

import logging
import time
from datetime import timedelta

import numpy as np
from django.db import transaction
from django.db.models import Q

from accounts.models import Level, User
from accounts.services import interviewer_approve
from rubrics import estimator as model
from rubrics.models import (
    NEEDS_CALIBRATION_POINTS,
    DimensionScore,
    Evaluation,
    EvaluationStatus,
    InterviewerSeverity,
    Placement,
    PlacementFit,
)
from rubrics.selectors import rubric_current

logger = logging.getLogger(__name__)

KEEP_FITS_FOR = timedelta(days=30)
# A new interviewer's evaluation, until they are calibrated, counts this much in a placement.
PROVISIONAL_WEIGHT = 0.5


def placement_refit(*, force: bool = False) -> PlacementFit | None:
    """Fit the placement model over every submitted evaluation and store what it says.

    Refits queue behind one another (the latest fit's row is the lock); one that finds the stored
    fit already saw every submitted evaluation returns None without fitting, so a burst of
    submissions costs one or two fits, not one each. `force` refits anyway (the nightly run).
    Before the very first fit there is no row to lock: two first refits may both run, and the
    upserts below make that harmless.
    """
    with transaction.atomic():
        PlacementFit.objects.select_for_update().order_by("-pk").first()  # wait for a running refit
        latest = PlacementFit.objects.order_by("-pk").first()  # then read what it stored
        submitted = Evaluation.objects.filter(status=EvaluationStatus.SUBMITTED)
        if not force and latest is not None and latest.evaluations == submitted.count():
            return None
        started = time.perf_counter()
        records, dimensions = _placement_records(submitted)
        read = time.perf_counter()
        if not records:
            return None
        obs = model.observations(records, dimensions)
        if obs.rejected:
            logger.warning(
                "placement refit left out %d evaluation(s): %s",
                len(obs.rejected),
                "; ".join(f"{r.evaluation}: {r.reason}" for r in obs.rejected[:20]),
            )
        if not len(obs.evaluation_ids):
            return None
        result = model.fit(obs, warm=latest.parameters if latest is not None else None)
        placements = model.place(obs, result)
        estimated = time.perf_counter()
        fitted = PlacementFit.objects.create(
            evaluations=len(records),
            ratings=obs.ratings,
            candidates=len(obs.candidates),
            interviewers=len(obs.raters),
            seconds=0,
            converged=result.converged,
            reliability=model.interrater_alpha(obs),
            thresholds=[round(float(t), 4) for t in result.thresholds[model.SCORE_GROUP]],
            difficulties={
                key: round(float(b), 4) for key, b in zip(dimensions, result.difficulty, strict=True)
            },
            rejected=len(obs.rejected),
            source_weights={key: round(float(w), 3) for key, w in result.source_weights.items()},
            level_shares=dict(
                zip(model.LEVELS, (round(float(x), 3) for x in result.level_shares), strict=True)
            ),
            parameters=result.parameters(),
        )
        _store_placements(fitted, placements)
        _store_severities(fitted, obs, result)
        _vet_calibrated(obs, result)
        fitted.seconds = round(time.perf_counter() - started, 3)
        fitted.save(update_fields=["seconds"])
        logger.log(
            logging.INFO if result.converged else logging.WARNING,
            "placement refit over %d evaluations: %s after %d iterations; %.1f s (reading %.1f, "
            "estimator %.1f, storing %.1f)",
            len(records), "converged" if result.converged else "did NOT converge", result.iterations,
            fitted.seconds, read - started, estimated - read, fitted.seconds - (estimated - started),
        )  # fmt: skip
        # Earlier fits nothing points at any more, past the audit window, go.
        PlacementFit.objects.filter(fitted_at__lt=fitted.fitted_at - KEEP_FITS_FOR).exclude(
            pk__in=Placement.objects.values("fit")
        ).exclude(pk__in=InterviewerSeverity.objects.values("fit")).delete()
    return fitted


def _placement_records(submitted) -> tuple[list[model.EvaluationRecord], list[str]]:
    """Submitted evaluations as plain data, each candidate's in the order of their sessions."""
    rows = submitted.order_by("session__start", "pk").values_list(
        "pk",
        "session__candidate_id",
        "interviewer_id",
        "hints",
        "guidance",
        "clarifications",
        "recommended_level",
        "provisional",
    )
    scores: dict[int, dict[str, int]] = {}
    for evaluation_id, key, score in DimensionScore.objects.filter(
        evaluation__status=EvaluationStatus.SUBMITTED, score__isnull=False
    ).values_list("evaluation_id", "dimension__key", "score"):
        scores.setdefault(evaluation_id, {})[key] = score
    order = [d.key for d in rubric_current().dimensions.all()]
    seen = {key for given in scores.values() for key in given}
    dimensions = [key for key in order if key in seen] + sorted(seen - set(order))
    records = [
        model.EvaluationRecord(
            id=pk,
            candidate=candidate,
            interviewer=interviewer,
            scores=scores.get(pk, {}),
            interventions=hints + guidance + clarifications,
            recommended_level=level,
            weight=PROVISIONAL_WEIGHT if provisional else 1.0,
        )
        for pk, candidate, interviewer, hints, guidance, clarifications, level, provisional in rows
    ]
    return records, dimensions


def _store_placements(fitted: PlacementFit, placements: list[model.LevelEstimate]) -> None:
    # Members who left keep no level estimate; their evaluations still inform everyone else's.
    left = set(User.objects.filter(left_at__isnull=False).values_list("pk", flat=True))
    placements = [p for p in placements if p.candidate not in left]
    Placement.objects.bulk_create(
        [
            Placement(
                candidate_id=p.candidate,
                fit=fitted,
                level=p.level,
                confidence=round(p.confidence, 3),
                probabilities=p.probabilities,
                position=round(p.position, 3),
                evaluations=p.evaluations,
                provisional=p.provisional,
                standing=[vars(s) for s in p.standing],
                trajectory=p.trajectory,
                movement=None if p.movement is None else round(p.movement, 3),
                movement_sd=None if p.movement_sd is None else round(p.movement_sd, 3),
                forecast=p.forecast,
            )
            for p in placements
        ],
        update_conflicts=True,
        unique_fields=["candidate"],
        update_fields=[
            "fit",
            "level",
            "confidence",
            "probabilities",
            "position",
            "evaluations",
            "provisional",
            "standing",
            "trajectory",
            "movement",
            "movement_sd",
            "forecast",
        ],  # fmt: skip
        batch_size=500,
    )


# A calibration record: this many evaluations of candidates whom other interviewers scored too,
# and a severity within NEEDS_CALIBRATION_POINTS of the average.
CALIBRATION_OVERLAP = 3


def calibrated_raters(obs: model.Observations, result: model.Fit) -> set[int]:
    """Interviewer ids the fit shows calibrated: enough overlap with other raters, severity within
    bounds."""
    raters_of = {}
    for candidate, rater in zip(
        obs.evaluation_candidate.tolist(), obs.evaluation_rater.tolist(), strict=True
    ):
        raters_of.setdefault(candidate, set()).add(rater)
    overlap = np.zeros(len(obs.raters), dtype=int)
    for candidate, rater in zip(
        obs.evaluation_candidate.tolist(), obs.evaluation_rater.tolist(), strict=True
    ):
        if len(raters_of[candidate]) > 1:
            overlap[rater] += 1
    points = model.severity_in_points(result)
    return {
        int(rater)
        for n, rater in enumerate(obs.raters)
        if overlap[n] >= CALIBRATION_OVERLAP and abs(float(points[n])) < NEEDS_CALIBRATION_POINTS
    }


def _vet_calibrated(obs: model.Observations, result: model.Fit) -> None:
    """New interviewers with a calibration record are vetted (their evaluations stop being
    provisional), and a pending L5+ claim of theirs is approved: the calibration record stands in
    for staff approval."""
    waiting = User.objects.filter(
        Q(interviewer_vetted_at__isnull=True) | ~Q(level_claim=""),
        pk__in=calibrated_raters(obs, result),
        is_interviewer=True,
    )
    for user in waiting:
        interviewer_approve(user=user, senior=user.level_claim == Level.L5)


def _store_severities(fitted: PlacementFit, obs: model.Observations, result: model.Fit) -> None:
    counts = np.bincount(obs.evaluation_rater, minlength=len(obs.raters))
    points = model.severity_in_points(result)
    InterviewerSeverity.objects.bulk_create(
        [
            InterviewerSeverity(
                interviewer_id=int(rater),
                fit=fitted,
                severity=round(float(result.severity[n]), 4),
                standard_error=round(float(result.severity_se[n]), 4),
                points=round(float(points[n]), 3),
                evaluations=int(counts[n]),
                infit=_rounded(result.infit, n),
                outfit=_rounded(result.outfit, n),
                erratic=bool(result.erratic[n]) if len(result.erratic) else False,
                scale_spread=_rounded(result.scale_spread, n),
                halo=_rounded(result.halo_sd, n),
            )
            for n, rater in enumerate(obs.raters)
        ],
        update_conflicts=True,
        unique_fields=["interviewer"],
        update_fields=[
            "fit",
            "severity",
            "standard_error",
            "points",
            "evaluations",
            "infit",
            "outfit",
            "erratic",
            "scale_spread",
            "halo",
        ],  # fmt: skip
        batch_size=500,
    )


def _rounded(values: np.ndarray, n: int) -> float | None:
    """One rater's statistic, or None when the fit has none (no rubric scores from them)."""
    if n >= len(values) or not np.isfinite(values[n]):
        return None
    return round(float(values[n]), 3)
