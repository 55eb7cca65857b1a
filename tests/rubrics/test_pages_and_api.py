import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from rubrics.models import Evaluation, InterviewerRating
from rubrics.services import evaluation_save

pytestmark = pytest.mark.django_db


def _form_post(rubric, **overrides):
    post = {f"score_{d.key}": "3" for d in rubric.dimensions.all()}
    post.update(
        hints="1", guidance="0", clarifications="2", recommended_level="L4", verdict="yes",
        strengths="Framed the ranking objective crisply and knew the metrics.",
        improvements="Label bias from implicit feedback needs a plan before launch.",
    )  # fmt: skip
    post.update(overrides)
    return post


class TestFormPage:
    def test_the_interviewer_fills_and_submits_the_rubric(self, client, past_session, interviewer, rubric):
        client.force_login(interviewer)
        url = reverse("evaluation-form", args=[past_session.pk])
        page = client.get(url)
        assert page.status_code == 200
        content = page.content.decode()
        assert escape(past_session.question.title) in content  # the question beside the form
        total = rubric.dimensions.count()
        assert f"0 of {total} dimensions scored" in content.replace("</span>", "").replace(
            f'<span id="scored-count" data-total="{total}">', ""
        )
        for dimension in rubric.dimensions.all():
            assert escape(dimension.anchor_4) in content  # every anchor visible while choosing
        response = client.post(url, _form_post(rubric, submit="1"))
        assert response.status_code == 302
        evaluation = Evaluation.objects.get()
        assert evaluation.is_submitted and (evaluation.hints, evaluation.clarifications) == (1, 2)
        # A submitted evaluation is no longer a form.
        assert client.get(url).status_code == 302

    def test_htmx_autosave_keeps_a_draft_and_answers_a_fragment(
        self, client, past_session, interviewer, rubric
    ):
        client.force_login(interviewer)
        url = reverse("evaluation-form", args=[past_session.pk])
        response = client.post(url, {"score_framing": "2", "hints": "3"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and b"Draft saved at" in response.content
        evaluation = Evaluation.objects.get()
        assert evaluation.status == "draft" and evaluation.hints == 3
        assert evaluation.scores.get(dimension__key="framing").score == 2
        response = client.post(url, {"hints": "-1"}, HTTP_HX_REQUEST="true")
        # A fragment htmx swaps in debug and production alike; the error goes beside the counter.
        assert response.status_code == 200
        content = response.content.decode()
        assert "Not saved" in content
        assert re.search(
            r'<div id="errors-hints" hx-swap-oob="true">.*Counts cannot be negative', content, re.S
        )
        assert Evaluation.objects.get().hints == 3
        response = client.post(url, {"hints": "2"}, HTTP_HX_REQUEST="true")
        assert '<div id="errors-hints" hx-swap-oob="true"></div>' in response.content.decode()  # cleared

    def test_submitting_an_incomplete_rubric_shows_inline_errors(
        self, client, past_session, interviewer, rubric
    ):
        client.force_login(interviewer)
        url = reverse("evaluation-form", args=[past_session.pk])
        response = client.post(url, _form_post(rubric, score_scale="", strengths="ok", submit="1"))
        assert response.status_code == 400
        content = response.content.decode()
        assert f"Score “{rubric.dimensions.get(key='scale').title}” before submitting." in content
        # A summary at the top links to each field to fix.
        summary = content[
            content.index('id="error-summary"') : content.index("</div>", content.index('id="error-summary"'))
        ]
        assert "2 things to fix" in summary
        assert 'href="#id_score_scale_1"' in summary
        assert "What went well: write at least a sentence" in content
        assert not Evaluation.objects.filter(status="submitted").exists()

    def test_the_form_page_has_a_fixed_query_count(
        self, client, past_session, interviewer, rubric, django_assert_num_queries
    ):
        client.force_login(interviewer)
        evaluation_save(session=past_session, interviewer=interviewer, data={"hints": 1})
        # session, user, the session, its evaluation, its scores with dimensions, the rubric's
        # dimensions, the room's events and whether its board was drawn
        with django_assert_num_queries(8):
            assert client.get(reverse("evaluation-form", args=[past_session.pk])).status_code == 200


class TestAccess:
    @pytest.mark.parametrize("who", ["candidate", "outsider"])
    def test_only_the_interviewer_reaches_the_form(self, client, request, past_session, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("evaluation-form", args=[past_session.pk])).status_code == 404

    def test_drafts_are_invisible_to_the_candidate_and_submitted_ones_visible(
        self, api_client, client, past_session, interviewer, candidate, outsider, full_data
    ):
        url = reverse("api-evaluation", args=[past_session.pk])
        evaluation_save(session=past_session, interviewer=interviewer, data={"hints": 2})
        for user, status in ((interviewer, 200), (candidate, 404), (outsider, 404)):
            api_client.force_authenticate(user)
            assert api_client.get(url).status_code == status
        client.force_login(candidate)
        assert b"Feedback from" not in client.get(reverse("session-detail", args=[past_session.pk])).content

        evaluation_save(session=past_session, interviewer=interviewer, data=full_data, submit=True)
        for user, status in ((interviewer, 200), (candidate, 200), (outsider, 404)):
            api_client.force_authenticate(user)
            assert api_client.get(url).status_code == status
        page = client.get(reverse("session-detail", args=[past_session.pk])).content.decode()
        assert "Feedback from Ivan Test" in page and full_data["strengths"] in page

    def test_only_the_interviewer_writes_and_only_the_candidate_rates(
        self, api_client, past_session, candidate, outsider, interviewer, full_data
    ):
        url = reverse("api-evaluation", args=[past_session.pk])
        api_client.force_authenticate(candidate)
        # One access rule, one status on page, API and service: the rubric is not the candidate's.
        assert api_client.put(url, {"hints": 1}, format="json").status_code == 404
        api_client.force_authenticate(outsider)
        assert api_client.put(url, {"hints": 1}, format="json").status_code == 404
        assert (
            api_client.post(
                reverse("api-rating", args=[past_session.pk]), {"score": 5}, format="json"
            ).status_code
            == 404
        )
        api_client.force_authenticate(interviewer)
        assert (
            api_client.post(
                reverse("api-rating", args=[past_session.pk]), {"score": 5}, format="json"
            ).status_code
            == 404
        )
        assert not Evaluation.objects.exists() and not InterviewerRating.objects.exists()


class TestApi:
    def test_current_rubric(self, api_client, candidate, rubric):
        api_client.force_authenticate(candidate)
        body = api_client.get(reverse("api-rubric-current")).json()
        assert body["version"] == rubric.version
        assert len(body["dimensions"]) == rubric.dimensions.count()
        assert [a["score"] for a in body["dimensions"][0]["anchors"]] == [1, 2, 3, 4]

    def test_put_drafts_then_submits_then_conflicts(self, api_client, past_session, interviewer, full_data):
        url = reverse("api-evaluation", args=[past_session.pk])
        api_client.force_authenticate(interviewer)
        scores = [{"dimension": k, "score": v["score"]} for k, v in full_data["scores"].items()]
        response = api_client.put(url, {"scores": scores[:3], "hints": 2}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "draft"
        response = api_client.put(url, {"submit": True}, format="json")
        assert response.status_code == 400
        assert "score_scale" in response.json()["errors"]
        payload = {**{k: v for k, v in full_data.items() if k != "scores"}, "scores": scores, "submit": True}
        response = api_client.put(url, payload, format="json")
        assert response.status_code == 200 and response.json()["status"] == "submitted"
        assert api_client.put(url, {"hints": 0}, format="json").status_code == 409
        response = api_client.put(url, {"scores": [{"dimension": "framing", "score": 9}]}, format="json")
        assert response.status_code == 409

    def test_bad_values_get_400_with_messages(self, api_client, past_session, interviewer):
        url = reverse("api-evaluation", args=[past_session.pk])
        api_client.force_authenticate(interviewer)
        response = api_client.put(
            url, {"scores": [{"dimension": "framing", "score": 9}], "hints": -3}, format="json"
        )
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert "scores run from 1 to 4" in errors["score_framing"][0] and errors["hints"] == [
            "Counts cannot be negative."
        ]

    def test_rating_flow(self, api_client, past_session, interviewer, candidate, full_data):
        url = reverse("api-rating", args=[past_session.pk])
        api_client.force_authenticate(candidate)
        assert api_client.post(url, {"score": 5}, format="json").status_code == 409
        evaluation_save(session=past_session, interviewer=interviewer, data=full_data, submit=True)
        response = api_client.post(url, {"score": 0}, format="json")
        assert response.status_code == 400 and "Rate from 1 to 5." in response.json()["detail"]
        assert api_client.post(url, {"score": 4, "comment": "Useful"}, format="json").status_code == 201
        assert api_client.post(url, {"score": 4}, format="json").status_code == 409


def test_session_page_with_an_evaluation_has_a_fixed_query_count(
    client, past_session, interviewer, candidate, full_data, rubric, django_assert_num_queries
):
    evaluation_save(session=past_session, interviewer=interviewer, data=full_data, submit=True)
    client.force_login(candidate)
    # session, user, the session, evaluation (+ scores with dimensions, + rubric dimensions), rating,
    # the other person's reliability, whether the room's board was drawn
    with django_assert_num_queries(9):
        response = client.get(reverse("session-detail", args=[past_session.pk]))
    assert response.content.count(b"score-pill") == rubric.dimensions.count()
