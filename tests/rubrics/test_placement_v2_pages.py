"""Placement v2 as people meet it: how fast a candidate moves, when the next bar comes, and raters
who scatter, flagged first on the staff page, a page at a time."""

from datetime import timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from rubrics.estimator import LEVELS
from rubrics.models import InterviewerSeverity, Placement, PlacementFit
from rubrics.refit import placement_refit
from rubrics.services import evaluation_save
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory
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


def test_a_rater_who_scores_at_random_is_flagged_erratic_on_the_staff_page(client, staff, rubric):
    """End to end: evaluations through the service, the refit, the page (not hand-made rows)."""
    rng = np.random.default_rng(5)
    keys = [d.key for d in rubric.dimensions.all()]
    steady = [InterviewerFactory(display_name=f"Steady {n}") for n in range(4)]
    scatter = InterviewerFactory(display_name="Sam Scatter")
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=60)
    for n in range(18):
        candidate, level = UserFactory(), n % 3
        for rater in (*rng.choice(steady, 2, replace=False), scatter):
            if rater is scatter:
                scores = rng.integers(1, 5, len(keys))
            else:
                scores = np.clip(level + 2 + rng.choice([-1, 0, 0, 0, 1], len(keys)), 1, 4)
            start += timedelta(hours=2)
            session = SessionFactory(
                candidate=candidate, slot=SlotFactory(interviewer=rater, start=start), status="completed"
            )
            data = {
                "scores": {k: {"score": int(s), "evidence": ""} for k, s in zip(keys, scores, strict=True)},
                "hints": 2 - level, "guidance": 1, "clarifications": 0, "recommended_level": LEVELS[level],
                "verdict": "yes", "strengths": "Framed the objective clearly.",
                "improvements": "Go deeper on labelling and delayed feedback.",
            }  # fmt: skip
            evaluation_save(session=session, interviewer=rater, data=data, submit=True)
    placement_refit()
    flagged = {row.interviewer_id for row in InterviewerSeverity.objects.filter(erratic=True)}
    assert flagged == {scatter.pk}
    client.force_login(staff)
    page = client.get(reverse("staff-calibration")).content.decode()
    row = page[page.index("Sam Scatter") :].split("</tr>", 1)[0]
    assert ">erratic<" in row
    assert page.count(">erratic<") == 1
