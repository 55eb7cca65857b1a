import pytest
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD, UserFactory

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
