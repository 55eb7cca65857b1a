"""Finding a slot as a candidate meets it: a week in the zone they pick, nothing that clashes with
their own sessions, and a review step (who, when in both zones, which kind of question) before
anything is booked."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from interviews.sessions.models import Session
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


def _hour(days: int, hour: int = 15):
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def test_a_slot_that_clashes_with_your_own_session_is_not_offered(client, candidate, interviewer):
    clashing = SlotFactory(interviewer=interviewer, start=_hour(2))
    free = SlotFactory(interviewer=interviewer, start=_hour(2, 17))
    other = InterviewerFactory()
    SessionFactory(candidate=candidate, slot=SlotFactory(interviewer=other, start=_hour(2)))  # same hour
    client.force_login(candidate)
    page = client.get(reverse("find-slot")).content.decode()
    assert reverse("book-review", args=[free.pk]) in page
    assert reverse("book-review", args=[clashing.pk]) not in page


def test_a_clash_with_a_session_you_give_counts_too(client, interviewer):
    """An interviewer booking practice for themself is not offered the hour they interview in."""
    giving = SessionFactory(
        interviewer=interviewer, slot=SlotFactory(interviewer=interviewer, start=_hour(3))
    )
    clashing = SlotFactory(interviewer=InterviewerFactory(), start=giving.start)
    client.force_login(interviewer)
    page = client.get(reverse("find-slot"), {"target_level": "L4"}).content.decode()
    assert reverse("book-review", args=[clashing.pk]) not in page


def test_the_week_shows_in_the_zone_picked(client, candidate, interviewer):
    slot = SlotFactory(interviewer=interviewer, start=_hour(2, 15))
    client.force_login(candidate)
    for zone in ("Europe/Berlin", "Asia/Tokyo", "America/Argentina/Buenos_Aires"):
        page = client.get(reverse("find-slot"), {"zone": zone}).content.decode()
        assert f"{slot.start.astimezone(ZoneInfo(zone)):%H:%M}" in page, zone
        assert f"at or above your target, in {zone.replace('_', ' ')}." in page


def test_a_week_at_a_time_with_links_to_the_next(client, candidate, interviewer):
    near = SlotFactory(interviewer=interviewer, start=_hour(1))
    far = SlotFactory(interviewer=interviewer, start=_hour(10))
    client.force_login(candidate)
    page = client.get(reverse("find-slot")).content.decode()
    assert reverse("book-review", args=[near.pk]) in page
    assert reverse("book-review", args=[far.pk]) not in page  # next week's
    assert "Later →" in page
    assert "← Earlier" not in page  # nothing before today
    assert "No open slots fit this search" not in page


def test_the_review_step_shows_who_when_and_what_then_books(client, candidate, interviewer):
    interviewer.bio = "Ranking and retrieval at a large marketplace; I ask about data first."
    interviewer.time_zone = "Asia/Tokyo"
    interviewer.save()
    slot = SlotFactory(interviewer=interviewer, start=_hour(2))
    client.force_login(candidate)
    page = client.get(reverse("book-review", args=[slot.pk])).content.decode()
    assert escape(interviewer.bio) in page
    assert "Sessions given" in page
    assert f"{slot.start.astimezone(ZoneInfo('Asia/Tokyo')):%H:%M} (Asia/Tokyo)" in page  # their time
    assert f"{slot.start.astimezone(candidate.zone):%H:%M} ({candidate.time_zone})" in page  # yours
    assert "A FAANG ML system design question for L4" in page
    assert not Session.objects.exists()  # nothing is booked by looking
    response = client.post(reverse("book"), {"slot": slot.pk, "target_level": "L4", "company_type": "faang"})
    assert response.status_code == 302
    assert Session.objects.get().slot == slot


def test_the_review_step_says_when_a_slot_is_gone(client, candidate, slot):
    SessionFactory(slot=slot)
    client.force_login(candidate)
    page = client.get(reverse("book-review", args=[slot.pk])).content.decode()
    assert "can no longer be booked" in page
    assert "Confirm booking" not in page


def test_interviewer_profiles_are_for_interviewers_only(client, candidate, interviewer):
    client.force_login(candidate)
    assert client.get(reverse("interviewer-profile", args=[interviewer.pk])).status_code == 200
    assert client.get(reverse("interviewer-profile", args=[UserFactory().pk])).status_code == 404


@pytest.mark.parametrize("zone", ["Nowhere/City", "../../etc/passwd", ""])
def test_an_unknown_zone_falls_back_to_the_members_own(client, candidate, zone):
    client.force_login(candidate)
    page = client.get(reverse("find-slot"), {"zone": zone})
    assert page.status_code == 200
    assert f"in {candidate.time_zone}" in page.content.decode()
    assert client.get(reverse("book-review", args=[999999]), {"zone": zone}).status_code == 404


def test_each_hour_offers_its_best_fitting_interviewer_and_the_next_when_taken(candidate):
    """The week's search keeps the few best-fitting slots of each hour (one level above the target
    first, then the same level, then two above), from the slots' copies of their interviewer's fit:
    a booked one gives way to the next, and a change of level on the profile moves its slots."""
    from accounts.services import profile_update
    from interviews.sessions.selectors import HOURLY_SPARE, slots_available

    at = _hour(3)
    same = InterviewerFactory(interviewer_level="L3")
    above = InterviewerFactory(interviewer_level="L4")
    startup_only = InterviewerFactory(interviewer_level="L4", company_experience="startup")
    far_above = [InterviewerFactory() for _ in range(HOURLY_SPARE + 2)]  # L5+: more than the spares
    slots = {i.pk: SlotFactory(interviewer=i, start=at) for i in [*far_above, startup_only, same, above]}

    def offered():
        found = slots_available(
            candidate=candidate, target_level="L3", company_type="faang",
            start=at - timedelta(hours=1), end=at + timedelta(hours=1), one_per_hour=True,
        )  # fmt: skip
        return [slot.interviewer_id for slot in found]

    assert offered() == [above.pk]
    SessionFactory(slot=slots[above.pk])
    assert offered() == [same.pk]
    profile_update(user=far_above[-1], data={"interviewer_level": "L4"})
    assert offered() == [far_above[-1].pk]  # raised from behind the spare L5s to the best
    SessionFactory(slot=slots[same.pk])
    SessionFactory(slot=slots[far_above[-1].pk])
    assert offered() == [far_above[0].pk]  # two above the target, lowest id first
    for interviewer in far_above[:HOURLY_SPARE]:  # booked slots take no spare's place
        SessionFactory(slot=slots[interviewer.pk])
    assert offered() == [far_above[HOURLY_SPARE].pk]
