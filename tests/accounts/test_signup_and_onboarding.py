import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from interviews.notifications.models import OutboxMessage
from interviews.notifications.outbox import outbox_dispatch
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ONBOARDING = {
    "display_name": "Nora New",
    "time_zone": "America/New_York",
    "current_level": "L3",
    "target_level": "L4",
    "target_company_type": "faang",
}


def _confirmation_link(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_signup_sends_a_verification_mail_and_blocks_login_until_verified(client, mailoutbox):
    response = client.post(
        reverse("account_signup"), {"email": "nora@example.com", "password1": "a-Long-passphrase-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nora@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    # The request only wrote the e-mail to the outbox; the dispatcher sends it.
    assert mailoutbox == []
    assert outbox_dispatch() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nora@example.com"]
    # In PeerLoop's words, in text and HTML: no "Hello from 127.0.0.1:8000".
    assert mailoutbox[0].subject.startswith("PeerLoop: ")
    assert "The PeerLoop team" in mailoutbox[0].body
    assert "Hello from" not in mailoutbox[0].body
    html = mailoutbox[0].alternatives[0][0]
    assert "/accounts/confirm-email/" in html

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "nora@example.com", "password": "a-Long-passphrase-42"}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_following_the_link_verifies_and_onboarding_comes_before_anything_else(client, mailoutbox):
    client.post(reverse("account_signup"), {"email": "nora@example.com", "password1": "a-Long-passphrase-42"})
    outbox_dispatch()
    link = _confirmation_link(mailoutbox[0])

    assert client.get(link).status_code == 200
    response = client.post(link, follow=True)
    assert EmailAddress.objects.get(email="nora@example.com").verified
    assert response.redirect_chain[-1][0].startswith(reverse("onboarding"))

    # Any other page sends a new member back to onboarding, remembering where they were going.
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("onboarding"))

    page = client.get(reverse("onboarding"))
    assert page.status_code == 200
    assert b"data-browser-timezone" in page.content

    response = client.post(reverse("onboarding"), ONBOARDING)
    assert response.status_code == 302
    user = User.objects.get(email="nora@example.com")
    assert user.is_onboarded
    assert (user.display_name, user.time_zone, user.target_level) == ("Nora New", "America/New_York", "L4")
    dashboard = client.get(reverse("home"))
    assert dashboard.status_code == 200
    assert b"Hello, Nora New" in dashboard.content


def test_signup_with_a_taken_email_does_not_reveal_the_account(client, candidate, mailoutbox):
    response = client.post(
        reverse("account_signup"), {"email": candidate.email, "password1": "a-Long-passphrase-42"}
    )
    # Same answer as for a new address; the owner gets a mail instead of a second account.
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email=candidate.email).count() == 1
    outbox_dispatch()
    assert mailoutbox[0].to == [candidate.email]


def test_login_is_rate_limited_after_repeated_failures(client, candidate):
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": candidate.email, "password": "wrong"})
        assert b"not correct" in response.content
    # Even the right password is refused for a while now.
    response = client.post(reverse("account_login"), {"login": candidate.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_allauth(client, staff, candidate):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    client.force_login(candidate)
    assert client.get("/admin/", follow=True).status_code == 403
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_mfa_totp_setup_page_is_available(client, candidate):
    client.force_login(candidate)
    response = client.get(reverse("mfa_activate_totp"))
    # allauth asks to re-enter the password before changing security settings
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("mfa_index")).status_code == 200


def test_account_emails_survive_a_mail_server_outage(client, candidate, settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nobody there
    response = client.post(reverse("account_reset_password"), {"email": candidate.email})
    assert response.status_code == 302  # the request does not wait on, or fail with, the server
    assert outbox_dispatch() == 0
    row = OutboxMessage.objects.get(kind="account_email", recipient=candidate)
    assert row.attempts == 1
    assert row.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    assert outbox_dispatch(now=timezone.now() + timedelta(hours=1)) == 1
    assert mailoutbox[0].to == [candidate.email]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert mailoutbox[0].extra_headers["Message-ID"] == f"<outbox-{row.pk}@127.0.0.1>"


class CountingHasher(MD5PasswordHasher):
    """Fast like the suite's hasher, and counts the hashes computed."""

    algorithm = "counting_md5"
    hashes = 0

    def encode(self, password, salt):
        CountingHasher.hashes += 1
        return super().encode(password, salt)


@pytest.mark.parametrize("existing", [False, True], ids=["new address", "known address"])
def test_signup_hashes_the_password_whether_or_not_the_address_is_known(
    client, candidate, mailoutbox, settings, existing
):
    # Hashing is what a sign-up spends its time on; done for a known address too, the answer takes
    # as long either way and its timing does not tell whether the address has an account.
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.hashes = 0
    email = candidate.email if existing else "nora@example.com"
    response = client.post(reverse("account_signup"), {"email": email, "password1": "a-Long-passphrase-42"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert CountingHasher.hashes == 1
    assert User.objects.filter(email=email).count() == 1
    outbox_dispatch()
    assert len(mailoutbox) == 1


def test_the_name_given_at_signup_is_carried_into_onboarding(client, mailoutbox):
    page = client.get(reverse("account_signup")).content.decode()
    assert '<label for="id_display_name">Your name</label>' in page  # words as a person writes them
    assert "Email:" not in page
    client.post(
        reverse("account_signup"),
        {"display_name": "Nora New", "email": "nora@example.com", "password1": "a-Long-passphrase-42"},
    )
    assert User.objects.get(email="nora@example.com").display_name == "Nora New"
