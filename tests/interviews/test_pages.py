from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.scheduling.models import AvailabilityWindow
from interviews.sessions.models import Session
from rubrics.models import InterviewerRating
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _fill(candidate, count):
    interviewers = [InterviewerFactory() for _ in range(3)]
    base = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    for i in range(count):
        SlotFactory(interviewer=interviewers[i % 3], start=base + timedelta(hours=i // 3))
    SessionFactory(
        candidate=candidate, slot=SlotFactory(interviewer=interviewers[0], start=base - timedelta(days=3))
    )


@pytest.mark.parametrize("count", [3, 30])
def test_find_a_slot_page_needs_the_same_queries_whatever_the_slot_count(
    client, candidate, count, django_assert_num_queries
):
    _fill(candidate, count)  # three interviewers an hour
    client.force_login(candidate)
    # session, user, each hour's best slots, their rows, interviewers' week load, past pairings,
    # interviewers' ratings and reliability, the slots offered
    with django_assert_num_queries(9):
        response = client.get(reverse("find-slot"))
    assert response.status_code == 200
    assert response.content.count(b'<a class="slot-chip') == count // 3  # the best of each hour


def test_a_slot_chip_says_when_with_whom_and_how_they_are_rated_in_the_zone_picked(client, candidate):
    """What a chip of the week shows: the time in the zone picked, the interviewer's name (escaped),
    level, rating and share of sessions held, and the best fit marked; it leads to the review step."""
    interviewer = InterviewerFactory(display_name="Ann <b>& Co</b>")
    start = (timezone.now() + timedelta(days=2)).replace(hour=15, minute=0, second=0, microsecond=0)
    slot = SlotFactory(interviewer=interviewer, start=start)
    for score, days_ago in ((5, 3), (4, 10)):  # two held sessions, each rated by its candidate
        held = SessionFactory(
            interviewer=interviewer,
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(days=days_ago)),
            status="completed",
        )
        InterviewerRating.objects.create(
            session=held, candidate=held.candidate, interviewer=interviewer, score=score
        )
    client.force_login(candidate)
    page = client.get(reverse("find-slot"), {"zone": "Asia/Tokyo"}).content.decode()
    local = timezone.localtime(start, ZoneInfo("Asia/Tokyo"))
    review = reverse("book-review", args=[slot.pk])
    assert f'<a class="slot-chip best" href="{review}?target_level=L4&amp;company_type=faang' in page
    assert f'aria-label="{local:%A %-d %B %H:%M} with Ann &lt;b&gt;&amp; Co&lt;/b&gt;, best fit"' in page
    assert f'<span class="slot-chip-time">{local:%H:%M}</span>' in page
    assert "<b>" not in page
    assert '<span class="slot-chip-meta">L5+ · ★ 4.5 · 100% held · <strong>Best fit</strong></span>' in page


@pytest.mark.parametrize("count", [2, 12])
def test_my_sessions_page_needs_the_same_queries_whatever_the_session_count(
    client, candidate, count, django_assert_num_queries
):
    for day in range(count):
        SessionFactory(candidate=candidate, slot=SlotFactory(start=timezone.now() + timedelta(days=day + 1)))
    client.force_login(candidate)
    with django_assert_num_queries(4):  # session, user, the count, one page of sessions
        response = client.get(reverse("my-sessions"))
    assert response.content.count(b"Interviewed by") == count


@pytest.mark.parametrize("history", [30, 300])
def test_my_sessions_shows_one_page_whatever_the_history(
    client, candidate, history, django_assert_num_queries
):
    """A member with 300 past sessions gets as many rows, and queries, as one with 30."""
    past = timezone.now() - timedelta(days=400)
    slots = [SlotFactory(start=past + timedelta(hours=n)) for n in range(history)]
    for slot in slots:
        SessionFactory(candidate=candidate, slot=slot, status="completed")
    SessionFactory(candidate=candidate, slot=SlotFactory(start=timezone.now() + timedelta(days=2)))
    client.force_login(candidate)
    with django_assert_num_queries(4):
        page = client.get(reverse("my-sessions")).content.decode()
    assert page.count("Interviewed by") == 20
    assert page.index("Upcoming") < page.index("Past and cancelled")  # the coming one first
    assert f"Page 1 of {(history + 1 + 19) // 20}" in page


def test_find_a_slot_shows_an_empty_state_and_validates_dates(client, candidate):
    client.force_login(candidate)
    response = client.get(reverse("find-slot"))
    assert b"No open slots fit this search." in response.content
    response = client.get(reverse("find-slot"), {"start": "2027-02-10", "end": "2027-02-01"})
    assert b"The end date comes before the start date." in response.content


def test_booking_a_just_taken_slot_on_the_page_says_so_and_offers_the_next(client, candidate, slot):
    other = SlotFactory(interviewer=slot.interviewer, start=slot.start + timedelta(hours=1))
    SessionFactory(slot=slot)
    client.force_login(candidate)
    response = client.post(reverse("book"), {"slot": slot.pk})
    assert response.status_code == 409
    assert b"This slot was just taken. Pick another one." in response.content
    assert reverse("book-review", args=[other.pk]).encode() in response.content  # the next one offered
    response = client.post(reverse("book"), {"slot": other.pk})
    assert response.status_code == 302
    assert Session.objects.filter(candidate=candidate, slot=other).exists()


def test_availability_page_rejects_bad_windows_with_messages(client, interviewer):
    client.force_login(interviewer)
    url = reverse("availability")
    post = {
        "action": "add_window",
        "window-weekday": 1,
        "window-start_time": "10:00",
        "window-end_time": "10:30",
    }
    response = client.post(url, post)
    assert b"A window must fit at least one 60-minute session." in response.content
    response = client.post(url, {**post, "window-end_time": "09:00"})
    assert b"The window must end after it starts" in response.content
    client.post(url, {**post, "window-end_time": "12:00"})
    response = client.post(url, {**post, "window-start_time": "11:00", "window-end_time": "13:00"})
    assert b"This overlaps your Tuesday 10:00\xe2\x80\x9312:00 window." in response.content
    assert AvailabilityWindow.objects.filter(interviewer=interviewer).count() == 1
    response = client.post(url, {"action": "delete_window", "id": "nope"}, follow=True)
    assert b"That window does not exist." in response.content


def test_non_interviewers_see_how_to_opt_in(client, candidate):
    client.force_login(candidate)
    response = client.get(reverse("availability"))
    assert b"You are not an interviewer yet." in response.content
    response = client.post(
        reverse("availability"),
        {
            "action": "add_window",
            "window-weekday": 1,
            "window-start_time": "10:00",
            "window-end_time": "12:00",
        },
    )
    assert b"Opt in as an interviewer on your profile first." in response.content
    assert not AvailabilityWindow.objects.exists()


def test_api_availability_add_list_delete(api_client, interviewer, outsider):
    api_client.force_authenticate(interviewer)
    response = api_client.post(
        reverse("api-availability"), {"weekday": 2, "start_time": "18:00", "end_time": "20:00"}, format="json"
    )
    assert response.status_code == 201
    window_id = response.json()["id"]
    assert interviewer.slots.exists()
    assert [w["id"] for w in api_client.get(reverse("api-availability")).json()] == [window_id]
    api_client.force_authenticate(outsider)
    assert api_client.delete(reverse("api-availability-detail", args=[window_id])).status_code == 404
    api_client.force_authenticate(interviewer)
    assert api_client.delete(reverse("api-availability-detail", args=[window_id])).status_code == 204
    assert not interviewer.slots.exists()
    response = api_client.post(
        reverse("api-availability"), {"weekday": 9, "start_time": "18:00", "end_time": "17:00"}, format="json"
    )
    assert response.status_code == 400 and "weekday" in response.json()["errors"]


@pytest.mark.parametrize("count", [1, 10])
def test_the_dashboard_shows_the_next_three_sessions_with_fixed_queries(
    client, candidate, count, django_assert_num_queries
):
    for day in range(count):
        SessionFactory(candidate=candidate, slot=SlotFactory(start=timezone.now() + timedelta(days=day + 1)))
    client.force_login(candidate)
    # session, user, the to-do list, the next three sessions, the placement
    with django_assert_num_queries(5):
        response = client.get(reverse("home"))
    assert response.content.count(b"Interviewed by") == min(count, 3)
