"""Rules found missing in review: each one now enforced where it belongs, and tested here."""

import time
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.errors import Conflict
from interviews.notifications.models import OutboxMessage
from interviews.notifications.outbox import outbox_dispatch
from interviews.sessions.booking import session_book, session_reschedule
from interviews.sessions.lifecycle import session_cancel, session_report_no_show
from interviews.sessions.selectors import slots_available
from rubrics.services import evaluation_save
from tests.factories import PASSWORD, InterviewerFactory, SessionFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(interviewer):
    return SlotFactory(interviewer=interviewer)


class TestApiTokens:
    def test_two_factor_accounts_need_the_current_code(self, api_client, candidate):
        secret = generate_totp_secret()
        TOTP.activate(candidate, secret)
        url = reverse("api-token")
        response = api_client.post(url, {"email": candidate.email, "password": PASSWORD})
        assert response.status_code == 400 and "Two-factor is on" in response.json()["detail"]
        response = api_client.post(url, {"email": candidate.email, "password": PASSWORD, "code": "000000"})
        assert response.status_code == 400 and not Token.objects.exists()
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
        assert response.status_code in (401, 403) and response.json()["detail"] == "Invalid token."
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

    def test_token_clients_get_times_in_their_own_zone(self, api_client, candidate, slot):
        session = session_book(candidate=candidate, slot_id=slot.pk)
        token = Token.objects.create(user=candidate)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        start = api_client.get(reverse("api-session-detail", args=[session.pk])).json()["start"]
        assert start == session.start.astimezone(candidate.zone).isoformat()


def test_a_deactivated_interviewer_is_neither_offered_nor_bookable(candidate):
    gone = InterviewerFactory(is_active=False)
    slot = SlotFactory(interviewer=gone)
    now = timezone.now()
    assert slots_available(candidate=candidate, target_level="L4", company_type="faang", start=now,
                           end=now + timedelta(days=7)) == []  # fmt: skip
    with pytest.raises(Exception, match="not taking interviews"):
        session_book(candidate=candidate, slot_id=slot.pk)


class TestNoShowWindow:
    def test_not_after_48_hours_nor_once_evaluated(self, candidate, interviewer, full_data=None):
        old = SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(days=5)),
        )
        with pytest.raises(Exception, match="within 48 hours"):
            session_report_no_show(session=old, by=candidate)
        recent = SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(hours=3)),
        )
        evaluation_save(session=recent, interviewer=interviewer, data={"hints": 1})  # a draft does not count
        from rubrics.models import Evaluation

        Evaluation.objects.filter(session=recent).update(status="submitted", submitted_at=timezone.now())
        with pytest.raises(Conflict, match="already evaluated"):
            session_report_no_show(session=recent, by=candidate)


class TestBadInputNever500:
    def test_slots_api_for_a_member_without_a_target(self, api_client):
        member = UserFactory(target_level="", target_company_type="")
        api_client.force_authenticate(member)
        response = api_client.get(reverse("api-slots"))
        assert response.status_code == 400 and "target_level" in response.json()["errors"]

    def test_far_future_dates(self, api_client, client, candidate):
        api_client.force_authenticate(candidate)
        response = api_client.get(reverse("api-slots"), {"start": "9999-12-30T00:00:00Z"})
        assert response.status_code == 400
        client.force_login(candidate)
        response = client.get(reverse("find-slot"), {"start": "9999-12-30", "end": "9999-12-31"})
        assert response.status_code == 200 and b"Search within the coming year." in response.content
        far = {
            "target_level": "L4",
            "company_type": "faang",
            "day_0": "9999-12-31",
            "from_0": "22:00",
            "to_0": "01:00",
        }
        response = client.post(reverse("match-requests"), far)
        assert response.status_code == 200 and b"Choose a day in the next four weeks." in response.content

    def test_huge_intervention_counts(self, candidate, interviewer):
        session = SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(hours=2)),
        )
        with pytest.raises(Exception, match="At most 50"):
            evaluation_save(session=session, interviewer=interviewer, data={"hints": 40000})

    def test_rescheduling_onto_the_current_slot_from_the_page(self, client, candidate, slot):
        session = session_book(candidate=candidate, slot_id=slot.pk)
        client.force_login(candidate)
        response = client.post(reverse("session-reschedule", args=[session.pk]), {"slot": str(slot.pk)})
        assert response.status_code == 400 and b"That is the session&#x27;s current slot." in response.content
        session.refresh_from_db()
        assert session.sequence == 0


def test_a_reschedule_under_24_hours_is_recorded_as_late(candidate, interviewer):
    start = (timezone.now() + timedelta(hours=10)).replace(minute=0, second=0, microsecond=0)
    session = session_book(candidate=candidate, slot_id=SlotFactory(interviewer=interviewer, start=start).pk)
    moved = session_reschedule(
        session=session,
        candidate=candidate,
        slot_id=SlotFactory(interviewer=interviewer, start=start + timedelta(days=3)).pk,
    )
    assert moved.late_cancellation


def test_a_confirmation_retried_after_a_cancel_is_not_sent(settings, candidate, interviewer, slot):
    session = session_book(candidate=candidate, slot_id=slot.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    outbox_dispatch()  # confirmations fail and wait for a retry
    session_cancel(session=session, by=candidate, reason="Plans changed.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    outbox_dispatch(now=timezone.now() + timedelta(hours=1))
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Cancelled"}
    assert OutboxMessage.objects.filter(kind="booking_confirmation", withdrawn_at__isnull=False).count() == 2
