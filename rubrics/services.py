"""Writes for rubrics: an interviewer's evaluation, a candidate's rating, rubric versions.

The placement refit that evaluations feed is rubrics.refit."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from accounts.credits import credit_post, earning_for
from accounts.errors import Conflict
from accounts.models import CreditCause, Level, User
from accounts.queue import enqueue_on_commit
from interviews.room.selectors import room_record
from interviews.sessions.models import Session, SessionStatus
from rubrics.messages import outbox_evaluation_submitted
from rubrics.models import (
    MAX_COUNT,
    Dimension,
    DimensionScore,
    Evaluation,
    EvaluationStatus,
    InterviewerRating,
    Placement,
    Rubric,
    Verdict,
)
from rubrics.selectors import (
    evaluation_submitted_exists,
    rubric_current,
    session_for_evaluation,
    session_for_rating,
)

COUNTS = ("hints", "guidance", "clarifications")
TEXTS = ("strengths", "improvements")
MIN_FEEDBACK_WORDS = 4


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
    strengths and improvements of at least a sentence each. An evaluation by an interviewer staff
    have not vetted yet is marked provisional. One evaluation per session, by its
    interviewer, tied to the rubric version current when it was started; once submitted it
    no longer changes, the candidate is told, rubric reminders are withdrawn, and the interviewer
    earns credits (more when their level is above the candidate's target). Nothing is written
    when a rule fails.
    """
    now = now or timezone.now()
    session = session_for_evaluation(interviewer, session.pk)
    evaluation_check_open(session, now)
    try:
        with transaction.atomic():
            # The session row is the lock: saves (and no-show reports) of one session queue up.
            session = session_for_evaluation(interviewer, session.pk, write=True)
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
                evaluation.provisional = interviewer.interviewer_vetted_at is None
                evaluation.room_record = room_record(session)
            evaluation.save()
            if submit:
                outbox_evaluation_submitted(session=session, now=now)
                credit_post(
                    user=interviewer,
                    amount=earning_for(
                        interviewer_level=interviewer.interviewer_level, target_level=session.target_level
                    ),
                    cause=CreditCause.EARNED,
                    session_id=session.pk,
                    note="Rubric submitted",  # no names: the ledger is exported and kept per member
                )
                enqueue_on_commit("rubrics.tasks.refit_placement")
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
    session = session_for_rating(candidate, session.pk)
    if not isinstance(score, int) or score not in range(1, 6):
        raise ValidationError({"score": "Rate from 1 to 5."})
    if not evaluation_submitted_exists(session):
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


def evaluations_confirm(*, evaluations=None, interviewer: User | None = None) -> int:
    """Staff confirm provisional evaluations: these, or all of a vetted interviewer's."""
    queryset = Evaluation.objects.filter(provisional=True)
    if interviewer is not None:
        queryset = queryset.filter(interviewer=interviewer)
    if evaluations is not None:
        queryset = queryset.filter(pk__in=[e.pk for e in evaluations])
    return queryset.update(provisional=False)


def interviewer_vetted(user: User) -> None:
    evaluations_confirm(interviewer=user)


def placement_erase(user: User) -> None:
    """A member left: their own level estimate goes (the evaluations stay: others' severities and
    the fit rest on them)."""
    Placement.objects.filter(candidate=user).delete()
