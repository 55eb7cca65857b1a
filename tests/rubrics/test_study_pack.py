"""After the session: the study pack (hidden until the feedback is released, never for outsiders),
the question library, rubric version 2 beside version 1, and what the company weights change."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from rubrics.models import Evaluation, Placement, PlacementFit, Rubric
from rubrics.refit import placement_refit
from rubrics.selectors import standing_rows, work_on
from rubrics.services import evaluation_save
from tests.factories import SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


NOTE = "Named the label delay unprompted."


def _submit(session, interviewer, rubric, score=3):
    data = {
        "scores": {d.key: {"score": score, "evidence": NOTE} for d in rubric.dimensions.all()},
        "hints": 1, "guidance": 1, "clarifications": 0, "recommended_level": "L4", "verdict": "yes",
        "strengths": "Clear framing of the objective and a solid baseline model.",
        "improvements": "Go deeper on labelling: delayed labels and position bias matter here.",
    }  # fmt: skip
    return evaluation_save(session=session, interviewer=interviewer, data=data, submit=True)


class TestStudyPack:
    def test_hidden_until_the_feedback_is_released(self, client, api_client, past_session, candidate):
        client.force_login(candidate)
        page = client.get(reverse("session-detail", args=[past_session.pk])).content.decode()
        assert "Your study pack" not in page
        assert escape(past_session.question.outline()[0]) not in page
        api_client.force_authenticate(candidate)
        question = api_client.get(reverse("api-session-detail", args=[past_session.pk])).json()["question"]
        assert "study_pack" not in question
        assert "guide" not in question

    def test_shown_once_released_with_the_target_and_next_level(
        self, client, api_client, past_session, candidate, interviewer, rubric
    ):
        _submit(past_session, interviewer, rubric)
        client.force_login(candidate)
        page = client.get(reverse("session-detail", args=[past_session.pk])).content.decode()
        assert "Your study pack" in page
        assert escape(past_session.question.outline()[0]) in page
        assert NOTE in page  # the interviewer's notes beside it
        api_client.force_authenticate(candidate)
        question = api_client.get(reverse("api-session-detail", args=[past_session.pk])).json()["question"]
        assert set(question["study_pack"]["signals"]) == {"L4", "L5"}  # target L4 and the level above
        assert question["study_pack"]["outline"] == past_session.question.outline()
        assert "guide" not in question  # the hint ladders and facts stay the interviewers'

    def test_outsiders_get_404_for_the_session_and_its_pack(
        self, client, api_client, past_session, interviewer, outsider, rubric
    ):
        _submit(past_session, interviewer, rubric)
        client.force_login(outsider)
        assert client.get(reverse("session-detail", args=[past_session.pk])).status_code == 404
        api_client.force_authenticate(outsider)
        assert api_client.get(reverse("api-session-detail", args=[past_session.pk])).status_code == 404


class TestQuestionLibrary:
    def test_lists_the_questions_had_and_opens_packs_once_released(
        self, client, past_session, candidate, interviewer, rubric
    ):
        pending = SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(days=3)),
            status="completed",
        )
        _submit(past_session, interviewer, rubric)
        client.force_login(candidate)
        page = client.get(reverse("question-library")).content.decode()
        assert escape(past_session.question.title) in page
        assert escape(pending.question.title) in page
        assert page.count("Open the study pack") == 1
        assert "The pack opens when" in page

    def test_questions_not_had_stay_hidden(self, client, outsider, past_session):
        client.force_login(outsider)
        page = client.get(reverse("question-library")).content.decode()
        assert "No questions yet" in page
        assert escape(past_session.question.title) not in page

    def test_a_long_history_is_paged(self, client, candidate, interviewer, django_assert_max_num_queries):
        for days in range(25):
            SessionFactory(
                candidate=candidate,
                slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(days=days + 1)),
                status="completed",
            )
        client.force_login(candidate)
        with django_assert_max_num_queries(6):
            page = client.get(reverse("question-library")).content.decode()
        assert page.count('class="badge badge-muted">FAANG') == 20
        assert "Page 1 of 2" in page


class TestRubricVersions:
    def test_version_2_is_current_and_explains_what_the_counters_count(
        self, client, past_session, interviewer
    ):
        current = Rubric.objects.order_by("-version").first()
        assert current.version == 2
        assert {"formulation", "tradeoffs", "prioritisation"} <= set(
            current.dimensions.values_list("key", flat=True)
        )
        client.force_login(interviewer)
        page = client.get(reverse("evaluation-form", args=[past_session.pk])).content.decode()
        assert "is never counted against them" in page

    def test_no_anchor_counts_help_or_names_a_recipe(self):
        for dimension in Rubric.objects.get(version=2).dimensions.all():
            text = " ".join(a for _, _, a in dimension.anchors()).lower()
            for word in ("prompting", "with help", "feature store", "retrieval then ranking"):
                assert word not in text, (dimension.key, word)

    def test_v1_and_v2_evaluations_both_feed_one_placement(
        self, candidate, interviewer, past_session, rubric
    ):
        v1 = Rubric.objects.get(version=1)
        earlier = SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(days=10)),
            status="completed",
        )
        Evaluation.objects.create(session=earlier, interviewer=interviewer, rubric=v1)
        _submit(earlier, interviewer, v1, score=2)
        _submit(past_session, interviewer, rubric, score=3)
        fitted = placement_refit()
        assert fitted.evaluations == 2
        assert fitted.ratings == v1.dimensions.count() + rubric.dimensions.count()
        placement = Placement.objects.get(candidate=candidate)
        assert placement.evaluations == 2
        assert {"formulation", "data"} <= {item["key"] for item in placement.standing}


def test_the_company_weights_order_what_to_work_on(candidate, rubric):
    """Equal shortfalls: scale comes first for a FAANG target, framing for a startup one."""
    fit = PlacementFit.objects.create(evaluations=1, ratings=1, candidates=1, interviewers=1, seconds=0)
    standing = [
        {"key": key, "bar": "L5", "bar_score": 4, "probability": 0.2, "expected_score": 2.5}
        for key in ("framing", "scale", "data")
    ]
    placement = Placement(
        candidate=candidate, fit=fit, level="L4", confidence=0.6, probabilities={}, position=0.5,
        evaluations=1, provisional=True, standing=standing, trajectory=[],
    )  # fmt: skip
    dimensions = list(rubric.dimensions.all())
    faang = [row["key"] for row in work_on(standing_rows(placement, dimensions, "faang"))]
    startup = [row["key"] for row in work_on(standing_rows(placement, dimensions, "startup"))]
    assert faang[0] == "scale"
    assert startup[0] == "framing"
