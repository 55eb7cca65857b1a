import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse
from rest_framework.authtoken.models import Token

from interviews.sessions.booking import session_book
from tests.factories import PASSWORD, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_token_for_a_verified_member_authenticates_api_calls(api_client, candidate):
    response = api_client.post("/api/v1/auth/token/", {"email": candidate.email, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=candidate).key == token

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me/").json()["email"] == candidate.email


def test_token_with_a_wrong_password_is_refused_with_a_message(api_client, candidate):
    response = api_client.post("/api/v1/auth/token/", {"email": candidate.email, "password": "nope"})
    assert response.status_code == 400
    assert response.json()["detail"] == "That e-mail and password do not match an account."
    assert not Token.objects.exists()


def test_token_for_an_unverified_email_is_refused(api_client):
    user = UserFactory(verified=False)
    response = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Verify your e-mail address first" in response.json()["detail"]


def test_token_endpoint_is_rate_limited(api_client, candidate):
    statuses = [
        api_client.post("/api/v1/auth/token/", {"email": candidate.email, "password": "nope"}).status_code
        for _ in range(6)
    ]
    assert statuses == [400] * 5 + [429]
    response = api_client.post("/api/v1/auth/token/", {"email": candidate.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "throttled" in response.json()["detail"].lower()


def test_token_endpoint_rejects_malformed_input(api_client):
    response = api_client.post("/api/v1/auth/token/", {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "password"}


class TestTwoFactorAndRevocation:
    def test_two_factor_accounts_need_the_current_code(self, api_client, candidate):
        secret = generate_totp_secret()
        TOTP.activate(candidate, secret)
        url = reverse("api-token")
        response = api_client.post(url, {"email": candidate.email, "password": PASSWORD})
        assert response.status_code == 400
        assert "Two-factor is on" in response.json()["detail"]
        response = api_client.post(url, {"email": candidate.email, "password": PASSWORD, "code": "000000"})
        assert response.status_code == 400
        assert not Token.objects.exists()
        code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        response = api_client.post(url, {"email": candidate.email, "password": PASSWORD, "code": code})
        assert response.status_code == 200
        assert Authenticator.objects.filter(user=candidate).exists()

    def test_a_new_password_and_delete_both_end_the_token(self, api_client, client, candidate):
        token = api_client.post(
            reverse("api-token"), {"email": candidate.email, "password": PASSWORD}
        ).json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api_client.delete(reverse("api-token")).status_code == 204
        response = api_client.get(reverse("api-me"))
        assert response.status_code == 403
        assert response.json()["detail"] == "Invalid token."
        token = api_client.post(
            reverse("api-token"), {"email": candidate.email, "password": PASSWORD}
        ).json()["token"]
        client.force_login(candidate)
        response = client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "An0ther-long-passphrase",
                "password2": "An0ther-long-passphrase",
            },
        )
        assert response.status_code == 302
        assert not Token.objects.filter(key=token).exists()

    def test_token_clients_get_times_in_their_own_zone(self, api_client, candidate, interviewer):
        session = session_book(candidate=candidate, slot_id=SlotFactory(interviewer=interviewer).pk)
        token = Token.objects.create(user=candidate)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        start = api_client.get(reverse("api-session-detail", args=[session.pk])).json()["start"]
        assert start == session.start.astimezone(candidate.zone).isoformat()
