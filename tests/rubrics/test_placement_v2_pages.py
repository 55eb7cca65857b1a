"""Placement v2 as people meet it: how fast a candidate moves, when the next bar comes, and raters
who scatter, flagged first on the staff page, a page at a time."""

import pytest
from django.urls import reverse

from rubrics.models import InterviewerSeverity, Placement, PlacementFit
from rubrics.refit import placement_refit
from tests.factories import InterviewerFactory
from tests.rubrics.test_placement_pages import _evaluate

pytestmark = pytest.mark.django_db


@pytest.fixture
def fit(db):
    return PlacementFit.objects.create(
        evaluations=6, ratings=60, candidates=1, interviewers=2, seconds=0.1, rejected=1,
        source_weights={"scores": 1.0, "recommended_level": 0.8, "interventions": 0.1},
        level_shares={"L3": 0.5, "L4": 0.35, "L5": 0.15},
    )  # fmt: skip


def test_movement_and_forecast_in_plain_words(candidate, fit):
    Placement.objects.create(
        candidate=candidate, fit=fit, level="L3", confidence=0.7,
        probabilities={"L3": 0.7, "L4": 0.3, "L5": 0}, position=-0.2, evaluations=4, provisional=False,
        movement=1.1, movement_sd=0.3,
        forecast={"level": "L4", "sessions": 2.4, "low": 1.2, "high": 4.6},
    )  # fmt: skip
    placement = Placement.objects.get()
    assert placement.movement_words == "Up about one band in the last four sessions."
    assert placement.forecast_words == "At this pace, the L4 bar in about 2 sessions (likely 1 to 5)."
    placement.movement, placement.forecast = 0.1, None
    assert placement.movement_words == "Holding steady in your last sessions."
    assert placement.forecast_words == ""


def test_the_page_and_the_api_say_how_fast_the_candidate_moves(
    client, api_client, candidate, interviewer, rubric
):
    for days_ago, score, level in ((30, 2, "L3"), (20, 3, "L4"), (10, 4, "L5")):
        _evaluate(candidate, interviewer, rubric, days_ago=days_ago, score=score, level=level)
    placement_refit()
    placement = Placement.objects.get(candidate=candidate)
    assert placement.movement is not None
    assert placement.movement > 0  # scored higher each time
    client.force_login(candidate)
    assert placement.movement_words in client.get(reverse("feedback-history")).content.decode()
    api_client.force_authenticate(candidate)
    body = api_client.get(reverse("api-my-placement")).json()
    assert body["movement_words"] == placement.movement_words
    assert body["movement"] == placement.movement


def test_the_staff_page_puts_erratic_and_harsh_raters_first(client, staff, fit):
    calm = InterviewerFactory(display_name="Carl Calm")
    scatter = InterviewerFactory(display_name="Erin Erratic")
    harsh = InterviewerFactory(display_name="Hana Harsh")
    for person, erratic, severity, points, infit in (
        (calm, False, 0.05, 0.02, 1.0),
        (scatter, True, 0.0, 0.0, 1.9),
        (harsh, False, 0.9, 0.6, 1.1),
    ):
        InterviewerSeverity.objects.create(
            interviewer=person, fit=fit, severity=severity, standard_error=0.2, points=points, evaluations=6,
            infit=infit, outfit=infit, erratic=erratic, scale_spread=1.0,
        )  # fmt: skip
    client.force_login(staff)
    page = client.get(reverse("staff-calibration")).content.decode()
    order = [page.index(name) for name in ("Hana Harsh", "Erin Erratic", "Carl Calm")]
    assert order[2] > max(order[:2])  # those needing attention first
    assert "2 need attention" in page
    assert ">erratic<" in page
    assert "Interventions 0.10" in page  # the evidence weights the data gave
    assert "1 evaluation</span> with impossible values" in page


@pytest.mark.parametrize("raters", [3, 70])
def test_the_staff_page_is_paged_with_fixed_queries(client, staff, fit, raters, django_assert_num_queries):
    for n in range(raters):
        InterviewerSeverity.objects.create(
            interviewer=InterviewerFactory(),
            fit=fit,
            severity=n / 100,
            standard_error=0.2,
            points=0.0,
            evaluations=3,
        )
    client.force_login(staff)
    # session, user, the fit, the count, the page of raters, their ratings, the flagged count,
    # the vetting queue
    with django_assert_num_queries(8):
        page = client.get(reverse("staff-calibration")).content.decode()
    assert page.count('data-label="Evaluations"') == min(raters, 50)
