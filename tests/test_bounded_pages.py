"""Pages stay one screen's work (#18): a member with 300 sessions or evaluations, or a platform with
300 interviewers, gets the same rows on the page, in the same queries, as one with 30."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.sessions.models import Session
from interviews.sessions.views import SLOTS_PER_DAY
from rubrics.models import InterviewerSeverity, PlacementFit
from rubrics.refit import placement_refit
from rubrics.selectors import rubric_current
from rubrics.services import evaluation_save
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _history(*, candidate, interviewer, count):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=400)
    return [
        SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=interviewer, start=start + timedelta(hours=n)),
            status="completed",
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("history", [30, 300])
def test_the_sessions_api_gives_one_page_whatever_the_history(
    api_client, candidate, interviewer, history, django_assert_num_queries
):
    _history(candidate=candidate, interviewer=interviewer, count=history)
    api_client.force_authenticate(candidate)
    with django_assert_num_queries(2):  # the count, one page joined with both people and the question
        body = api_client.get(reverse("api-sessions")).json()
    assert body["count"] == history
    assert len(body["results"]) == 50 if history > 50 else history


def _evaluated(*, candidate, interviewer, count):
    rubric = rubric_current()
    for n, session in enumerate(_history(candidate=candidate, interviewer=interviewer, count=count)):
        evaluation_save(
            session=session,
            interviewer=interviewer,
            submit=True,
            data={
                "scores": {
                    d.key: {"score": 1 + (n + i) % 4, "evidence": f"seen in session {n}"}
                    for i, d in enumerate(rubric.dimensions.all())
                },
                "recommended_level": "L4",
                "verdict": "yes",
                "strengths": "Clear framing of the objective and a solid baseline model.",
                "improvements": "Go deeper on labelling: delayed labels and position bias matter here.",
            },
        )
    return rubric


@pytest.mark.parametrize("history", [30, 120])
def test_the_evaluations_api_gives_fifty_with_their_scores_whatever_the_history(
    api_client, candidate, interviewer, history, django_assert_num_queries
):
    rubric = _evaluated(candidate=candidate, interviewer=interviewer, count=history)
    api_client.force_authenticate(candidate)
    with django_assert_num_queries(3):  # the count, one page joined with its session, people, question
        body = api_client.get(reverse("api-my-evaluations")).json()  # and rubric; that page's scores
    assert body["count"] == history
    assert len(body["results"]) == min(history, 50)
    keys = [d.key for d in rubric.dimensions.order_by("order")]
    newest = body["results"][0]  # the latest session, number history - 1
    assert newest["scores"] == [
        {"dimension": key, "score": 1 + (history - 1 + i) % 4, "evidence": f"seen in session {history - 1}"}
        for i, key in enumerate(keys)
    ]


@pytest.mark.parametrize("history", [30, 120])
def test_the_placement_api_traces_the_latest_fifty_whatever_the_history(
    api_client, candidate, interviewer, history, django_assert_num_queries
):
    _evaluated(candidate=candidate, interviewer=interviewer, count=history)
    placement_refit()
    api_client.force_authenticate(candidate)
    # the latest evaluations, the placement with its fit, the rubric, its dimensions; and the count
    # once the trace is full
    with django_assert_num_queries(4 if history < 50 else 5):
        body = api_client.get(reverse("api-my-placement")).json()
    assert body["status"] == "ready" and body["up_to_date"] is True
    latest = Session.objects.filter(candidate=candidate).order_by("-start")[: min(history, 50)]
    assert [point["session"] for point in body["trajectory"]] == [s.pk for s in reversed(latest)]


@pytest.mark.parametrize("history", [30, 300])
def test_the_feedback_page_lists_the_latest_twelve_whatever_the_history(
    client, candidate, interviewer, history, django_assert_num_queries
):
    _evaluated(candidate=candidate, interviewer=interviewer, count=history)
    client.force_login(candidate)
    # session, user, evaluations, their scores, the placement, rubric, dimensions, the count
    with django_assert_num_queries(8):
        page = client.get(reverse("feedback-history")).content.decode()
    assert page.count("Read feedback") == 12
    assert f"And {history - 12} earlier evaluations" in page


@pytest.mark.parametrize("raters", [30, 300])
def test_staff_calibration_shows_fifty_raters_whatever_their_number(
    client, staff, raters, django_assert_num_queries
):
    fit = PlacementFit.objects.create(evaluations=1, ratings=1, candidates=1, interviewers=1, seconds=0)
    InterviewerSeverity.objects.bulk_create(
        InterviewerSeverity(
            interviewer=InterviewerFactory(),
            fit=fit,
            severity=n / 100,
            standard_error=0.2,
            points=0,
            evaluations=3,
        )
        for n in range(raters)
    )
    client.force_login(staff)
    with django_assert_num_queries(8):
        page = client.get(reverse("staff-calibration")).content.decode()
    assert page.count('data-label="Evaluations"') == min(raters, 50)


@pytest.mark.parametrize("per_hour", [2, 30])
def test_find_a_slot_shows_the_best_slot_of_each_hour_at_most_twelve_a_day(
    client, candidate, per_hour, django_assert_num_queries
):
    """However many interviewers publish an hour, the week shows one slot for it, and a day at most
    twelve hours."""
    day = timezone.localdate(timezone=candidate.zone) + timedelta(days=2)
    interviewers = [InterviewerFactory() for _ in range(per_hour)]
    for hour in range(6, 22):  # 16 hours that day in the candidate's zone
        start = timezone.datetime(day.year, day.month, day.day, hour, tzinfo=candidate.zone)
        for interviewer in interviewers:
            SlotFactory(interviewer=interviewer, start=start)
    client.force_login(candidate)
    with django_assert_num_queries(9):  # session, member, each hour's best, then the search's six
        page = client.get(reverse("find-slot"), {"start": day.isoformat()}).content.decode()
    assert page.count('<a class="slot-chip') == SLOTS_PER_DAY


def test_the_sessions_list_leaves_the_interviewers_guide_to_one_session(api_client, interviewer, candidate):
    session = _history(candidate=candidate, interviewer=interviewer, count=1)[0]
    api_client.force_authenticate(interviewer)
    listed = api_client.get(reverse("api-sessions")).json()["results"][0]["question"]
    assert listed["title"] == session.question.title and "guide" not in listed
    one = api_client.get(reverse("api-session-detail", args=[session.pk])).json()["question"]
    assert one["guide"] == session.question.guide
