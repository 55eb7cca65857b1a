"""Issue #12, findings 1 and 2: one notion of the client's address for every limit, per-account
limits on the token endpoint as on the sign-in page, and a locked-out owner still gets in."""

import re
import time
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse
from rest_framework.authtoken.models import Token

from interviews.notifications.outbox import outbox_dispatch
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_forged_x_forwarded_for_does_not_escape_the_token_rate_limit(api_client, candidate):
    statuses = [
        api_client.post(
            TOKEN_URL,
            {"email": f"nobody{n}@example.com", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(8)
    ]
    assert statuses == [400] * 5 + [429] * 3


def test_behind_one_proxy_the_address_it_saw_is_limited_not_the_one_the_client_wrote(
    api_client, candidate, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    statuses = [
        api_client.post(
            TOKEN_URL,
            {"email": f"nobody{n}@example.com", "password": "guess"},
            # The client's made-up entry first, then the address our proxy saw.
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7",
        ).status_code
        for n in range(6)
    ]
    assert statuses == [400] * 5 + [429]
    # Another client behind the same proxy is not blocked by the first one.
    response = api_client.post(
        TOKEN_URL,
        {"email": candidate.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert response.status_code == 200


def test_token_endpoint_locks_the_account_after_five_wrong_passwords_from_many_addresses(
    api_client, candidate
):
    statuses = [
        api_client.post(
            TOKEN_URL, {"email": candidate.email, "password": "guess"}, REMOTE_ADDR=f"192.0.2.{n}"
        ).status_code
        for n in range(6)
    ]
    assert statuses == [400] * 5 + [429]
    response = api_client.post(
        TOKEN_URL, {"email": candidate.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.100"
    )
    assert response.status_code == 429
    assert "sign-in code" in response.json()["detail"]
    assert not Token.objects.exists()


def test_wrong_two_factor_codes_count_against_the_account(api_client, candidate):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(candidate, secret)
    statuses = [
        api_client.post(
            TOKEN_URL,
            {"email": candidate.email, "password": PASSWORD, "code": "000000"},
            REMOTE_ADDR=f"192.0.2.{n}",
        ).status_code
        for n in range(6)
    ]
    assert statuses[-1] == 429 and set(statuses[:3]) == {400}
    response = api_client.post(
        TOKEN_URL,
        {"email": candidate.email, "password": PASSWORD, "code": _code(secret)},
        REMOTE_ADDR="192.0.2.100",
    )
    assert response.status_code == 429
    assert not Token.objects.exists()


def _login(client, email, password, address):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address)


def test_a_locked_sign_in_answers_429_and_the_owner_gets_in_with_a_code(client, candidate, mailoutbox):
    attacker = "198.51.100.66"
    for _ in range(5):
        assert _login(client, candidate.email, "guess", attacker).status_code == 200
    response = _login(client, candidate.email, "guess", attacker)
    assert response.status_code == 429
    assert "sign-in code" in response.content.decode()

    # The owner, elsewhere and with the right password, is told how to get in ...
    owner = "203.0.113.20"
    response = _login(client, candidate.email, PASSWORD, owner)
    assert response.status_code == 429
    assert reverse("account_request_login_code") in response.content.decode()
    assert "_auth_user_id" not in client.session

    # ... and does, with the code we e-mail.
    response = client.post(
        reverse("account_request_login_code"), {"email": candidate.email}, REMOTE_ADDR=owner
    )
    assert response.status_code == 302
    outbox_dispatch()  # the code goes through the outbox like every account e-mail
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.MULTILINE).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, REMOTE_ADDR=owner)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(candidate.pk)

    # The attacker is still refused.
    client.logout()
    assert _login(client, candidate.email, "guess", attacker).status_code == 429


def test_behind_the_proxy_one_address_failing_does_not_block_the_others(client, candidate, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(12):
        client.post(
            reverse("account_login"),
            {"login": f"nobody{n}@example.com", "password": "guess"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    response = client.post(
        reverse("account_login"),
        {"login": "nobody@example.com", "password": "guess"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert response.status_code == 429
    response = client.post(
        reverse("account_login"),
        {"login": candidate.email, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.20",
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(candidate.pk)


def test_turning_two_factor_on_revokes_the_api_token_and_says_so(
    transactional_db, client, api_client, candidate
):
    # Transactional: allauth tells us about the new authenticator once its transaction commits.
    token = Token.objects.create(user=candidate)
    assert _login(client, candidate.email, PASSWORD, "192.0.2.1").status_code == 302
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    assert not Token.objects.filter(key=token.key).exists()
    assert "your API token no longer works" in client.get(reverse("mfa_index")).content.decode()

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get("/api/v1/me/").status_code in (401, 403)
    response = api_client.post(TOKEN_URL, {"email": candidate.email, "password": PASSWORD})
    assert response.status_code == 400 and not Token.objects.exists()


def test_the_migration_revokes_tokens_made_before_two_factor_was_turned_on(candidate, interviewer, outsider):
    import importlib

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.apps import apps
    from django.utils import timezone

    migration = importlib.import_module("accounts.migrations.0003_revoke_tokens_older_than_totp")
    now = timezone.now()
    for user in (candidate, interviewer, outsider):
        Token.objects.create(user=user)
    Token.objects.update(created=now - timedelta(days=2))
    for user, turned_on in ((candidate, now - timedelta(days=1)), (interviewer, now - timedelta(days=3))):
        TOTP.activate(user, generate_totp_secret())
        Authenticator.objects.filter(user=user).update(created_at=turned_on)

    migration.revoke_tokens_older_than_totp(apps, None)

    assert set(Token.objects.values_list("user", flat=True)) == {interviewer.pk, outsider.pk}
