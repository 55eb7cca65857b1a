import re
from datetime import timedelta
from pathlib import Path

import ics
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from interviews.notifications.kinds import KINDS
from interviews.notifications.models import OutboxMessage
from interviews.notifications.outbox import outbox_dispatch, outbox_retry
from interviews.sessions.booking import session_book, session_reschedule
from interviews.sessions.lifecycle import session_cancel
from interviews.sessions.messages import outbox_reminders_due
from tests.factories import InterviewerFactory, SlotFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def session(candidate, interviewer):
    # Cara in Berlin (factory default) books Ivan; Ivan reads times in Tokyo.
    interviewer.time_zone = "Asia/Tokyo"
    interviewer.save()
    candidate.time_zone = "America/New_York"
    candidate.save()
    start = (timezone.now() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    return session_book(candidate=candidate, slot_id=SlotFactory(interviewer=interviewer, start=start).pk)


def _invite(message) -> tuple[str, ics.Event]:
    (attachment,) = [a for a in message.attachments if a[0] == "invite.ics"]
    text = attachment[1].decode() if isinstance(attachment[1], bytes) else attachment[1]
    method = re.search(r"^METHOD:(\w+)", text, re.M).group(1)
    (event,) = ics.Calendar(text).events
    return method, event, text


def _sequence(text: str) -> int:
    return int(re.search(r"^SEQUENCE:(\d+)", text, re.M).group(1))


def _beat(at) -> int:
    """What the beat does at `at`: owe the reminders due, then send what is due."""
    outbox_reminders_due(now=at)
    return outbox_dispatch(now=at)


def test_booking_owes_confirmations_and_the_reminders_come_due_later(session, candidate, interviewer):
    owed = set(OutboxMessage.objects.values_list("kind", "recipient_id"))
    assert owed == {("booking_confirmation", candidate.pk), ("booking_confirmation", interviewer.pk)}
    assert outbox_reminders_due(now=session.start - timedelta(hours=25)) == 0
    assert outbox_reminders_due(now=session.start - timedelta(hours=24)) == 2
    assert outbox_reminders_due(now=session.start - timedelta(hours=23)) == 0  # once
    assert outbox_reminders_due(now=session.start - timedelta(minutes=59)) == 2
    reminders = OutboxMessage.objects.exclude(kind="booking_confirmation")
    assert sorted(reminders.values_list("kind", "recipient_id", "due_at")) == sorted(
        (kind, person.pk, session.start - before)
        for kind, before in (("reminder_24h", timedelta(hours=24)), ("reminder_1h", timedelta(hours=1)))
        for person in (candidate, interviewer)
    )


def test_a_late_booking_gets_only_the_reminders_still_ahead(candidate, interviewer):
    start = (timezone.now() + timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    session = session_book(candidate=candidate, slot_id=SlotFactory(interviewer=interviewer, start=start).pk)
    assert outbox_reminders_due(now=timezone.now()) == 0  # its 24-hour moment was before the booking
    assert outbox_reminders_due(now=session.start - timedelta(hours=1)) == 2
    assert set(OutboxMessage.objects.values_list("kind", flat=True)) == {
        "booking_confirmation",
        "reminder_1h",
    }


def test_a_reminder_missed_until_the_next_ones_moment_is_not_sent(session):
    """After an outage of the beat, the 24-hour reminder does not arrive an hour before."""
    assert outbox_reminders_due(now=session.start - timedelta(minutes=30)) == 2
    assert set(OutboxMessage.objects.exclude(kind="booking_confirmation").values_list("kind", flat=True)) == {
        "reminder_1h"
    }


def test_confirmations_go_to_both_in_their_own_zones_with_the_invite(session, candidate, interviewer):
    assert outbox_dispatch() == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {candidate.email, interviewer.email}

    to_candidate, to_interviewer = by_recipient[candidate.email], by_recipient[interviewer.email]
    ny, tokyo = session.start.astimezone(candidate.zone), session.start.astimezone(interviewer.zone)
    assert f"{ny:%H:%M}" in to_candidate.subject and "with Ivan Test" in to_candidate.subject
    assert f"{ny:%A %-d %B %Y, %H:%M}" in to_candidate.body and "America/New_York" in to_candidate.body
    assert f"{tokyo:%A %-d %B %Y, %H:%M}" in to_interviewer.body and "Asia/Tokyo" in to_interviewer.body
    assert "Cara Test booked a mock interview with you" in to_interviewer.body
    assert session.video_url in to_candidate.body
    assert to_candidate.alternatives[0][1] == "text/html"

    method, event, text = _invite(to_candidate)
    assert method == "REQUEST"
    assert event.uid == f"session-{session.pk}@peerloop"
    assert _sequence(text) == 0
    assert event.begin == session.start and event.end == session.end
    assert event.location == session.video_url
    assert {a.email for a in event.attendees} == {candidate.email, interviewer.email}
    assert event.organizer.email == "noreply@peerloop.local"
    # Times travel in UTC.
    assert re.search(r"^DTSTART:\d{8}T\d{6}Z", text, re.M)


def test_reminders_are_sent_when_due_and_only_once(session):
    outbox_dispatch()
    mail.outbox.clear()
    assert _beat(session.start - timedelta(hours=25)) == 0
    assert _beat(session.start - timedelta(hours=24)) == 2
    assert all("in 24 hours" in m.subject for m in mail.outbox)
    assert _beat(session.start - timedelta(hours=23)) == 0
    assert _beat(session.start - timedelta(hours=1)) == 2
    assert _beat(session.start) == 0
    assert len(mail.outbox) == 4
    for message in mail.outbox:  # each reminder leads into the interview room
        assert f"Join the room: {session.room_url}" in message.body
        assert f'href="{session.room_url}"' in message.alternatives[0][0]


def test_cancel_withdraws_reminders_and_sends_a_calendar_cancellation(session, candidate):
    outbox_dispatch()
    mail.outbox.clear()
    outbox_reminders_due(now=session.start - timedelta(hours=24))  # owed, not yet sent
    session_cancel(session=session, by=candidate, reason="Got the offer already!")
    assert _beat(session.start - timedelta(hours=24)) == 2
    assert _beat(session.start - timedelta(hours=1)) == 0
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Cancelled"}
    method, event, text = _invite(mail.outbox[0])
    assert method == "CANCEL" and event.uid == f"session-{session.pk}@peerloop" and _sequence(text) == 1
    assert "Got the offer already!" in mail.outbox[0].body
    reminders = OutboxMessage.objects.filter(kind__in=["reminder_24h", "reminder_1h"])
    assert reminders.count() == 2 and not reminders.filter(withdrawn_at__isnull=True).exists()


def test_reschedule_moves_reminders_and_updates_the_same_calendar_event(session, candidate, interviewer):
    outbox_dispatch()
    mail.outbox.clear()
    outbox_reminders_due(now=session.start - timedelta(hours=24))  # owed for the old time
    new_start = session.start + timedelta(days=1)
    session_reschedule(
        session=session, candidate=candidate, slot_id=SlotFactory(interviewer=interviewer, start=new_start).pk
    )
    assert outbox_dispatch() == 2
    method, event, text = _invite(mail.outbox[0])
    assert method == "REQUEST" and event.uid == f"session-{session.pk}@peerloop" and _sequence(text) == 1
    assert event.begin == new_start
    assert OutboxMessage.objects.filter(kind="reminder_24h", withdrawn_at__isnull=False).count() == 2
    assert outbox_reminders_due(now=new_start - timedelta(hours=24)) == 2
    pending = OutboxMessage.objects.filter(
        kind="reminder_24h", sent_at__isnull=True, withdrawn_at__isnull=True
    )
    assert {(m.due_at, m.sequence) for m in pending} == {(new_start - timedelta(hours=24), 1)}


def test_moving_to_another_interviewer_cancels_for_the_old_one_and_confirms_the_new(
    session, candidate, interviewer
):
    outbox_dispatch()
    mail.outbox.clear()
    other = InterviewerFactory(email="nora.new@example.com")
    session_reschedule(
        session=session,
        candidate=candidate,
        slot_id=SlotFactory(interviewer=other, start=session.start + timedelta(days=1)).pk,
    )
    outbox_dispatch()
    kinds = {m.to[0]: m.subject.split(":")[0] for m in mail.outbox}
    assert kinds == {candidate.email: "Moved", interviewer.email: "Cancelled", other.email: "Booked"}
    old = next(m for m in mail.outbox if m.to == [interviewer.email])
    assert _invite(old)[0] == "CANCEL" and "no longer interviewing Cara Test" in old.body


def test_a_failed_send_is_recorded_retried_with_backoff_and_sent_once(session, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    assert outbox_dispatch() == 0
    failing = OutboxMessage.objects.filter(kind="booking_confirmation")
    assert all(
        m.attempts == 1 and "Connection refused" in m.last_error and m.state == "failing" for m in failing
    )
    assert outbox_dispatch() == 0  # not due again yet: backoff
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_dispatch(now=timezone.now() + timedelta(minutes=3)) == 2
    assert outbox_dispatch(now=timezone.now() + timedelta(minutes=10)) == 0
    assert len(mail.outbox) == 2
    assert all(m.state == "sent" for m in failing.all())


def test_staff_can_retry_a_message_that_gave_up(session, settings):
    message = OutboxMessage.objects.filter(kind="booking_confirmation").first()
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=OutboxMessage.MAX_ATTEMPTS, last_error="boom")
    outbox_dispatch()
    assert len(mail.outbox) == 1
    assert outbox_retry(message_ids=[message.pk]) == 1
    assert outbox_dispatch() == 1 and len(mail.outbox) == 2


def test_staff_outbox_page_shows_failing_rows_and_retries_them(client, staff, session):
    OutboxMessage.objects.filter(kind="booking_confirmation").update(
        attempts=3, last_error="SMTP 451 try later"
    )
    client.force_login(staff)
    response = client.get(reverse("admin:interviews_outboxmessage_changelist"), {"state": "failing"})
    assert response.status_code == 200
    assert response.content.count(b"SMTP 451 try later") == 2
    ids = list(OutboxMessage.objects.filter(kind="booking_confirmation").values_list("pk", flat=True))
    client.post(
        reverse("admin:interviews_outboxmessage_changelist"), {"action": "retry", "_selected_action": ids}
    )
    assert not OutboxMessage.objects.filter(pk__in=ids, attempts__gt=0).exists()


def test_the_calendar_feed_is_reached_by_its_token_only(client, session, candidate, outsider):
    url = reverse("calendar-feed", args=[candidate.calendar_token])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar"
    (event,) = ics.Calendar(response.content.decode()).events
    assert event.uid == f"session-{session.pk}@peerloop" and event.begin == session.start
    assert client.get(reverse("calendar-feed", args=["not-a-token"])).status_code == 404
    outsider_feed = client.get(reverse("calendar-feed", args=[outsider.calendar_token]))
    assert ics.Calendar(outsider_feed.content.decode()).events == set()

    client.force_login(candidate)
    assert url.encode() in client.get(reverse("profile")).content
    client.post(reverse("calendar-token-reset"))
    candidate.refresh_from_db()
    assert client.get(url).status_code == 404
    assert client.get(reverse("calendar-feed", args=[candidate.calendar_token])).status_code == 200


def test_no_task_is_scheduled_far_ahead_with_eta_or_countdown():
    # Due work lives in tables; Redis is a broker, not a database (see CONVENTIONS.md).
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in ("accounts", "interviews", "rubrics", "config")
        for path in (ROOT / app).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\b(countdown|eta)\s*=", line)
    ]
    assert offenders == []


def test_every_part_registers_its_message_kinds_with_the_outbox():
    assert set(KINDS) == {
        "booking_confirmation", "cancellation", "reschedule", "reminder_24h", "reminder_1h",  # sessions
        "match_found", "request_expired",  # matching
        "rubric_due", "rubric_overdue", "feedback_ready",  # rubrics
        "account_email",  # the outbox's own: allauth's e-mails, stored as rendered
    }  # fmt: skip


TEMPLATED = sorted(key for key, kind in KINDS.items() if kind.build is None)


def test_message_kinds_all_have_their_three_templates():
    for kind in TEMPLATED:
        for part in ("subject.txt", "body.txt", "body.html"):
            assert (ROOT / "templates" / "emails" / kind / part).exists(), (kind, part)


@pytest.mark.parametrize("kind", TEMPLATED)
def test_every_message_kind_renders_for_its_recipient_in_their_zone(session, candidate, interviewer, kind):
    from interviews.matching.models import MatchRequest
    from interviews.notifications.outbox import message_render

    recipient = interviewer if kind in ("rubric_due", "rubric_overdue") else candidate
    if kind == "cancellation":
        session_cancel(session=session, by=interviewer, reason="Called away to a launch.")
        session.refresh_from_db()
    match_request = MatchRequest.objects.create(candidate=candidate, target_level="L4", company_type="faang")
    message = OutboxMessage.objects.create(
        recipient=recipient,
        kind=kind,
        session=None if kind == "request_expired" else session,
        match_request=match_request if kind in ("match_found", "request_expired") else None,
        due_at=timezone.now(),
        next_attempt_at=timezone.now(),
        sequence=99,
    )
    email = message_render(message)
    assert email.to == [recipient.email] and email.subject and "\n" not in email.subject
    html = email.alternatives[0][0]
    assert recipient.name in email.body and recipient.name in html
    if kind != "request_expired":
        local = session.start.astimezone(recipient.zone)
        assert f"{local:%A %-d %B}" in email.body
        if kind != "feedback_ready":
            assert f"{local:%H:%M}" in email.body and recipient.time_zone in email.body
    if kind == "cancellation":
        assert "Called away to a launch." in email.body and "cancelled by Ivan Test" in email.body


def test_a_confirmation_retried_after_a_cancel_is_not_sent(settings, candidate, interviewer):
    session = session_book(candidate=candidate, slot_id=SlotFactory(interviewer=interviewer).pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    outbox_dispatch()  # confirmations fail and wait for a retry
    session_cancel(session=session, by=candidate, reason="Plans changed.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox_dispatch(now=timezone.now() + timedelta(hours=1))
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Cancelled"}
    assert OutboxMessage.objects.filter(kind="booking_confirmation", withdrawn_at__isnull=False).count() == 2


def test_subjects_and_text_bodies_are_plain_text(session, candidate, interviewer):
    from interviews.notifications.outbox import message_render

    interviewer.display_name = "Seán O'Brien & Co"
    interviewer.save()
    message = OutboxMessage.objects.get(recipient=candidate, kind="booking_confirmation")
    email = message_render(message)
    assert "Seán O'Brien & Co" in email.subject
    assert "Seán O'Brien & Co" in email.body
    assert "O&#x27;Brien &amp; Co" in email.alternatives[0][0]  # the HTML part stays escaped
    assert email.extra_headers["Message-ID"] == f"<outbox-{message.pk}@127.0.0.1>"


def test_the_confirmation_links_to_google_calendar_and_outlook_with_utc_times(session, candidate):
    from urllib.parse import parse_qs, urlsplit

    from interviews.notifications.outbox import message_render

    email = message_render(OutboxMessage.objects.get(recipient=candidate, kind="booking_confirmation"))
    google = re.search(r"Google Calendar: (\S+)", email.body).group(1)
    query = parse_qs(urlsplit(google).query)
    assert query["dates"] == [f"{session.start:%Y%m%dT%H%M%SZ}/{session.end:%Y%m%dT%H%M%SZ}"]
    assert query["location"] == [session.video_url]
    outlook = re.search(r"Outlook: (\S+)", email.body).group(1)
    assert parse_qs(urlsplit(outlook).query)["startdt"] == [f"{session.start:%Y-%m-%dT%H:%M:%SZ}"]
    assert "Google Calendar</a>" in email.alternatives[0][0]
