"""Issue #12, finding 6: validation gaps, closed in the model, the form and the API alike."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.matching.models import MatchRequest
from interviews.scheduling.models import AvailabilityWindow, BlockedDate
from rubrics.models import Evaluation
from tests.factories import SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_session(candidate, interviewer):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    return SessionFactory(
        candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start), status="completed"
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0127-01-01T00:00:00Z", "7913-01-01T00:00:00Z"),
        ("0127-01-01T00:00:00Z", None),
        (None, "7913-01-01T00:00:00Z"),
        (None, "2999-01-01T00:00:00+05:00"),
    ],
)
def test_match_request_windows_far_from_now_are_refused(api_client, candidate, start, end):
    now = timezone.now().replace(microsecond=0)
    window = {
        "start": start or (now + timedelta(days=1)).isoformat(),
        "end": end or (now + timedelta(days=2)).isoformat(),
    }
    api_client.force_login(candidate)
    response = api_client.post("/api/v1/match-requests/", {"windows": [window]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["windows"]
    assert not MatchRequest.objects.exists()


def test_match_request_windows_come_back_in_the_members_zone_with_a_whole_minute_offset(
    api_client, candidate
):
    start = (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    window = {"start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat()}
    api_client.force_login(candidate)
    response = api_client.post("/api/v1/match-requests/", {"windows": [window]}, format="json")
    assert response.status_code == 201
    returned = response.json()["windows"][0]["start"]
    assert re.search(r"[+-]\d\d:\d\d$", returned)
    assert datetime.fromisoformat(returned) == start


@pytest.mark.parametrize("day", ["9999-12-31", "2200-01-01"])
def test_a_blocked_date_more_than_a_year_ahead_is_refused(api_client, interviewer, day):
    api_client.force_login(interviewer)
    response = api_client.post("/api/v1/blocked-dates/", {"date": day}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["date"] == ["Block dates at most a year ahead."]
    assert not BlockedDate.objects.exists()


def test_a_blocked_date_within_the_year_is_kept(api_client, interviewer):
    api_client.force_login(interviewer)
    day = (timezone.now() + timedelta(days=300)).date()
    response = api_client.post("/api/v1/blocked-dates/", {"date": day.isoformat()}, format="json")
    assert response.status_code == 201
    assert BlockedDate.objects.get().date == day


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("strengths", {"strengths": "x" * 1_000_000}),
        ("improvements", {"improvements": "x" * 4001}),
        ("scores", {"scores": [{"dimension": "framing", "score": 3, "evidence": "x" * 2001}]}),
    ],
)
def test_evaluation_text_over_its_limit_is_refused_by_the_api(
    api_client, interviewer, past_session, field, body
):
    api_client.force_login(interviewer)
    response = api_client.put(f"/api/v1/sessions/{past_session.pk}/evaluation/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Evaluation.objects.exists()


def test_evaluation_text_at_its_limit_is_kept(api_client, interviewer, past_session):
    api_client.force_login(interviewer)
    response = api_client.put(
        f"/api/v1/sessions/{past_session.pk}/evaluation/",
        {"strengths": "x" * 4000, "scores": [{"dimension": "framing", "evidence": "y" * 2000}]},
        format="json",
    )
    assert response.status_code == 200
    evaluation = Evaluation.objects.get()
    assert len(evaluation.strengths) == 4000
    assert len(evaluation.scores.get(dimension__key="framing").evidence) == 2000


@pytest.mark.parametrize("field", ["strengths", "improvements", "evidence_framing"])
def test_evaluation_text_over_its_limit_is_refused_by_the_page(client, interviewer, past_session, field):
    client.force_login(interviewer)
    url = reverse("evaluation-form", args=[past_session.pk])
    response = client.post(url, {field: "x" * 5000})
    assert response.status_code == 400  # a refused form, with its error beside the field
    assert "Ensure this value has at most" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_times_of_day_are_documented_as_they_are_sent(api_client, interviewer):
    api_client.force_login(interviewer)
    response = api_client.post(
        "/api/v1/availability/", {"weekday": 0, "start_time": "17:00", "end_time": "19:00"}, format="json"
    )
    assert response.status_code == 201
    assert AvailabilityWindow.objects.filter(interviewer=interviewer).count() == 1
    schema = api_client.get("/api/schema/?format=json").json()["components"]["schemas"]["Window"]
    for field in ("start_time", "end_time"):
        assert "format" not in schema["properties"][field]
        assert re.fullmatch(schema["properties"][field]["pattern"], response.json()[field])
