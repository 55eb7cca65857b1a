import pytest

from tests.factories import SlotFactory


@pytest.fixture
def slot(interviewer):
    return SlotFactory(interviewer=interviewer)
