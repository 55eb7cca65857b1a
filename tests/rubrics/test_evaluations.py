from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.errors import Conflict
from interviews.notifications.models import OutboxMessage
from interviews.sessions.lifecycle import sessions_complete_ended
from rubrics.content import rubrics_read
from rubrics.models import Dimension, Evaluation, InterviewerRating, Rubric
from rubrics.services import evaluation_save, rating_submit
from tests.factories import SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_the_seeded_rubric_scores_every_area_of_the_domain(rubric):
    keys = [d.key for d in rubric.dimensions.all()]
    assert keys == [d["key"] for d in rubrics_read()[-1]["dimensions"]]
    assert {
        "framing",
        "data",
        "features",
        "modelling",
        "evaluation",
        "serving",
        "scale",
        "risks",
        "communication",
    } <= set(keys)
    scale = rubric.dimensions.get(key="scale")
    assert scale.faang_weight > scale.startup_weight
    for dimension in rubric.dimensions.all():
        assert all(len(text) > 20 for _, _, text in dimension.anchors())


def test_a_submitted_evaluation_is_final_and_tied_to_its_rubric_version(
    past_session, interviewer, full_data, rubric
):
    evaluation = evaluation_save(session=past_session, interviewer=interviewer, data=full_data, submit=True)
    assert evaluation.is_submitted and evaluation.rubric == rubric and evaluation.interventions == 3
    assert evaluation.scores.count() == rubric.dimensions.count()
    with pytest.raises(Conflict, match="already submitted"):
        evaluation_save(session=past_session, interviewer=interviewer, data={"hints": 9})
    assert Evaluation.objects.get().hints == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"scores": {"framing": {"score": 5}}}, "score_framing", "scores run from 1 to 4"),
        ({"scores": {"framing": {"score": 0}}}, "score_framing", "scores run from 1 to 4"),
        ({"hints": -1}, "hints", "Counts cannot be negative."),
        ({"guidance": -2}, "guidance", "Counts cannot be negative."),
        ({"strengths": ""}, "strengths", "write at least a sentence"),
        ({"improvements": "ok"}, "improvements", "write at least a sentence"),
        ({"recommended_level": ""}, "recommended_level", "Choose the level"),
        ({"verdict": ""}, "verdict", "Choose an overall verdict."),
        ({"scores": {"nonsense": {"score": 2}}}, "scores", "is not a dimension of this rubric"),
    ],
)
def test_each_bad_value_gets_its_message_and_nothing_is_saved(
    past_session, interviewer, full_data, change, field, message
):
    data = {**full_data, **change}
    if "scores" in change:
        data["scores"] = {**full_data["scores"], **change["scores"]}
    with pytest.raises(ValidationError) as exc_info:
        evaluation_save(session=past_session, interviewer=interviewer, data=data, submit=True)
    assert any(message in m for m in _errors(exc_info)[field]), _errors(exc_info)
    assert not Evaluation.objects.filter(status="submitted").exists()


def test_a_missing_dimension_blocks_submission_but_not_a_draft(past_session, interviewer, full_data, rubric):
    partial = {**full_data, "scores": {k: v for k, v in full_data["scores"].items() if k != "scale"}}
    draft = evaluation_save(session=past_session, interviewer=interviewer, data=partial)
    assert draft.status == "draft"
    with pytest.raises(ValidationError) as exc_info:
        evaluation_save(session=past_session, interviewer=interviewer, data={}, submit=True)
    title = rubric.dimensions.get(key="scale").title
    assert _errors(exc_info) == {"score_scale": [f"Score “{title}” before submitting."]}
    evaluation_save(
        session=past_session, interviewer=interviewer, data={"scores": {"scale": {"score": 4}}}, submit=True
    )
    assert Evaluation.objects.get().scores.get(dimension__key="scale").score == 4


def test_the_rubric_opens_at_the_start_and_never_for_a_cancelled_or_no_show_session(
    interviewer, candidate, full_data
):
    future = SessionFactory(candidate=candidate, slot=SlotFactory(interviewer=interviewer))
    with pytest.raises(ValidationError, match="The rubric opens when the session starts"):
        evaluation_save(session=future, interviewer=interviewer, data=full_data)
    evaluation_save(
        session=future, interviewer=interviewer, data=full_data, now=future.start + timedelta(minutes=5)
    )
    for status, message in (("cancelled", "was cancelled"), ("no_show", "no-show")):
        session = SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(days=2 + len(status))),
            status=status,
        )
        with pytest.raises(Conflict, match=message):
            evaluation_save(session=session, interviewer=interviewer, data=full_data)
    assert Evaluation.objects.count() == 1


def test_only_the_sessions_interviewer_evaluates(past_session, candidate, full_data):
    # The same access function as the page and the API: 404 for anyone but the interviewer.
    with pytest.raises(Http404, match="Only the session's interviewer"):
        evaluation_save(session=past_session, interviewer=candidate, data=full_data)


def test_editing_a_used_rubric_in_the_admin_makes_a_new_version(
    client, staff, past_session, interviewer, full_data, rubric
):
    evaluation = evaluation_save(session=past_session, interviewer=interviewer, data=full_data, submit=True)
    dimensions = list(rubric.dimensions.all())
    post = {"name": rubric.name, "description": rubric.description}
    post.update({
        "dimensions-TOTAL_FORMS": len(dimensions), "dimensions-INITIAL_FORMS": len(dimensions),
        "dimensions-MIN_NUM_FORMS": 0, "dimensions-MAX_NUM_FORMS": 1000,
    })  # fmt: skip
    for index, d in enumerate(dimensions):
        for field in (
            "order",
            "key",
            "title",
            "assesses",
            "anchor_1",
            "anchor_2",
            "anchor_3",
            "anchor_4",
            "faang_weight",
            "startup_weight",
        ):
            post[f"dimensions-{index}-{field}"] = getattr(d, field)
        post[f"dimensions-{index}-id"] = d.pk
        post[f"dimensions-{index}-rubric"] = rubric.pk
    post["dimensions-0-title"] = "Framing the problem"
    versions_before = Rubric.objects.filter(name=rubric.name).count()
    client.force_login(staff)
    response = client.post(reverse("admin:rubrics_rubric_change", args=[rubric.pk]), post)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms],
    )

    assert Rubric.objects.filter(name=rubric.name).count() == versions_before + 1
    old = Rubric.objects.get(pk=rubric.pk)
    assert old.dimensions.get(key="framing").title == "Problem framing and requirements"
    new = Rubric.objects.get(name=rubric.name, version=rubric.version + 1)
    assert new.dimensions.get(key="framing").title == "Framing the problem"
    assert new.dimensions.count() == old.dimensions.count()
    evaluation.refresh_from_db()
    assert evaluation.rubric == old
    assert Dimension.objects.filter(rubric=old).count() == len(dimensions)


class TestRating:
    def test_the_candidate_rates_once_after_the_feedback_arrived(
        self, past_session, candidate, interviewer, full_data
    ):
        with pytest.raises(Conflict, match="once their feedback has arrived"):
            rating_submit(session=past_session, candidate=candidate, score=5)
        evaluation_save(session=past_session, interviewer=interviewer, data=full_data, submit=True)
        with pytest.raises(ValidationError, match="Rate from 1 to 5."):
            rating_submit(session=past_session, candidate=candidate, score=6)
        rating_submit(session=past_session, candidate=candidate, score=4, comment="Concrete and kind.")
        with pytest.raises(Conflict, match="already rated"):
            rating_submit(session=past_session, candidate=candidate, score=1)
        assert InterviewerRating.objects.get().score == 4

    def test_only_the_candidate_rates(self, past_session, interviewer, full_data):
        evaluation_save(session=past_session, interviewer=interviewer, data=full_data, submit=True)
        with pytest.raises(Http404, match="Only the session's candidate"):
            rating_submit(session=past_session, candidate=interviewer, score=5)


class TestMessages:
    def test_completion_asks_for_the_rubric_and_submission_tells_the_candidate(
        self, candidate, interviewer, full_data
    ):
        session = SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(hours=2)),
        )
        assert sessions_complete_ended() == 1
        owed = dict(OutboxMessage.objects.values_list("kind", "due_at"))
        assert owed == {"rubric_due": session.end, "rubric_overdue": session.end + timedelta(hours=48)}
        evaluation_save(session=session, interviewer=interviewer, data=full_data, submit=True)
        kinds = {m.kind: (m.recipient_id, m.withdrawn_at is not None) for m in OutboxMessage.objects.all()}
        assert kinds["feedback_ready"] == (candidate.pk, False)
        assert kinds["rubric_overdue"] == (interviewer.pk, True)


def test_huge_intervention_counts_are_refused(candidate, interviewer):
    session = SessionFactory(
        candidate=candidate,
        slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(hours=2)),
    )
    with pytest.raises(ValidationError, match="At most 50"):
        evaluation_save(session=session, interviewer=interviewer, data={"hints": 40000})
