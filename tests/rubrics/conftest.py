from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import SessionFactory, SlotFactory


@pytest.fixture
def past_session(candidate, interviewer):
    """A session between the candidate and interviewer personas that ended an hour ago."""
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    return SessionFactory(
        candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start), status="completed"
    )
