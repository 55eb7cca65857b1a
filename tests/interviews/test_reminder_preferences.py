"""Notification preferences: members turn reminders off; the outbox does not write those (as they
are when the reminder falls due), and confirmations and cancellations always go."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from interviews.notifications.models import OutboxMessage
from interviews.sessions.booking import session_book
from interviews.sessions.lifecycle import session_cancel, sessions_complete_ended
from interviews.sessions.messages import outbox_reminders_due
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def _kinds(user, session) -> set[str]:
    return set(OutboxMessage.objects.filter(recipient=user, session=session).values_list("kind", flat=True))


def _reminders_come_due(session) -> None:
    for before in (timedelta(hours=24), timedelta(hours=1)):
        outbox_reminders_due(now=session.start - before)


def _book(candidate, interviewer, days=3):
    slot = SlotFactory(
        interviewer=interviewer,
        start=timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=days),
    )
    return session_book(candidate=User.objects.get(pk=candidate.pk), slot_id=slot.pk)


def test_turning_off_the_24_hour_reminder_suppresses_exactly_it(api_client, candidate, interviewer):
    api_client.force_authenticate(candidate)
    response = api_client.patch(reverse("api-my-notifications"), {"remind_24h": False}, format="json")
    assert response.json() == {"remind_24h": False, "remind_1h": True, "remind_rubric": True}
    session = _book(candidate, interviewer)
    _reminders_come_due(session)
    assert _kinds(candidate, session) == {"booking_confirmation", "reminder_1h"}
    assert _kinds(interviewer, session) == {"booking_confirmation", "reminder_24h", "reminder_1h"}


def test_with_every_reminder_off_confirmations_and_cancellations_still_go(client, candidate, interviewer):
    client.force_login(candidate)
    response = client.post(reverse("notification-preferences"), {})  # every box unticked
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.remind_24h, candidate.remind_1h, candidate.remind_rubric) == (False, False, False)
    session = _book(candidate, interviewer)
    _reminders_come_due(session)
    assert _kinds(candidate, session) == {"booking_confirmation"}
    session_cancel(session=session, by=interviewer, reason="Called away")
    assert _kinds(candidate, session) == {"booking_confirmation", "cancellation"}


def test_the_page_keeps_the_ticked_reminders(client, candidate):
    client.force_login(candidate)
    client.post(reverse("notification-preferences"), {"remind_1h": "on"})
    candidate.refresh_from_db()
    assert (candidate.remind_24h, candidate.remind_1h, candidate.remind_rubric) == (False, True, False)
    page = client.get(reverse("profile")).content.decode()
    assert "Reminders" in page and 'name="remind_1h"' in page


def test_an_interviewer_can_turn_off_the_overdue_rubric_reminder_but_not_the_ask(candidate, interviewer):
    User.objects.filter(pk=interviewer.pk).update(remind_rubric=False)
    session = _book(candidate, interviewer, days=1)
    sessions_complete_ended(now=session.end + timedelta(minutes=1))
    kinds = _kinds(User.objects.get(pk=interviewer.pk), session)
    assert "rubric_due" in kinds and "rubric_overdue" not in kinds


def test_the_overdue_rubric_reminder_is_written_by_default(candidate, interviewer):
    session = _book(candidate, interviewer, days=1)
    sessions_complete_ended(now=session.end + timedelta(minutes=1))
    assert {"rubric_due", "rubric_overdue"} <= _kinds(interviewer, session)


def test_bad_preferences_are_a_400(api_client, candidate):
    api_client.force_authenticate(candidate)
    response = api_client.patch(reverse("api-my-notifications"), {"remind_1h": "maybe"}, format="json")
    assert response.status_code == 400


def test_a_reminder_turned_off_after_booking_is_not_sent(candidate, interviewer):
    session = _book(candidate, interviewer)
    User.objects.filter(pk=candidate.pk).update(remind_1h=False)
    _reminders_come_due(session)
    assert _kinds(candidate, session) == {"booking_confirmation", "reminder_24h"}
    assert _kinds(interviewer, session) == {"booking_confirmation", "reminder_24h", "reminder_1h"}
