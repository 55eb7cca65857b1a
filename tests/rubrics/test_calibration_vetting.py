"""A calibration record vets a new interviewer: enough evaluations of candidates other
interviewers scored too, and a severity within bounds. It also stands in for L5+ approval."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from rubrics.models import Evaluation
from rubrics.refit import placement_refit
from rubrics.selectors import rubric_current
from rubrics.services import evaluation_save
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


def _evaluate(interviewer, candidate, score, hours_ago):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=hours_ago)
    session = SessionFactory(
        candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start), status="completed",
        target_level="L4",
    )  # fmt: skip
    data = {
        "scores": {d.key: {"score": score, "evidence": ""} for d in rubric_current().dimensions.all()},
        "recommended_level": "L4",
        "verdict": "yes",
        "strengths": "Clear framing of the objective and a solid baseline model.",
        "improvements": "Go deeper on labelling: delayed labels and position bias matter here.",
    }
    return evaluation_save(session=session, interviewer=interviewer, data=data, submit=True, now=session.end)


def _newbie(name, **fields):
    return UserFactory(
        display_name=name, is_interviewer=True, interviewer_level="L4", company_experience="both",
        sessions_per_week=5, **fields,
    )  # fmt: skip


@pytest.fixture
def panel():
    return [InterviewerFactory(sessions_per_week=10) for _ in range(2)]


def test_a_new_interviewer_in_line_with_the_others_is_vetted_and_their_claim_approved(panel):
    newbie = _newbie("Nina", level_claim="L5")
    candidates = [UserFactory() for _ in range(4)]
    hours = 200
    for n, candidate in enumerate(candidates):
        score = 2 + n % 2
        for interviewer in (*panel, newbie):
            _evaluate(interviewer, candidate, score, hours_ago=hours)
            hours -= 3
    assert Evaluation.objects.filter(interviewer=newbie, provisional=True).count() == 4
    placement_refit(force=True)
    newbie = User.objects.get(pk=newbie.pk)
    assert newbie.interviewer_vetted_at is not None
    assert (newbie.interviewer_level, newbie.level_claim) == ("L5", "")
    assert not Evaluation.objects.filter(interviewer=newbie, provisional=True).exists()


def test_a_harsh_or_isolated_new_interviewer_stays_new(panel):
    harsh, alone = _newbie("Hank"), _newbie("Ali")
    candidates = [UserFactory() for _ in range(4)]
    hours = 300
    for candidate in candidates:
        for interviewer in panel:
            _evaluate(interviewer, candidate, 4, hours_ago=hours)
            hours -= 3
        _evaluate(harsh, candidate, 1, hours_ago=hours)
        hours -= 3
    for _ in range(4):  # candidates nobody else scored
        _evaluate(alone, UserFactory(), 3, hours_ago=hours)
        hours -= 3
    placement_refit(force=True)
    assert User.objects.get(pk=harsh.pk).interviewer_vetted_at is None
    assert User.objects.get(pk=alone.pk).interviewer_vetted_at is None
    assert Evaluation.objects.filter(interviewer=harsh, provisional=True).count() == 4
