"""The dashboard as a member meets it: what they owe first, then what comes next; staff see the
platform's health."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.notifications.models import OutboxMessage
from interviews.scheduling.models import AvailabilityWindow
from rubrics.models import InterviewerRating
from rubrics.services import evaluation_save
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _past(candidate, interviewer, hours_ago, now=None):
    start = (now or timezone.now()).replace(second=0, microsecond=0) - timedelta(hours=hours_ago)
    return SessionFactory(
        candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start), status="completed"
    )


def test_an_interviewer_sees_the_rubrics_they_owe_due_and_overdue(client, candidate, interviewer):
    _past(candidate, interviewer, hours_ago=3)
    _past(candidate, interviewer, hours_ago=72)
    AvailabilityWindow.objects.create(
        interviewer=interviewer, weekday=0, start_time="09:00", end_time="12:00"
    )
    client.force_login(interviewer)
    page = client.get(reverse("home")).content.decode()
    assert page.count("Fill the rubric for") == 2
    assert page.count(">Overdue<") == 1
    assert "Publish your weekly availability" not in page


def test_a_candidate_is_asked_to_rate_feedback_that_arrived_and_only_once(
    client, candidate, interviewer, full_data
):
    session = _past(candidate, interviewer, hours_ago=5)
    client.force_login(candidate)
    assert "Rate <strong>" not in client.get(reverse("home")).content.decode()  # no feedback yet
    evaluation_save(session=session, interviewer=interviewer, data=full_data, submit=True)
    assert "Rate <strong>Ivan Test</strong>'s feedback" in client.get(reverse("home")).content.decode()
    InterviewerRating.objects.create(session=session, candidate=candidate, interviewer=interviewer, score=5)
    assert "To do" not in client.get(reverse("home")).content.decode()


def test_a_new_interviewer_is_asked_to_publish_availability(client):
    newcomer = InterviewerFactory()
    client.force_login(newcomer)
    page = client.get(reverse("home")).content.decode()
    assert "Publish your weekly availability" in page
    assert reverse("availability") in page


@pytest.mark.parametrize("owed", [1, 12])
def test_the_to_do_list_is_bounded_and_its_queries_fixed(
    client, candidate, interviewer, owed, django_assert_num_queries
):
    now = timezone.now()  # one clock: sessions an hour apart stay so across a minute's turn
    for hours in range(owed):
        _past(candidate, interviewer, hours_ago=3 + hours, now=now)
    client.force_login(interviewer)
    # session, user, the to-do list, the next three sessions, the placement, the windows check
    with django_assert_num_queries(6):
        page = client.get(reverse("home")).content.decode()
    assert page.count("Fill the rubric for") == min(owed, 5)


def test_staff_land_on_the_platforms_health(client, staff, candidate, interviewer):
    session = _past(candidate, interviewer, hours_ago=3)
    OutboxMessage.objects.create(
        recipient=candidate, kind="feedback_ready", session=session, due_at=timezone.now(),
        next_attempt_at=timezone.now(), attempts=OutboxMessage.MAX_ATTEMPTS,
    )  # fmt: skip
    newcomer = InterviewerFactory(display_name="Nina Newcomer", interviewer_vetted_at=None)
    client.force_login(staff)
    page = client.get(reverse("home")).content.decode()
    assert "Platform health" in page
    assert "need a look" in page
    assert newcomer.name in page  # the vetting queue


def test_no_show_is_not_offered_once_the_rubric_is_submitted(client, candidate, interviewer, full_data):
    session = _past(candidate, interviewer, hours_ago=1)
    client.force_login(candidate)
    assert "Report a no-show" in client.get(reverse("session-detail", args=[session.pk])).content.decode()
    evaluation_save(session=session, interviewer=interviewer, data=full_data, submit=True)
    assert "Report a no-show" not in client.get(reverse("session-detail", args=[session.pk])).content.decode()
