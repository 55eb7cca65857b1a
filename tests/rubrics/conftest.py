from datetime import timedelta

import pytest
from django.utils import timezone

from rubrics.selectors import rubric_current
from tests.factories import SessionFactory, SlotFactory


@pytest.fixture
def rubric(db):
    return rubric_current()


@pytest.fixture
def past_session(candidate, interviewer):
    """A session between the candidate and interviewer personas that ended an hour ago."""
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    return SessionFactory(
        candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start), status="completed"
    )


@pytest.fixture
def full_data(rubric):
    return {
        "scores": {d.key: {"score": 3, "evidence": ""} for d in rubric.dimensions.all()},
        "hints": 1,
        "guidance": 2,
        "clarifications": 0,
        "recommended_level": "L4",
        "verdict": "yes",
        "strengths": "Clear framing of the objective and a solid baseline model.",
        "improvements": "Go deeper on labelling: delayed labels and position bias matter here.",
    }
