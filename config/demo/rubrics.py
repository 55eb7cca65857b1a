"""Demo evaluations for `manage.py seed_demo`: cara's past sessions scored (she improves), sam's
too; cara's most recent session is left for ivan to evaluate. Idempotent."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from interviews.notifications.models import OutboxMessage
from interviews.sessions.models import Session, SessionStatus
from rubrics.models import Evaluation
from rubrics.refit import placement_refit
from rubrics.selectors import rubric_current
from rubrics.services import evaluation_save

# Per session, oldest first: (scores in the current rubric's dimension order, hints, guidance,
# clarifications, level, verdict).
CARA = [
    ([2, 2, 1, 2, 2, 1, 2, 1, 2, 2, 2, 2], 4, 3, 2, "L3", "no"),
    ([2, 2, 2, 2, 3, 2, 2, 2, 2, 2, 2, 3], 3, 2, 2, "L3", "yes"),
    ([3, 3, 2, 3, 3, 3, 2, 2, 3, 2, 3, 3], 2, 1, 1, "L4", "yes"),
]
SAM = [([3, 3, 3, 3, 4, 3, 3, 2, 3, 3, 3, 4], 1, 1, 0, "L4", "yes")]

FEEDBACK = {
    "strengths": "You clarified the objective early and compared two models on latency and accuracy "
    "before choosing.",
    "improvements": "Spend more time on data: how labels are collected, their delay and bias, before "
    "features and models.",
}


def seed_evaluations(users: dict[str, User]) -> None:
    dimensions = list(rubric_current().dimensions.all())
    now = timezone.now()
    for email, plan in (("cara@example.com", CARA), ("sam@example.com", SAM)):
        past = list(
            Session.objects.filter(
                candidate=users[email], status=SessionStatus.COMPLETED, end__lt=now - timedelta(days=2)
            )
            .order_by("start")
            .select_related("interviewer", "candidate")
        )
        for session, (scores, hints, guidance, clarifications, level, verdict) in zip(
            past, plan, strict=False
        ):
            if Evaluation.objects.filter(session=session).exists():
                continue
            evaluation_save(
                session=session,
                interviewer=session.interviewer,
                submit=True,
                now=session.end + timedelta(hours=3),
                data={
                    "scores": {
                        d.key: {"score": s, "evidence": ""} for d, s in zip(dimensions, scores, strict=True)
                    },
                    "hints": hints,
                    "guidance": guidance,
                    "clarifications": clarifications,
                    "recommended_level": level,
                    "verdict": verdict,
                    **FEEDBACK,
                },
            )
            # History, not news: nobody is owed an e-mail about a weeks-old demo evaluation.
            OutboxMessage.objects.filter(session=session, sent_at__isnull=True).update(withdrawn_at=now)
    # The queued refit would do it within moments; the demo shows placements from the first page.
    placement_refit()
