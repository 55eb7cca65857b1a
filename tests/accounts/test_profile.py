import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

VALID = {
    "display_name": "Cara",
    "time_zone": "Europe/Berlin",
    "current_level": "L3",
    "target_level": "L4",
    "target_company_type": "faang",
}


def _post_profile(client, user, **changes):
    client.force_login(user)
    return client.post(reverse("profile"), {**VALID, **changes})


def test_profile_page_saves_valid_changes(client, candidate):
    response = _post_profile(client, candidate, display_name="Cara Cooper", target_level="L5")
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.display_name, candidate.target_level) == ("Cara Cooper", "L5")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Select a valid choice"),
        ({"is_interviewer": "on"}, "interviewer_level", "Say which level you hold or held"),
        ({"is_interviewer": "on"}, "sessions_per_week", "how many sessions a week"),
        (
            {
                "is_interviewer": "on",
                "interviewer_level": "L4",
                "company_experience": "both",
                "sessions_per_week": 11,
            },
            "sessions_per_week",
            "At most 10 sessions a week.",
        ),
        (
            {
                "is_interviewer": "on",
                "interviewer_level": "L4",
                "company_experience": "both",
                "sessions_per_week": 0,
            },
            "sessions_per_week",
            "Take at least 1 session a week.",
        ),
        ({"display_name": ""}, "display_name", "This field is required."),
        ({"target_level": "L9"}, "target_level", "Select a valid choice"),
    ],
)
def test_profile_page_shows_an_inline_error_for_each_bad_value(client, candidate, changes, field, message):
    client.force_login(candidate)
    before = User.objects.values().get(pk=candidate.pk)
    response = client.post(reverse("profile"), {**VALID, **changes})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert message.encode() in response.content or b"Select a valid choice" in response.content
    assert User.objects.values().get(pk=candidate.pk) == before


def test_opting_in_as_interviewer_with_every_field_works(client, candidate):
    response = _post_profile(
        client,
        candidate,
        is_interviewer="on",
        interviewer_level="L4",
        company_experience="startup",
        sessions_per_week=3,
        bio="Ranking at a marketplace.",
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.is_interviewer and candidate.sessions_per_week == 3


def test_api_me_reads_the_profile(api_client, candidate):
    api_client.force_authenticate(candidate)
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == candidate.email
    assert response.json()["onboarded"] is True


def test_api_me_requires_authentication(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 403
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "is not a time zone we know"),
        ({"is_interviewer": True}, "interviewer_level", "Say which level you hold or held"),
        (
            {
                "is_interviewer": True,
                "interviewer_level": "L4",
                "company_experience": "both",
                "sessions_per_week": 11,
            },
            "sessions_per_week",
            "At most 10 sessions a week.",
        ),
        ({"target_level": "L9"}, "target_level", "is not a valid choice"),
        ({"display_name": ""}, "display_name", "Tell us the name other members will see."),
    ],
)
def test_api_me_rejects_each_bad_value_with_a_message(api_client, candidate, payload, field, message):
    api_client.force_authenticate(candidate)
    before = User.objects.values().get(pk=candidate.pk)
    response = api_client.patch("/api/v1/me/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert any(message in error for error in body["errors"][field]), body
    assert body["detail"]
    assert User.objects.values().get(pk=candidate.pk) == before


def test_api_me_patch_saves_and_returns_the_profile(api_client, candidate):
    api_client.force_authenticate(candidate)
    response = api_client.patch(
        "/api/v1/me/",
        {
            "is_interviewer": True,
            "interviewer_level": "L4",
            "company_experience": "faang",
            "sessions_per_week": 2,
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["interviewer_level"] == "L4"
    candidate.refresh_from_db()
    assert candidate.is_interviewer


def test_api_me_cannot_change_the_email(api_client, candidate):
    api_client.force_authenticate(candidate)
    api_client.patch("/api/v1/me/", {"email": "other@example.com"}, format="json")
    candidate.refresh_from_db()
    assert candidate.email == "cara.test@example.com"


def test_a_target_below_the_current_level_needs_a_confirmation(client, candidate):
    client.force_login(candidate)
    data = {
        "display_name": "Cara Test", "time_zone": "Europe/Berlin", "current_level": "L5",
        "target_level": "L3", "target_company_type": "faang", "sessions_per_week": 1,
    }  # fmt: skip
    response = client.post(reverse("profile"), data)
    assert response.status_code == 200
    assert "Your target is below your current level" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.target_level != "L3"
    response = client.post(reverse("profile"), {**data, "confirm_lower_target": "on"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.target_level == "L3"


def test_blank_choices_say_what_to_pick(client, candidate):
    client.force_login(candidate)
    page = client.get(reverse("profile")).content.decode()
    assert "---------" not in page
    assert "Choose level you hold or held…" in page


def test_the_zone_list_marks_the_members_zone_and_the_one_asked_for(client, candidate):
    """The zone <select> is joined from ready-made options: the member's own zone (and after a bad
    post, the zone they asked for) is the one selected, labels read with spaces, ids tie the label."""
    client.force_login(candidate)
    candidate.time_zone = "America/New_York"
    candidate.save(update_fields=["time_zone"])
    page = client.get(reverse("profile")).content.decode()
    select = page[page.index('<select name="time_zone"') :]
    select = select[: select.index("</select>")]
    assert 'id="id_time_zone"' in select
    assert select.count(" selected") == 1
    assert '<option value="America/New_York" selected>America/New York</option>' in select
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in select
    assert '<label for="id_time_zone">' in page

    page = _post_profile(client, candidate, time_zone="Asia/Kolkata", display_name="").content.decode()
    assert '<option value="Asia/Kolkata" selected>' in page
    assert page.count('<option value="America/New_York" selected>') == 0
