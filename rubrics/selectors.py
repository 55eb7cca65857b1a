from django.db.models import Avg, Count, Prefetch
from django.http import Http404

from accounts.models import User
from interviews.models import Session
from rubrics.models import Dimension, DimensionScore, Evaluation, InterviewerRating, Rubric
from rubrics.seed import RUBRIC_NAME


def rubric_current() -> Rubric:
    """The latest version of the ML system design rubric, with its dimensions."""
    return (
        Rubric.objects.filter(name=RUBRIC_NAME)
        .prefetch_related(Prefetch("dimensions", queryset=Dimension.objects.order_by("order", "pk")))
        .order_by("-version")
        .first()
    )


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
        InterviewerRating.objects.filter(interviewer_id__in=interviewer_ids)
        .values("interviewer_id")
        .annotate(average=Avg("score"), count=Count("pk"))
    )
    return {row["interviewer_id"]: (round(row["average"], 1), row["count"]) for row in rows}
