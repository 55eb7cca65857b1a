"""Writes for rubrics: an interviewer's evaluation, a candidate's rating, rubric versions."""

import logging
import time
from datetime import datetime, timedelta

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from accounts.models import Level, User
from config.errors import Conflict
from interviews.models import Session, SessionStatus
from interviews.selectors import session_for_user
from interviews.services.notifications import outbox_evaluation_submitted
from rubrics import estimator as model
from rubrics.models import (
    Dimension,
    DimensionScore,
    Evaluation,
    EvaluationStatus,
    InterviewerRating,
    InterviewerSeverity,
    Placement,
    PlacementFit,
    Rubric,
    Verdict,
)
from rubrics.selectors import rubric_current

logger = logging.getLogger(__name__)

COUNTS = ("hints", "guidance", "clarifications")
TEXTS = ("strengths", "improvements")
MIN_FEEDBACK_WORDS = 4
MAX_COUNT = 50


def evaluation_check_open(session: Session, now: datetime | None = None) -> None:
    """The rubric opens at the session's start, for a session that took place."""
    if session.status == SessionStatus.CANCELLED:
        raise Conflict("This session was cancelled: there is nothing to evaluate.")
    if session.status == SessionStatus.NO_SHOW:
        raise Conflict("This session was reported as a no-show: there is nothing to evaluate.")
    if (now or timezone.now()) < session.start:
        opens = formats.date_format(timezone.localtime(session.start), "D j M, H:i")
        raise ValidationError(f"The rubric opens when the session starts ({opens}).")


def evaluation_save(
    *, session: Session, interviewer: User, data: dict, submit: bool = False, now: datetime | None = None
) -> Evaluation:
    """Save the interviewer's draft, or submit it as final.

    A draft may be partial, but every value given must be valid: scores 1 to 4, counts not
    negative. Submitting needs every dimension scored, a recommended level, a verdict, and
    strengths and improvements of at least a sentence each. One evaluation per session, by its
    interviewer, tied to the rubric version current when it was started; once submitted it
    no longer changes, the candidate is told, and rubric reminders are withdrawn. Nothing is
    written when a rule fails.
    """
    now = now or timezone.now()
    if session.interviewer_id != interviewer.pk:
        raise ValidationError("Only the session's interviewer fills its rubric.")
    evaluation_check_open(session, now)
    try:
        with transaction.atomic():
            # The session row is the lock: saves (and no-show reports) of one session queue up.
            session = session_for_user(interviewer, session.pk, write=True)
            evaluation_check_open(session, now)
            evaluation = _evaluation_locked(session, interviewer, now)
            if evaluation.is_submitted:
                raise Conflict("This evaluation was already submitted; it can no longer change.")
            dimensions = {d.key: d for d in evaluation.rubric.dimensions.all()}
            scores = {s.dimension_id: s for s in evaluation.scores.all()}
            errors = _apply(evaluation, dimensions, scores, data)
            if submit and not errors:
                errors = _complete(evaluation, dimensions, scores)
            if errors:
                raise ValidationError(errors)
            if submit:
                evaluation.status = EvaluationStatus.SUBMITTED
                evaluation.submitted_at = now
            evaluation.save()
            if submit:
                outbox_evaluation_submitted(session=session, now=now)
                transaction.on_commit(_refit_soon)
            for score in scores.values():
                score.evaluation = evaluation
            DimensionScore.objects.bulk_create(
                scores.values(),
                update_conflicts=True,
                unique_fields=["evaluation", "dimension"],
                update_fields=["score", "evidence"],
            )
    except IntegrityError as exc:  # a second evaluation raced this one in
        raise Conflict("This session already has an evaluation.") from exc
    return evaluation


def _evaluation_locked(session: Session, interviewer: User, now: datetime) -> Evaluation:
    evaluation = (
        Evaluation.objects.select_for_update().select_related("rubric").filter(session=session).first()
    )
    if evaluation is None:
        evaluation = Evaluation.objects.create(
            session=session, interviewer=interviewer, rubric=rubric_current(), created_at=now
        )
    return evaluation


def _apply(evaluation: Evaluation, dimensions: dict[str, Dimension], scores: dict, data: dict) -> dict:
    errors: dict[str, str] = {}
    for key, given in (data.get("scores") or {}).items():
        dimension = dimensions.get(key)
        if dimension is None:
            errors["scores"] = f"“{key}” is not a dimension of this rubric."
            continue
        score = scores.get(dimension.pk) or DimensionScore(dimension=dimension)
        value = given.get("score")
        if value not in (None, "") and (not isinstance(value, int) or value not in range(1, 5)):
            errors[f"score_{key}"] = f"{dimension.title}: scores run from 1 to 4."
            continue
        score.score = value if value not in (None, "") else None
        score.evidence = (given.get("evidence") or "").strip()
        scores[dimension.pk] = score
    for field in COUNTS:
        if field in data:
            value = data[field]
            if not isinstance(value, int) or value < 0:
                errors[field] = "Counts cannot be negative."
            elif value > MAX_COUNT:
                errors[field] = f"At most {MAX_COUNT}: count each intervention once."
            else:
                setattr(evaluation, field, value)
    if data.get("recommended_level") not in (None, "", *Level.values):
        errors["recommended_level"] = "Choose L3, L4 or L5+."
    elif "recommended_level" in data:
        evaluation.recommended_level = data["recommended_level"] or ""
    if data.get("verdict") not in (None, "", *Verdict.values):
        errors["verdict"] = "Choose a verdict."
    elif "verdict" in data:
        evaluation.verdict = data["verdict"] or ""
    for field in TEXTS:
        if field in data:
            setattr(evaluation, field, (data[field] or "").strip())
    return errors


def _complete(evaluation: Evaluation, dimensions: dict[str, Dimension], scores: dict) -> dict:
    errors = {}
    for key, dimension in dimensions.items():
        score = scores.get(dimension.pk)
        if score is None or score.score is None:
            errors[f"score_{key}"] = f"Score “{dimension.title}” before submitting."
    if not evaluation.recommended_level:
        errors["recommended_level"] = "Choose the level you would place the candidate at."
    if not evaluation.verdict:
        errors["verdict"] = "Choose an overall verdict."
    labels = {"strengths": "What went well", "improvements": "What to improve"}
    for field in TEXTS:
        if len(getattr(evaluation, field).split()) < MIN_FEEDBACK_WORDS:
            errors[field] = f"{labels[field]}: write at least a sentence, so the candidate can act on it."
    return errors


def rating_submit(*, session: Session, candidate: User, score: int, comment: str = "") -> InterviewerRating:
    """The candidate rates how useful the feedback was, once, after the evaluation arrived."""
    if session.candidate_id != candidate.pk:
        raise ValidationError("Only the session's candidate rates its interviewer.")
    if not isinstance(score, int) or score not in range(1, 6):
        raise ValidationError({"score": "Rate from 1 to 5."})
    if not Evaluation.objects.filter(session=session, status=EvaluationStatus.SUBMITTED).exists():
        raise Conflict("You can rate the interviewer once their feedback has arrived.")
    try:
        with transaction.atomic():
            return InterviewerRating.objects.create(
                session=session,
                candidate=candidate,
                interviewer=session.interviewer,
                score=score,
                comment=(comment or "").strip(),
            )
    except IntegrityError as exc:
        raise Conflict("You already rated this session.") from exc


def rubric_new_version(*, rubric: Rubric) -> Rubric:
    """A copy of `rubric` as the next version of its name, dimensions included."""
    latest = (
        Rubric.objects.filter(name=rubric.name).order_by("-version").values_list("version", flat=True).first()
    )
    copy = Rubric.objects.create(name=rubric.name, version=latest + 1, description=rubric.description)
    Dimension.objects.bulk_create(
        Dimension(
            **{f.name: getattr(d, f.name) for f in Dimension._meta.fields if f.name not in {"id", "rubric"}},
            rubric=copy,
        )
        for d in rubric.dimensions.all()
    )
    return copy


def _refit_soon() -> None:
    from rubrics.tasks import refit_placement

    try:
        refit_placement.delay()
    except Exception:  # the broker being away loses nothing: the nightly refit covers it
        logger.warning("could not enqueue refit_placement; the nightly refit will", exc_info=True)


KEEP_FITS_FOR = timedelta(days=30)


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
        result = model.fit(obs, warm=_warm_start(latest))
        placements = model.place(obs, result)
        fitted = PlacementFit.objects.create(
            evaluations=len(records),
            ratings=obs.ratings,
            candidates=len(obs.candidates),
            interviewers=len(obs.raters),
            seconds=0,
            converged=result.converged,
            reliability=model.interrater_alpha(obs),
            thresholds=[round(float(t), 4) for t in result.thresholds[model.SCORES]],
            difficulties={
                key: round(float(b), 4) for key, b in zip(dimensions, result.difficulty, strict=True)
            },
        )
        _store_placements(fitted, placements)
        _store_severities(fitted, obs, result)
        fitted.seconds = round(time.perf_counter() - started, 3)
        fitted.save(update_fields=["seconds"])
        # Earlier fits nothing points at any more, past the audit window, go.
        PlacementFit.objects.filter(fitted_at__lt=fitted.fitted_at - KEEP_FITS_FOR).exclude(
            pk__in=Placement.objects.values("fit")
        ).exclude(pk__in=InterviewerSeverity.objects.values("fit")).delete()
    return fitted


def _warm_start(latest: PlacementFit | None) -> dict | None:
    """Where the previous fit ended, as far as the stored rows say: the estimator starts there."""
    if latest is None or len(latest.thresholds) != 3:
        return None
    low, high = latest.thresholds[1], latest.thresholds[2]
    return {
        "thresholds": [latest.thresholds],
        "difficulty": latest.difficulties,
        "severity": dict(InterviewerSeverity.objects.values_list("interviewer_id", "severity")),
        "ability": {
            candidate: low + position * (high - low)
            for candidate, position in Placement.objects.values_list("candidate_id", "position")
        },
    }


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
        )
        for pk, candidate, interviewer, hints, guidance, clarifications, level in rows
    ]
    return records, dimensions


def _store_placements(fitted: PlacementFit, placements: list[model.Placement]) -> None:
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
        ],  # fmt: skip
        batch_size=500,
    )


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
            )
            for n, rater in enumerate(obs.raters)
        ],
        update_conflicts=True,
        unique_fields=["interviewer"],
        update_fields=["fit", "severity", "standard_error", "points", "evaluations"],
        batch_size=500,
    )
