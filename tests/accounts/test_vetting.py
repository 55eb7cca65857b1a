"""Vetted interviewers: opting in makes a "new" interviewer, L5+ needs staff approval, and a new
interviewer's evaluations are provisional until staff vet them. Page and API apply one rule."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import interviewer_approve
from interviews.sessions.selectors import slots_available
from tests.factories import SessionFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "display_name": "Vera",
    "time_zone": "Europe/Berlin",
    "current_level": "L5",
    "target_level": "L5",
    "target_company_type": "faang",
}
OPT_IN_L5 = {
    "is_interviewer": True,
    "interviewer_level": "L5",
    "company_experience": "both",
    "sessions_per_week": 4,
}


def _by_api(api_client, user, data):
    api_client.force_authenticate(user)
    return api_client.patch(reverse("api-me"), data, format="json")


def _by_page(client, user, data):
    client.force_login(user)
    form = {**PROFILE, **{k: ("on" if v is True else v) for k, v in data.items()}}
    return client.post(reverse("profile"), form, follow=True)


@pytest.mark.parametrize("interface", ["api", "page"])
def test_an_l5_claim_without_approval_waits_for_staff_and_interviews_at_l4(interface, client, api_client):
    vera = UserFactory(**PROFILE)
    response = (
        _by_api(api_client, vera, OPT_IN_L5) if interface == "api" else _by_page(client, vera, OPT_IN_L5)
    )
    assert response.status_code == 200
    vera.refresh_from_db()
    assert (vera.is_interviewer, vera.interviewer_level, vera.level_claim) == (True, "L4", "L5")
    assert vera.is_new_interviewer
    if interface == "api":
        body = response.json()
        assert (body["interviewer_level"], body["level_claim"], body["interviewer_status"]) == (
            "L4",
            "L5",
            "new",
        )
    else:
        assert "Interviewing at L5+ needs staff approval" in response.content.decode()


@pytest.mark.parametrize("interface", ["api", "page"])
def test_an_unapproved_l5_claim_is_not_offered_to_l5_candidates(interface, client, api_client):
    vera = UserFactory(**PROFILE)
    _by_api(api_client, vera, OPT_IN_L5) if interface == "api" else _by_page(client, vera, OPT_IN_L5)
    SlotFactory(interviewer=vera)
    sam = UserFactory(target_level="L5")
    now = timezone.now()
    offered = slots_available(
        candidate=sam, target_level="L5", company_type="faang", start=now, end=now + timedelta(days=7)
    )
    assert offered == []


@pytest.mark.parametrize("interface", ["api", "page"])
def test_opting_in_at_l4_makes_a_new_interviewer_without_a_claim(interface, client, api_client):
    vera = UserFactory(**PROFILE)
    data = {**OPT_IN_L5, "interviewer_level": "L4"}
    _by_api(api_client, vera, data) if interface == "api" else _by_page(client, vera, data)
    vera.refresh_from_db()
    assert (vera.interviewer_level, vera.level_claim, vera.is_new_interviewer) == ("L4", "", True)


def test_an_approved_interviewer_may_choose_l5(api_client):
    vera = UserFactory(**PROFILE, senior_approved_at=timezone.now())
    response = _by_api(api_client, vera, OPT_IN_L5)
    assert (response.json()["interviewer_level"], response.json()["level_claim"]) == ("L5", "")


def test_choosing_a_lower_level_withdraws_the_claim(api_client):
    vera = UserFactory(**PROFILE)
    _by_api(api_client, vera, OPT_IN_L5)
    _by_api(api_client, vera, {"interviewer_level": "L3"})
    vera.refresh_from_db()
    assert (vera.interviewer_level, vera.level_claim) == ("L3", "")


def test_staff_approve_a_claim_in_the_admin_and_it_takes_effect(client, api_client, staff):
    vera = UserFactory(**PROFILE)
    _by_api(api_client, vera, OPT_IN_L5)
    client.force_login(staff)
    queue = client.get(reverse("admin:accounts_user_changelist") + "?level_claim=L5").content.decode()
    assert vera.email in queue
    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "approve_senior", "_selected_action": [vera.pk]}
    )
    assert response.status_code == 302
    vera.refresh_from_db()
    assert (vera.interviewer_level, vera.level_claim, vera.is_new_interviewer) == ("L5", "", False)
    assert vera.senior_approved_at is not None


def _submit(session, full_data):
    from rubrics.services import evaluation_save

    return evaluation_save(
        session=session, interviewer=session.interviewer, data=full_data, submit=True, now=session.end
    )


@pytest.fixture
def full_data():
    from rubrics.selectors import rubric_current

    return {
        "scores": {d.key: {"score": 3, "evidence": ""} for d in rubric_current().dimensions.all()},
        "recommended_level": "L4",
        "verdict": "yes",
        "strengths": "Clear framing of the objective and a solid baseline model.",
        "improvements": "Go deeper on labelling: delayed labels and position bias matter here.",
    }


def _past_session(interviewer):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    return SessionFactory(slot=SlotFactory(interviewer=interviewer, start=start), status="completed")


def test_a_new_interviewers_evaluation_is_provisional_until_staff_vet_them(client, staff, full_data):
    newbie = UserFactory(
        is_interviewer=True, interviewer_level="L4", company_experience="both", sessions_per_week=3
    )
    evaluation = _submit(_past_session(newbie), full_data)
    assert evaluation.provisional
    client.force_login(staff)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "vet_interviewers", "_selected_action": [newbie.pk]},
    )
    evaluation.refresh_from_db()
    assert not evaluation.provisional
    assert not User.objects.get(pk=newbie.pk).is_new_interviewer


def test_a_vetted_interviewers_evaluation_is_not_provisional(interviewer, full_data):
    assert not _submit(_past_session(interviewer), full_data).provisional


def test_staff_confirm_provisional_evaluations_in_the_admin(client, staff, full_data):
    newbie = UserFactory(
        is_interviewer=True, interviewer_level="L4", company_experience="both", sessions_per_week=3
    )
    evaluation = _submit(_past_session(newbie), full_data)
    client.force_login(staff)
    client.post(
        reverse("admin:rubrics_evaluation_changelist"),
        {"action": "confirm", "_selected_action": [evaluation.pk]},
    )
    evaluation.refresh_from_db()
    assert not evaluation.provisional
    assert User.objects.get(pk=newbie.pk).is_new_interviewer  # the interviewer is still new


def test_the_candidate_sees_a_provisional_evaluation_marked(api_client, full_data):
    newbie = UserFactory(
        is_interviewer=True, interviewer_level="L4", company_experience="both", sessions_per_week=3
    )
    session = _past_session(newbie)
    _submit(session, full_data)
    api_client.force_authenticate(session.candidate)
    body = api_client.get(reverse("api-evaluation", args=[session.pk])).json()
    assert body["provisional"] is True


def test_interviewer_approve_is_idempotent():
    vera = UserFactory(
        **PROFILE, is_interviewer=True, interviewer_level="L4", company_experience="both", sessions_per_week=2
    )
    first = interviewer_approve(user=vera).interviewer_vetted_at
    assert interviewer_approve(user=vera).interviewer_vetted_at == first


def test_staff_see_the_vetting_queue_on_the_calibration_page(
    client, api_client, staff, interviewer, full_data
):
    vera = UserFactory(**PROFILE)
    _by_api(api_client, vera, OPT_IN_L5)
    newbie = UserFactory(
        display_name="Ned New",
        is_interviewer=True,
        interviewer_level="L4",
        company_experience="both",
        sessions_per_week=3,
    )
    _submit(_past_session(newbie), full_data)
    client.force_login(staff)
    page = client.get(reverse("staff-calibration")).content.decode()
    assert "Waiting for vetting" in page
    assert "Vera" in page and "approval for L5+" in page
    assert "Ned New" in page
    assert interviewer.name not in page  # vetted, no claim
