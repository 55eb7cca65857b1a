"""Placement as members meet it: the refit after a submission, the pages, the API, access."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from rubrics.models import InterviewerSeverity, Placement, PlacementFit
from rubrics.refit import placement_refit
from rubrics.services import evaluation_save
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _evaluate(candidate, interviewer, rubric, *, days_ago: int, score: int, level: str, submit=True):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(days=days_ago)
    session = SessionFactory(
        candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start), status="completed"
    )
    data = {
        "scores": {d.key: {"score": score, "evidence": ""} for d in rubric.dimensions.all()},
        "hints": 4 - score,
        "guidance": 1,
        "clarifications": 1,
        "recommended_level": level,
        "verdict": "yes",
        "strengths": "Clear framing of the objective and a solid baseline model.",
        "improvements": "Go deeper on labelling: delayed labels and position bias matter here.",
    }
    return evaluation_save(session=session, interviewer=interviewer, data=data, submit=submit)


@pytest.fixture
def eager_celery():
    """Tasks queued on commit run at once, in this process (the worker's code path)."""
    previous, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
    yield
    celery_app.conf.task_always_eager = previous


def test_placement_updates_after_each_submitted_evaluation(
    candidate, interviewer, rubric, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _evaluate(candidate, interviewer, rubric, days_ago=9, score=2, level="L3")
    first = Placement.objects.get(candidate=candidate)
    assert first.level == "L3" and first.evaluations == 1 and first.provisional

    with django_capture_on_commit_callbacks(execute=True):
        _evaluate(candidate, interviewer, rubric, days_ago=2, score=4, level="L5")
    second = Placement.objects.get(candidate=candidate)
    assert second.evaluations == 2 and not second.provisional
    assert second.position > first.position and second.fit_id != first.fit_id
    assert len(second.trajectory) == 2 and second.trajectory[0]["level"] == "L3"
    assert InterviewerSeverity.objects.get().evaluations == 2


def test_a_draft_does_not_refit_and_a_refit_with_nothing_new_is_skipped(candidate, interviewer, rubric):
    _evaluate(candidate, interviewer, rubric, days_ago=3, score=3, level="L4", submit=False)
    assert placement_refit() is None and not PlacementFit.objects.exists()

    _evaluate(candidate, interviewer, rubric, days_ago=5, score=3, level="L4")
    fitted = placement_refit()
    assert fitted.evaluations == 1 and fitted.ratings == rubric.dimensions.count()
    assert placement_refit() is None  # nothing new: the queued refit coalesces
    assert placement_refit(force=True).pk != fitted.pk  # the nightly run refits anyway
    assert PlacementFit.objects.count() == 2 and Placement.objects.count() == 1


class TestFeedbackHistoryPage:
    def test_without_evaluations_it_says_how_to_get_one(self, client, candidate):
        client.force_login(candidate)
        page = client.get(reverse("feedback-history")).content.decode()
        assert (
            "No feedback yet" in page and reverse("find-slot") in page and reverse("match-requests") in page
        )

    def test_it_shows_the_placement_the_charts_and_every_evaluation(
        self, client, candidate, interviewer, rubric
    ):
        older = _evaluate(candidate, interviewer, rubric, days_ago=20, score=2, level="L3")
        newer = _evaluate(candidate, interviewer, rubric, days_ago=6, score=3, level="L4")
        placement_refit()
        client.force_login(candidate)
        page = client.get(reverse("feedback-history")).content.decode()
        placement = Placement.objects.get(candidate=candidate)
        assert f'Estimated level: <span class="level">{placement.get_level_display()}</span>' in page
        assert "Provisional" not in page and "What to work on" in page
        # The trend, drawn wide and narrow (for phones): one point per evaluation in each.
        assert page.count('r="5"></circle>') == 2 * 2
        assert page.count('<svg class="sparkline"') == rubric.dimensions.count()  # each dimension's scores
        assert "Estimate after each evaluation" in page  # the table beside the chart
        listed = page[page.index("Evaluations received") :]  # newest first, each linking to its session
        assert (
            0
            < listed.index(newer.session.get_absolute_url())
            < listed.index(older.session.get_absolute_url())
        )

    def test_a_single_evaluation_is_marked_provisional(self, client, candidate, interviewer, rubric):
        _evaluate(candidate, interviewer, rubric, days_ago=4, score=3, level="L4")
        placement_refit()
        client.force_login(candidate)
        assert "Provisional" in client.get(reverse("feedback-history")).content.decode()

    def test_a_submission_not_fitted_yet_says_so(self, client, candidate, interviewer, rubric):
        _evaluate(candidate, interviewer, rubric, days_ago=4, score=3, level="L4")
        client.force_login(candidate)
        assert "being turned into a placement" in client.get(reverse("feedback-history")).content.decode()

    @pytest.mark.parametrize("evaluations", [1, 4])
    def test_the_page_has_a_fixed_query_count(
        self, client, candidate, interviewer, rubric, evaluations, django_assert_num_queries
    ):
        for n in range(evaluations):
            _evaluate(candidate, interviewer, rubric, days_ago=3 + 7 * n, score=2 + n % 3, level="L4")
        placement_refit()
        client.force_login(candidate)
        # session, user, evaluations with sessions, their scores, the placement, rubric, its dimensions
        with django_assert_num_queries(7):
            assert client.get(reverse("feedback-history")).status_code == 200

    def test_a_long_history_costs_one_page_of_work(
        self, client, candidate, interviewer, rubric, django_assert_max_num_queries
    ):
        for n in range(15):
            _evaluate(candidate, interviewer, rubric, days_ago=3 + 2 * n, score=2 + n % 3, level="L4")
        placement_refit()
        client.force_login(candidate)
        # the seven above, and a count of all the evaluations once the latest twelve fill the page
        with django_assert_max_num_queries(8):
            page = client.get(reverse("feedback-history")).content.decode()
        assert page.count("Read feedback") == 12
        assert "And 3 earlier evaluations" in page
        assert "from 15 evaluations" in page  # the estimate still rests on them all

    def test_a_member_sees_only_their_own_feedback(self, client, candidate, interviewer, outsider, rubric):
        mine = _evaluate(candidate, interviewer, rubric, days_ago=4, score=2, level="L3")
        theirs = _evaluate(outsider, interviewer, rubric, days_ago=5, score=4, level="L5")
        placement_refit()
        levels = {p.candidate_id: p.get_level_display() for p in Placement.objects.all()}
        assert levels[candidate.pk] != levels[outsider.pk]
        client.force_login(outsider)
        page = client.get(reverse("feedback-history")).content.decode()
        assert f'<span class="level">{levels[outsider.pk]}</span>' in page
        assert theirs.session.get_absolute_url() in page and mine.session.get_absolute_url() not in page
        client.force_login(interviewer)  # the evaluator is not the candidate either
        assert "No feedback yet" in client.get(reverse("feedback-history")).content.decode()


class TestApi:
    def test_placement_and_evaluations_are_the_callers_own(
        self, api_client, candidate, interviewer, outsider, rubric
    ):
        evaluation = _evaluate(candidate, interviewer, rubric, days_ago=8, score=3, level="L4")
        api_client.force_authenticate(candidate)
        pending = api_client.get(reverse("api-my-placement")).json()
        assert pending["status"] == "pending" and "moment" in pending["detail"]

        placement_refit()
        body = api_client.get(reverse("api-my-placement")).json()
        assert body["status"] == "ready" and body["provisional"] is True and body["up_to_date"] is True
        assert body["level"] in {"L3", "L4", "L5"} and sum(body["probabilities"].values()) == pytest.approx(
            1, abs=0.01
        )
        assert [p["session"] for p in body["trajectory"]] == [evaluation.session_id]
        assert {row["key"] for row in body["standing"]} == {d.key for d in rubric.dimensions.all()}
        assert set(body["work_on"]) <= {row["key"] for row in body["standing"]}
        listed = api_client.get(reverse("api-my-evaluations")).json()
        assert listed["count"] == 1 and listed["results"][0]["session"] == evaluation.session_id
        assert listed["results"][0]["interviewer"] == interviewer.name

        api_client.force_authenticate(outsider)
        assert api_client.get(reverse("api-my-placement")).json()["status"] == "none"
        assert api_client.get(reverse("api-my-evaluations")).json()["count"] == 0
        theirs = _evaluate(outsider, interviewer, rubric, days_ago=3, score=4, level="L5")
        placement_refit()
        body = api_client.get(reverse("api-my-placement")).json()
        assert [p["session"] for p in body["trajectory"]] == [theirs.session_id]
        assert [e["session"] for e in api_client.get(reverse("api-my-evaluations")).json()["results"]] == [
            theirs.session_id
        ]

    def test_anonymous_callers_are_refused(self, api_client):
        assert api_client.get(reverse("api-my-placement")).status_code == 403
        assert api_client.get(reverse("api-my-evaluations")).status_code == 403


class TestStaffCalibration:
    def test_staff_see_severities_ratings_and_reliability(self, client, staff, candidate, rubric, outsider):
        harsh, kind = (
            InterviewerFactory(display_name="Hana Harsh"),
            InterviewerFactory(display_name="Kim Kind"),
        )
        for n in range(3):
            _evaluate(candidate, harsh, rubric, days_ago=30 - n, score=2, level="L3")
            _evaluate(candidate, kind, rubric, days_ago=20 - n, score=4, level="L5")
            _evaluate(outsider, harsh, rubric, days_ago=15 - n, score=2, level="L3")
            _evaluate(outsider, kind, rubric, days_ago=10 - n, score=4, level="L5")
        fitted = placement_refit()
        client.force_login(staff)
        page = client.get(reverse("staff-calibration")).content.decode()
        assert "Hana Harsh" in page and "Kim Kind" in page and "needs calibration" in page
        assert fitted.reliability is not None and fitted.reliability < 0.2
        assert f"α = <strong>{fitted.reliability:.2f}</strong>" in page and "low agreement" in page
        severities = {
            s.interviewer.name: s for s in InterviewerSeverity.objects.select_related("interviewer")
        }
        assert severities["Hana Harsh"].points > 0.25 > -0.25 > severities["Kim Kind"].points

    def test_before_any_fit_it_says_what_will_appear(self, client, staff):
        client.force_login(staff)
        assert "No fit yet" in client.get(reverse("staff-calibration")).content.decode()

    def test_members_are_refused(self, client, candidate):
        client.force_login(candidate)
        response = client.get(reverse("staff-calibration"))
        assert response.status_code == 403 and b"Staff only." in response.content
