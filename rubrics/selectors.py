from datetime import datetime, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Abs
from django.http import Http404
from django.utils import timezone

from accounts.models import WAITING_FOR_STAFF, Level, User
from accounts.paging import JoinedAfterSlicing
from accounts.sql import id_set
from interviews.room.selectors import board_drawn, room_record
from interviews.sessions.models import Session, SessionStatus
from interviews.sessions.selectors import session_for_user
from rubrics.forms import RatingForm
from rubrics.models import (
    EVALUATION_DUE_AFTER,
    RUBRIC_NAME,
    Dimension,
    DimensionScore,
    Evaluation,
    EvaluationStatus,
    InterviewerRating,
    InterviewerSeverity,
    Placement,
    PlacementFit,
    Rubric,
)


def rubric_current() -> Rubric:
    """The latest version of the ML system design rubric, with its dimensions."""
    return (
        Rubric.objects.filter(name=RUBRIC_NAME)
        .prefetch_related(Prefetch("dimensions", queryset=Dimension.objects.order_by("order", "pk")))
        .order_by("-version")
        .first()
    )


def session_for_evaluation(user: User, pk, *, write: bool = False) -> Session:
    """The session whose rubric `user` fills: only its interviewer's. 404 for everyone else, the
    candidate included (page, API and service alike). `write` locks the session row."""
    session = session_for_user(user, pk, write=write)
    if session.interviewer_id != user.pk:
        raise Http404("Only the session's interviewer fills its rubric.")
    return session


def session_for_rating(user: User, pk) -> Session:
    """The session whose interviewer `user` rates: only its candidate's. 404 for everyone else."""
    session = session_for_user(user, pk)
    if session.candidate_id != user.pk:
        raise Http404("Only the session's candidate rates its interviewer.")
    return session


def evaluation_submitted_exists(session: Session) -> bool:
    return Evaluation.objects.filter(session=session, status=EvaluationStatus.SUBMITTED).exists()


def session_rubric_context(user: User, session: Session) -> dict:
    """The rubric's panel on the session page (interviews asks for it through its hooks): the
    evaluation as `user` may see it, the candidate's rating, when the rubric is due, and what the
    interview room kept: the board once the session is over, and the record (live for the
    interviewer, as submitted for the candidate)."""
    due = session.end + EVALUATION_DUE_AFTER
    evaluation = evaluation_for_user(user, session)
    if user.pk == session.interviewer_id:
        record = room_record(session)
    else:
        record = evaluation.room_record if evaluation is not None else {}
    return {
        "room_record": record,
        "room_board": timezone.now() >= session.end and board_drawn(session),
        "rubric_panel": True,
        "evaluation": evaluation,
        "evaluated": evaluation is not None and evaluation.is_submitted,
        "rating": InterviewerRating.objects.filter(session=session).first(),
        "rating_form": RatingForm(),
        "rubric_open": session.has_started()
        and session.status in (SessionStatus.SCHEDULED, SessionStatus.COMPLETED),
        "rubric_due": due,
        "rubric_overdue": timezone.now() > due,
        "study_levels": session.study_levels(),
    }


def room_note_dimensions(session: Session) -> list[tuple[str, str]]:
    """What a note in the session's room can be tagged with: the dimensions of its evaluation's
    rubric, or of the current one before the evaluation is started."""
    evaluation = Evaluation.objects.filter(session=session).select_related("rubric").first()
    rubric = evaluation.rubric if evaluation is not None else rubric_current()
    return [(d.key, d.title) for d in rubric.dimensions.order_by("order", "pk")]


def evaluation_for_user(user: User, session: Session) -> Evaluation | None:
    """The session's evaluation as `user` may see it: the interviewer always, the candidate once
    it is submitted. Call after the session's own access check."""
    evaluation = (
        Evaluation.objects.filter(session=session)
        .select_related("rubric")
        .prefetch_related(
            Prefetch("scores", queryset=DimensionScore.objects.select_related("dimension")),
            Prefetch("rubric__dimensions", queryset=Dimension.objects.order_by("order", "pk")),
        )
        .first()
    )
    if evaluation is None:
        return None
    if user.pk == session.interviewer_id or (user.pk == session.candidate_id and evaluation.is_submitted):
        return evaluation
    return None


def evaluation_or_404(user: User, session: Session) -> Evaluation:
    evaluation = evaluation_for_user(user, session)
    if evaluation is None:
        raise Http404("No evaluation to show.")
    return evaluation


def interviewer_reputation(interviewer_ids) -> dict[int, tuple[float, int]]:
    """{interviewer id: (average rating, count)} in one query."""
    rows = (
        InterviewerRating.objects.filter(interviewer_id__in=id_set(interviewer_ids))
        .values("interviewer_id")
        .annotate(average=Avg("score"), count=Count("pk"))
    )
    return {row["interviewer_id"]: (round(row["average"], 1), row["count"]) for row in rows}


def score_rows(evaluation_ids) -> dict[int, list[dict]]:
    """{evaluation id: [{"dimension": key, "score": ..., "evidence": ...}]} in rubric order, in one
    query and without model instances: what the API shows of scores, hundreds to a page (each as a
    model with its dimension cost about 50 microseconds)."""
    rows: dict[int, list[dict]] = {}
    for evaluation_id, dimension, score, evidence in (
        DimensionScore.objects.filter(evaluation_id__in=evaluation_ids)
        .order_by("dimension__order", "dimension_id")
        .values_list("evaluation_id", "dimension__key", "score", "evidence")
    ):
        rows.setdefault(evaluation_id, []).append(
            {"dimension": dimension, "score": score, "evidence": evidence}
        )
    return rows


def evaluations_received(candidate: User):
    """The submitted evaluations of `candidate`'s sessions, newest first, scores included."""
    return (
        Evaluation.objects.filter(session__candidate=candidate, status=EvaluationStatus.SUBMITTED)
        .select_related("session__interviewer", "session__question", "rubric")
        .prefetch_related(Prefetch("scores", queryset=DimensionScore.objects.select_related("dimension")))
        .order_by("-session__start", "-pk")
    )


def questions_had(candidate: User) -> QuerySet[Session]:
    """The candidate's sessions that took place, newest first, each with its question and
    `released`: whether the feedback, and with it the study pack, has arrived."""
    submitted = Evaluation.objects.filter(session=OuterRef("pk"), status=EvaluationStatus.SUBMITTED)
    return (
        Session.objects.filter(candidate=candidate, status=SessionStatus.COMPLETED)
        .select_related("question", "interviewer")
        .annotate(released=Exists(submitted))
        .order_by("-start", "-pk")
    )


TODO_LIMIT = 5
RATE_WITHIN = timedelta(days=30)


def todo_sessions(user: User, *, limit: int = TODO_LIMIT, now: datetime | None = None) -> list[Session]:
    """What the member owes, oldest first, in one query: rubrics to fill (sessions they interviewed
    that took place, with no submitted evaluation; `overdue` after 48 hours) and feedback to rate
    (their sessions as candidate from the last 30 days whose feedback arrived and is not rated).
    Each session gets `todo`: "rubric" or "rate"."""
    now = now or timezone.now()
    submitted = Evaluation.objects.filter(session=OuterRef("pk"), status=EvaluationStatus.SUBMITTED)
    rated = InterviewerRating.objects.filter(session=OuterRef("pk"))
    sessions = list(
        Session.objects.filter(Q(interviewer=user) | Q(candidate=user, end__gte=now - RATE_WITHIN))
        .filter(status=SessionStatus.COMPLETED)
        .annotate(evaluated=Exists(submitted), rated=Exists(rated))
        .filter(Q(interviewer=user, evaluated=False) | Q(candidate=user, evaluated=True, rated=False))
        .select_related("candidate", "interviewer")
        .order_by("end", "pk")[:limit]
    )
    for session in sessions:
        session.todo = "rubric" if session.interviewer_id == user.pk else "rate"
        session.rubric_due = session.end + EVALUATION_DUE_AFTER
        session.overdue = now > session.rubric_due
    return sessions


def placement_for(candidate: User) -> Placement | None:
    """The candidate's stored placement, if a fit has seen an evaluation of theirs (with its fit, but
    not where the fit ended: 400 KB of JSON at 20,000 candidates, on every dashboard)."""
    return (
        Placement.objects.filter(candidate=candidate).select_related("fit").defer("fit__parameters").first()
    )


def fit_latest() -> PlacementFit | None:
    """The latest fit for pages, without where the fit ended (`parameters`: 400 KB of JSON at 20,000
    candidates, read only by the next refit)."""
    return PlacementFit.objects.defer("parameters").order_by("-pk").first()


def calibration_overview() -> tuple[PlacementFit | None, JoinedAfterSlicing, int]:
    """The latest fit, the interviewers it estimated (those who need attention (a clear severity,
    or scores that scatter) first, then the furthest from the average) for a paginator to slice,
    and how many need attention."""
    fitted = fit_latest()
    severities = (
        InterviewerSeverity.objects.filter(fit=fitted)
        .with_flags()
        .order_by("-needs_attention", Abs("severity").desc(), "pk")
    )
    flagged = severities.filter(needs_attention=True).count()
    return fitted, JoinedAfterSlicing(severities, related=("interviewer",)), flagged


def vetting_queue(limit: int = 100) -> list[User]:
    """Interviewers waiting for staff, oldest first: new (not vetted yet) or claiming L5+; each
    with `provisional`, how many of their evaluations are provisional."""
    waiting = list(User.objects.filter(WAITING_FOR_STAFF).order_by("date_joined")[:limit])
    counts = dict(
        Evaluation.objects.filter(interviewer__in=waiting, provisional=True)
        .order_by()
        .values_list("interviewer_id")
        .annotate(count=Count("pk"))
    )
    for user in waiting:
        user.provisional = counts.get(user.pk, 0)
    return waiting


MEETS, CLOSE = 0.7, 0.3  # the chance a dimension meets the bar, for "meets" and "close"


def standing_rows(placement: Placement, dimensions: list[Dimension], company_type: str) -> list[dict]:
    """The placement's per-dimension standing in plain words, in rubric order, with the anchor
    that describes the bar (what the next level looks like on that dimension) and the dimension's
    weight in rounds of the candidate's target company type."""
    by_key = {d.key: d for d in dimensions}
    rows = []
    for item in placement.standing:
        dimension = by_key.get(item["key"])
        if dimension is None:  # a dimension the current rubric dropped
            continue
        bar = Level(item["bar"]).label
        p = item["probability"]
        status = "meets" if p >= MEETS else "close" if p >= CLOSE else "below"
        words = {"meets": "Meets", "close": "Close to", "below": "Below"}[status]
        rows.append(
            {
                **item,
                "title": dimension.title,
                "order": dimension.order,
                "status": status,
                "summary": f"{words} the {bar} bar",
                "bar_label": bar,
                "bar_anchor": getattr(dimension, f"anchor_{item['bar_score']}"),
                "weight": float(dimension.weight_for(company_type)),
            }
        )
    return sorted(rows, key=lambda row: row["order"])


def trajectory_points(placement: Placement, sessions: dict[int, tuple[int, datetime]]) -> list[dict]:
    """The estimate after each evaluation, with its session: `sessions` maps evaluation id to
    (session id, start). An evaluation not in it is left out."""
    return [
        {
            **point,
            "session": sessions[point["evaluation"]][0],
            "session_start": sessions[point["evaluation"]][1],
        }
        for point in placement.trajectory
        if point["evaluation"] in sessions
    ]


def work_on(rows: list[dict], limit: int = 3) -> list[dict]:
    """The dimensions to work on first: the shortfall from the next level's bar (the chance of not
    meeting it), weighted by how much the dimension counts in the target company type's rounds
    (scale weighs more for FAANG, framing for startups)."""
    short = [row for row in rows if row["status"] != "meets"]
    return sorted(short, key=lambda row: (-(1 - row["probability"]) * row["weight"], row["order"]))[:limit]


def placement_summary(
    candidate: User,
    *,
    sessions: dict[int, tuple[int, datetime]],
    dimensions: list[Dimension] | None = None,
    received: int | None = None,
) -> dict:
    """The candidate's placement as the feedback page and the API show it. `sessions` maps the
    evaluations they received (all, or the latest the page draws) to (session id, start);
    `received` counts them all when `sessions` holds only some; `dimensions` default to the
    current rubric's.

    `status` is none (no evaluation yet), pending (not fitted yet) or ready, with the rest.
    """
    placement = placement_for(candidate) if sessions else None
    if placement is None:
        if sessions:
            return {
                "status": "pending",
                "detail": "Your first evaluation is being turned into a placement; ask again in a moment.",
            }
        return {
            "status": "none",
            "detail": "No evaluations yet: book a mock interview; your placement follows its evaluation.",
        }
    if dimensions is None:
        dimensions = list(rubric_current().dimensions.all())
    rows = standing_rows(placement, dimensions, candidate.target_company_type)
    return {
        "status": "ready",
        "placement": placement,
        "level": placement.level,
        "confidence": placement.confidence,
        "probabilities": placement.probabilities,
        "provisional": placement.provisional,
        "evaluations": placement.evaluations,
        "up_to_date": placement.evaluations >= (len(sessions) if received is None else received),
        "fitted_at": placement.fit.fitted_at,
        "standing": rows,
        "work_on": work_on(rows),
        "trajectory": trajectory_points(placement, sessions),
        "movement": placement.movement,
        "movement_words": placement.movement_words,
        "forecast": placement.forecast,
    }
