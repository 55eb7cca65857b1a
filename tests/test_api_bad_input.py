"""Issue #12, finding 3: inputs that used to answer 500 now get a JSON 4xx, and nothing is written."""

import json

import pytest

from accounts.models import User
from interviews.matching.models import MatchRequest
from interviews.scheduling.models import AvailabilityWindow, BlockedDate
from rubrics.models import Evaluation, InterviewerRating
from tests.factories import PASSWORD, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db

CHOICE_FIELDS = (
    "current_level",
    "target_level",
    "target_company_type",
    "interviewer_level",
    "company_experience",
)


@pytest.fixture
def session(candidate, interviewer):
    return SessionFactory(candidate=candidate, slot=SlotFactory(interviewer=interviewer))


def _writes(session):
    """(who, method, path) for every write endpoint."""
    pk = session.pk
    return [
        ("candidate", "patch", "/api/v1/me/"),
        ("interviewer", "post", "/api/v1/availability/"),
        ("interviewer", "post", "/api/v1/blocked-dates/"),
        ("candidate", "post", "/api/v1/sessions/"),
        ("candidate", "post", f"/api/v1/sessions/{pk}/cancel/"),
        ("candidate", "post", f"/api/v1/sessions/{pk}/reschedule/"),
        ("interviewer", "put", f"/api/v1/sessions/{pk}/evaluation/"),
        ("candidate", "post", f"/api/v1/sessions/{pk}/rating/"),
        ("candidate", "post", "/api/v1/match-requests/"),
        (None, "post", "/api/v1/auth/token/"),
    ]


def _nothing_written(candidate, interviewer, session):
    candidate.refresh_from_db()
    assert candidate.display_name == "Cara Test" and candidate.target_level == "L4"
    assert not AvailabilityWindow.objects.filter(interviewer=interviewer).exists()
    assert not BlockedDate.objects.exists()
    assert not MatchRequest.objects.exists()
    assert not Evaluation.objects.exists() and not InterviewerRating.objects.exists()
    session.refresh_from_db()
    assert session.status == "scheduled"


def _client(api_client, who, personas):
    if who:
        api_client.force_login(personas[who])
    return api_client


@pytest.mark.parametrize("index", range(10))
def test_json_nested_100000_deep_is_a_400(api_client, candidate, interviewer, session, index):
    who, method, path = _writes(session)[index]
    client = _client(api_client, who, {"candidate": candidate, "interviewer": interviewer})
    body = "[" * 100_000 + "]" * 100_000
    response = getattr(client, method)(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]
    _nothing_written(candidate, interviewer, session)


@pytest.mark.parametrize("index", range(10))
def test_a_3_mb_body_is_a_413(api_client, candidate, interviewer, session, index):
    who, method, path = _writes(session)[index]
    client = _client(api_client, who, {"candidate": candidate, "interviewer": interviewer})
    body = json.dumps({"note": "x" * 3_000_000, "display_name": "x" * 3_000_000})
    response = getattr(client, method)(path, body, content_type="application/json")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    _nothing_written(candidate, interviewer, session)


@pytest.mark.parametrize("field", [*CHOICE_FIELDS, "time_zone", "display_name", "bio"])
def test_a_lone_surrogate_in_a_profile_field_is_a_400(api_client, candidate, field):
    api_client.force_login(candidate)
    body = json.dumps({field: "\ud800"})  # ASCII out: the escape "\\ud800" as a client sends it
    response = api_client.patch("/api/v1/me/", body, content_type="application/json")
    assert response.status_code == 400
    assert "encod" in response.json()["detail"]
    candidate.refresh_from_db()
    assert candidate.target_level == "L4" and candidate.display_name == "Cara Test"


def test_a_lone_surrogate_in_a_key_is_a_400(api_client, candidate):
    api_client.force_login(candidate)
    response = api_client.patch("/api/v1/me/", '{"\\udfff": 1}', content_type="application/json")
    assert response.status_code == 400


def test_malformed_json_is_a_400_with_a_message(api_client, candidate):
    api_client.force_login(candidate)
    response = api_client.patch("/api/v1/me/", b'{"display_name": "\xff"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Pacific/Kiritimati", "America/New_York"])
@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_slot_search_at_the_ends_of_the_calendar_is_a_400(api_client, candidate, zone, value):
    User.objects.filter(pk=candidate.pk).update(time_zone=zone)
    api_client.force_login(candidate)
    for param in ("start", "end"):
        response = api_client.get("/api/v1/slots/", {param: value})
        assert response.status_code == 400, (param, response.content)
        assert response.json()["errors"][param]


def test_slot_search_at_the_ends_of_the_calendar_with_a_token_is_a_400(api_client, candidate):
    User.objects.filter(pk=candidate.pk).update(time_zone="Asia/Tokyo")
    token = api_client.post("/api/v1/auth/token/", {"email": candidate.email, "password": PASSWORD}).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert api_client.get("/api/v1/slots/", {"start": "0001-01-01"}).status_code == 400


@pytest.mark.parametrize("query", ["page=1&page=2", "page="])
def test_a_page_given_twice_or_blank_is_an_invalid_page(api_client, candidate, query):
    api_client.force_login(candidate)
    for path in ("/api/v1/sessions/", "/api/v1/me/evaluations/"):
        response = api_client.get(f"{path}?{query}")
        assert response.status_code == 404
        assert "Invalid page" in response.json()["detail"]


@pytest.mark.parametrize("query", ["target_level=L4&target_level=L5", "target_level=", "start="])
def test_a_slot_search_parameter_given_twice_or_blank_is_a_400(api_client, candidate, query):
    api_client.force_login(candidate)
    response = api_client.get(f"/api/v1/slots/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"]


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]
)
def test_a_body_other_than_json_is_a_415(api_client, candidate, content_type):
    api_client.force_login(candidate)
    response = api_client.patch("/api/v1/me/", "display_name=Mallory", content_type=content_type)
    assert response.status_code == 415
    assert response.json()["detail"]
    candidate.refresh_from_db()
    assert candidate.display_name == "Cara Test"
