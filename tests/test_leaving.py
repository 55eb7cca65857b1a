"""Leaving: a member exports everything PeerLoop holds about them and deletes their account;
others' history and the placement fit stay intact."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import CreditEntry, User
from accounts.services import member_delete
from interviews.matching.services import match_request_create
from interviews.notifications.models import OutboxMessage
from interviews.scheduling.models import AvailabilityWindow
from interviews.sessions.booking import session_book
from interviews.sessions.models import Session
from rubrics.models import Evaluation, Placement
from rubrics.refit import placement_refit
from rubrics.selectors import rubric_current
from rubrics.services import evaluation_save, rating_submit
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


def _full_data(level="L4"):
    return {
        "scores": {d.key: {"score": 3, "evidence": ""} for d in rubric_current().dimensions.all()},
        "recommended_level": level,
        "verdict": "yes",
        "strengths": "Clear framing of the objective and a solid baseline model.",
        "improvements": "Go deeper on labelling: delayed labels and position bias matter here.",
    }


def _evaluated(interviewer, candidate, days_ago):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(days=days_ago)
    session = SessionFactory(
        candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start), status="completed"
    )
    evaluation_save(session=session, interviewer=interviewer, data=_full_data(), submit=True, now=session.end)
    return session


@pytest.fixture
def world():
    """Nora interviews and is interviewed; others have their own history with her."""
    nora = UserFactory(email="nora@example.com", display_name="Nora Leaving", bio="Ranking at a big shop")
    nora_ivr = InterviewerFactory(email="ivy@example.com", display_name="Ivy Other")
    other_candidate = UserFactory(email="carl@example.com", display_name="Carl Other")
    # nora as an interviewer too
    nora.is_interviewer, nora.interviewer_level, nora.company_experience, nora.sessions_per_week = (
        True, "L5", "both", 4,
    )  # fmt: skip
    nora.save()
    AvailabilityWindow.objects.create(interviewer=nora, weekday=1, start_time="09:00", end_time="12:00")
    received = _evaluated(nora_ivr, nora, days_ago=5)
    given = _evaluated(nora, other_candidate, days_ago=4)
    _evaluated(nora_ivr, other_candidate, days_ago=3)
    rating_submit(session=received, candidate=nora, score=5, comment="Very helpful")
    upcoming_as_candidate = session_book(candidate=nora, slot_id=SlotFactory(interviewer=nora_ivr).pk)
    upcoming_as_interviewer = session_book(
        candidate=other_candidate,
        slot_id=SlotFactory(interviewer=nora, start=timezone.now() + timedelta(days=3)).pk,
    )
    start = timezone.now() + timedelta(days=2)
    match_request_create(candidate=nora, windows=[(start, start + timedelta(hours=3))])
    return {
        "nora": nora,
        "ivy": nora_ivr,
        "carl": other_candidate,
        "received": received,
        "given": given,
        "upcoming": [upcoming_as_candidate, upcoming_as_interviewer],
    }


def test_the_export_holds_the_members_data_and_nobody_elses(client, api_client, world):
    nora = world["nora"]
    client.force_login(nora)
    response = client.get(reverse("profile-export"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    nora.refresh_from_db()
    api_client.force_authenticate(nora)
    assert api_client.get(reverse("api-my-export")).json()["profile"] == data["profile"]

    assert (
        data["profile"]["email"] == "nora@example.com" and data["profile"]["bio"] == "Ranking at a big shop"
    )
    assert {s["id"] for s in data["sessions"]} == {
        world["received"].pk,
        world["given"].pk,
        *[s.pk for s in world["upcoming"]],
    }
    assert [e["session"] for e in data["evaluations_received"]] == [world["received"].pk]
    assert data["evaluations_received"][0]["strengths"].startswith("Clear framing")
    assert [e["session_id"] for e in data["evaluations_written"]] == [world["given"].pk]
    assert "strengths" not in data["evaluations_written"][0]  # that text is about Carl
    assert [r["comment"] for r in data["ratings_given"]] == ["Very helpful"]
    assert {e["cause"] for e in data["credits"]} == {"starter", "booking", "earned"}
    assert data["availability"]["weekly_windows"] == [
        {"weekday": 1, "start_time": "09:00:00", "end_time": "12:00:00"}
    ]
    assert len(data["match_requests"]) == 1
    text = response.content.decode()
    for someone_else in ("ivy@example.com", "Ivy Other", "carl@example.com", "Carl Other"):
        assert someone_else not in text


def test_the_export_needs_a_login(client, api_client):
    assert client.get(reverse("profile-export")).status_code == 302
    assert api_client.get(reverse("api-my-export")).status_code in (401, 403)


def test_deleting_erases_the_person_and_cancels_upcoming_sessions_with_notices(client, world):
    nora = world["nora"]
    now = timezone.now()
    OutboxMessage.objects.create(
        to_email="Nora@example.com", kind="account_email", payload={}, due_at=now, next_attempt_at=now
    )
    client.force_login(nora)
    response = client.post(reverse("account-delete"), {"password": "correct-horse-battery-9"})
    assert response.status_code == 302
    gone = User.objects.get(pk=nora.pk)
    assert (gone.display_name, gone.bio, gone.is_active, gone.has_usable_password()) == (
        "a former member",
        "",
        False,
        False,
    )
    assert gone.email.endswith("@deleted.invalid") and gone.left_at is not None
    assert not gone.emailaddress_set.exists()
    assert not CreditEntry.objects.filter(user=gone).exists()
    assert not AvailabilityWindow.objects.filter(interviewer=gone).exists()
    assert not gone.match_requests.exists()
    assert not OutboxMessage.objects.filter(recipient=gone).exists()
    assert not OutboxMessage.objects.filter(to_email__iexact="nora@example.com").exists()
    for session in world["upcoming"]:
        session.refresh_from_db()
        assert session.status == "cancelled"
        other = session.other_party(gone)
        assert OutboxMessage.objects.filter(session=session, recipient=other, kind="cancellation").exists()
    # Carl, whom she was to interview, got his credits back.
    assert User.objects.get(pk=world["carl"].pk).credit_balance == 20 - 10 + 10
    # Signed out, and she cannot sign in again.
    assert client.get(reverse("profile")).status_code == 302
    assert not client.login(email="nora@example.com", password="correct-horse-battery-9")


def test_others_keep_their_history_and_the_placement_fit_stays(world):
    placement_refit(force=True)
    placement_refit(force=True)  # refits warm-start from the last: let it settle first
    carl = world["carl"]
    before = Placement.objects.get(candidate=carl)
    member_delete(user=world["nora"])
    # Carl's past session with her, and her evaluation of him, stay, with "a former member".
    given = Session.objects.select_related("interviewer").get(pk=world["given"].pk)
    assert given.status == "completed" and given.interviewer.name == "a former member"
    assert Evaluation.objects.filter(session=given, status="submitted").exists()
    assert Evaluation.objects.filter(session=world["received"]).exists()  # Ivy's work stays too
    placement_refit(force=True)
    after = Placement.objects.get(candidate=carl)
    assert (after.level, after.evaluations) == (before.level, before.evaluations)
    # Refits warm-start from the last one and land within a hair of it (its rounding can differ).
    assert after.position == pytest.approx(before.position, abs=0.01)
    assert not Placement.objects.filter(candidate=world["nora"]).exists()


def test_deleting_needs_the_password_on_page_and_api(client, api_client, candidate):
    client.force_login(candidate)
    client.post(reverse("account-delete"), {"password": "wrong"})
    assert User.objects.get(pk=candidate.pk).left_at is None
    api_client.force_authenticate(candidate)
    response = api_client.post(reverse("api-my-delete"), {"password": "wrong"}, format="json")
    assert response.status_code == 400 and "password" in response.json()["errors"]
    assert api_client.post(reverse("api-my-delete"), {}, format="json").status_code == 400
    response = api_client.post(
        reverse("api-my-delete"), {"password": "correct-horse-battery-9"}, format="json"
    )
    assert response.status_code == 204
    assert User.objects.get(pk=candidate.pk).left_at is not None


def test_staff_erase_a_member_in_the_admin(client, staff, candidate):
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "erase", "_selected_action": [candidate.pk]}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=candidate.pk).display_name == "a former member"


@pytest.mark.parametrize(
    ("method", "name", "body"),
    [
        ("post", "api-my-delete", ["not", "an", "object"]),
        ("post", "api-my-delete", {"password": None}),
        ("patch", "api-my-notifications", ["remind_1h"]),
        ("patch", "api-my-notifications", {"remind_24h": {"deep": 1}}),
        ("patch", "api-me", {"interviewer_level": "L9"}),
        ("post", "api-sessions", {"slot": "x" * 300}),
    ],
)
def test_bad_input_to_the_new_endpoints_is_a_clear_400(api_client, candidate, method, name, body):
    api_client.force_authenticate(candidate)
    response = getattr(api_client, method)(reverse(name), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert User.objects.get(pk=candidate.pk).left_at is None


def test_the_leaving_pages_refuse_a_get_and_a_missing_password(client, candidate):
    client.force_login(candidate)
    assert client.get(reverse("account-delete")).status_code == 405
    assert client.get(reverse("notification-preferences")).status_code == 405
    response = client.post(reverse("account-delete"), {}, follow=True)
    assert "That is not your password" in response.content.decode()
    assert User.objects.get(pk=candidate.pk).left_at is None


def test_deleting_erases_account_emails_to_every_address_of_theirs(candidate):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=candidate, email="cara.new@example.com", verified=False)
    now = timezone.now()
    for address in ("cara.new@example.com", "someone.else@example.com"):
        OutboxMessage.objects.create(
            to_email=address, kind="account_email", payload={"subject": "Confirm", "body": "x", "html": "",
            "from": "PeerLoop <noreply@peerloop.local>"}, due_at=now, next_attempt_at=now,
        )  # fmt: skip
    member_delete(user=candidate)
    assert list(OutboxMessage.objects.values_list("to_email", flat=True)) == ["someone.else@example.com"]
