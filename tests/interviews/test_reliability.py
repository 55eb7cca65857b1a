"""Reliability that counts: a figure from the last 90 days, shown to both sides as a sentence,
weighed in find-a-slot's ranking and the matcher's cost; repeated no-shows pause booking."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.errors import Conflict
from accounts.models import User
from interviews.matching.models import MatchRequest
from interviews.matching.services import match_request_create, matching_round
from interviews.sessions.booking import session_book
from interviews.sessions.lifecycle import session_report_no_show
from interviews.sessions.reliability import PAUSE_FOR, reliability_for
from interviews.sessions.selectors import slots_available
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


def _past(interviewer, candidate, *, days_ago: float, **fields):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(days=days_ago)
    return SessionFactory(
        slot=SlotFactory(interviewer=interviewer, start=start), candidate=candidate, **fields
    )


def _record(person, *, held=0, late=0, no_shows=0, as_role="interviewer"):
    """Give `person` a history in the window, in one role, against fresh counterparts."""
    for i in range(held + late + no_shows):
        other = UserFactory() if as_role == "interviewer" else InterviewerFactory()
        interviewer, candidate = (person, other) if as_role == "interviewer" else (other, person)
        if i < held:
            _past(interviewer, candidate, days_ago=3 + i, status="completed")
        elif i < held + late:
            _past(interviewer, candidate, days_ago=3 + i, status="cancelled", late_cancellation=True,
                  cancelled_by=person)  # fmt: skip
        else:
            _past(interviewer, candidate, days_ago=3 + i, status="no_show", no_show_reported_by=other)


def test_the_figure_counts_held_late_cancellations_and_no_shows_of_the_last_90_days(interviewer):
    _record(interviewer, held=3, late=1, no_shows=1)
    other = UserFactory()
    _past(interviewer, other, days_ago=120, status="no_show", no_show_reported_by=other)  # too old
    _past(interviewer, UserFactory(), days_ago=2, status="cancelled", cancelled_by=interviewer)  # in time
    late_by_other = UserFactory()
    _past(interviewer, late_by_other, days_ago=2.5, status="cancelled", late_cancellation=True,
          cancelled_by=late_by_other)  # fmt: skip
    figure = reliability_for(user_ids=[interviewer.pk])[interviewer.pk]
    assert (figure.held, figure.late, figure.no_shows, figure.percent) == (3, 1, 1, 60)
    assert figure.sentence == "Held 3 of 5 sessions in the last 90 days (1 late cancellation, 1 no-show)."


def test_both_roles_count_and_a_newcomer_has_a_plain_sentence(interviewer):
    _record(interviewer, held=2)
    _record(interviewer, no_shows=1, as_role="candidate")
    figures = reliability_for(user_ids=[interviewer.pk, UserFactory().pk])
    assert figures[interviewer.pk].sentence == "Held 2 of 3 sessions in the last 90 days (1 no-show)."
    newcomer = next(f for pk, f in figures.items() if pk != interviewer.pk)
    assert (newcomer.percent, newcomer.sentence) == (None, "No sessions in the last 90 days yet.")


def test_reporting_a_no_show_marks_the_other_side_not_the_reporter(candidate, interviewer):
    session = _past(interviewer, candidate, days_ago=0.1)
    session_report_no_show(session=session, by=candidate, now=session.start + timedelta(minutes=20))
    figures = reliability_for(user_ids=[candidate.pk, interviewer.pk])
    assert (figures[interviewer.pk].no_shows, figures[candidate.pk].no_shows) == (1, 0)


def _search(candidate):
    now = timezone.now()
    return slots_available(
        candidate=candidate, target_level="L4", company_type="faang", start=now, end=now + timedelta(days=7)
    )


def test_find_a_slot_puts_the_more_reliable_interviewer_first_at_the_same_time(candidate):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    shaky, steady = InterviewerFactory(display_name="Shaky"), InterviewerFactory(display_name="Steady")
    _record(shaky, held=9, no_shows=1)
    _record(steady, held=10)
    for person in (shaky, steady):
        SlotFactory(interviewer=person, start=start)
    assert [s.interviewer.name for s in _search(candidate)] == ["Steady", "Shaky"]


def test_find_a_slot_ranks_an_unreliable_interviewer_after_reliable_ones_of_the_same_fit(candidate):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    flaky, steady = InterviewerFactory(display_name="Flaky"), InterviewerFactory(display_name="Steady")
    _record(flaky, held=1, no_shows=1, late=1)
    SlotFactory(interviewer=flaky, start=start)
    SlotFactory(interviewer=steady, start=start + timedelta(hours=5))
    assert [s.interviewer.name for s in _search(candidate)] == ["Steady", "Flaky"]


def test_both_sides_read_the_sentence(client, candidate, interviewer):
    _record(interviewer, held=4, late=1)
    slot = SlotFactory(interviewer=interviewer)
    client.force_login(candidate)
    assert "80% held" in client.get(reverse("find-slot")).content.decode()  # on the slot, in short
    assert (
        "Held 4 of 5 sessions in the last 90 days (1 late cancellation)."
        in client.get(reverse("book-review", args=[slot.pk])).content.decode()  # before booking
    )
    session = session_book(candidate=candidate, slot_id=slot.pk)
    page = client.get(reverse("session-detail", args=[session.pk])).content.decode()
    assert "Held 4 of 5 sessions in the last 90 days (1 late cancellation)." in page
    client.force_login(interviewer)
    page = client.get(reverse("session-detail", args=[session.pk])).content.decode()
    assert "No sessions in the last 90 days yet." in page  # the candidate's


def test_the_matching_round_prefers_the_more_reliable_interviewer(candidate):
    now = timezone.now()
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    shaky, steady = InterviewerFactory(), InterviewerFactory()
    _record(shaky, held=3, no_shows=1)
    _record(steady, held=4)
    slots = {SlotFactory(interviewer=p, start=start).pk: p for p in (shaky, steady)}
    request = match_request_create(
        candidate=candidate, windows=[(start, start + timedelta(hours=1))], now=now
    )
    assert matching_round(now=now)["booked"] == 1
    request = MatchRequest.objects.select_related("session").get(pk=request.pk)
    assert slots[request.session.slot_id] == steady
    assert request.match_costs["reliability"] == 0


class TestPauseAfterRepeatedNoShows:
    def _no_show(self, candidate, days_ago):
        interviewer = InterviewerFactory()
        session = _past(interviewer, candidate, days_ago=days_ago)
        return session_report_no_show(
            session=session, by=interviewer, now=session.start + timedelta(minutes=20)
        )

    def test_one_no_show_does_not_pause(self, candidate):
        self._no_show(candidate, days_ago=1)
        assert User.objects.get(pk=candidate.pk).booking_paused_until is None

    def test_a_second_no_show_pauses_booking_with_the_date_it_lifts(
        self, candidate, interviewer, api_client, client
    ):
        self._no_show(candidate, days_ago=10)
        last = self._no_show(candidate, days_ago=1)
        candidate.refresh_from_db()
        assert candidate.booking_paused_until == last.start + PAUSE_FOR
        slot = SlotFactory(interviewer=interviewer)
        with pytest.raises(Conflict, match="Booking is paused until"):
            session_book(candidate=candidate, slot_id=slot.pk)
        api_client.force_authenticate(candidate)
        response = api_client.post(reverse("api-sessions"), {"slot": slot.pk}, format="json")
        assert response.status_code == 409 and "Booking is paused until" in response.json()["detail"]
        client.force_login(candidate)
        page = client.get(reverse("find-slot")).content.decode()
        lifts = timezone.localtime(candidate.booking_paused_until, candidate.zone)
        assert "Booking is paused until" in page and lifts.strftime("%Y") in page and str(lifts.day) in page
        with pytest.raises(ValidationError, match="Booking is paused"):
            start = timezone.now() + timedelta(days=2)
            match_request_create(candidate=candidate, windows=[(start, start + timedelta(hours=3))])

    def test_the_pause_lifts_on_its_date(self, candidate, interviewer):
        self._no_show(candidate, days_ago=10)
        self._no_show(candidate, days_ago=1)
        candidate.refresh_from_db()
        later = candidate.booking_paused_until + timedelta(hours=1)
        slot = SlotFactory(
            interviewer=interviewer,
            start=(later + timedelta(days=1)).replace(minute=0, second=0, microsecond=0),
        )
        assert session_book(candidate=candidate, slot_id=slot.pk, now=later).pk


def test_a_candidate_whose_interviewer_did_not_come_goes_first_in_the_next_round(client, interviewer):
    now = timezone.now()
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    SlotFactory(interviewer=interviewer, start=start)
    patient, let_down = UserFactory(), UserFactory()
    missed = _past(InterviewerFactory(), let_down, days_ago=1)
    session_report_no_show(session=missed, by=let_down, now=missed.start + timedelta(minutes=20))
    window = [(start, start + timedelta(hours=1))]
    first = match_request_create(candidate=patient, windows=window, now=now - timedelta(hours=10))
    second = match_request_create(candidate=let_down, windows=window, now=now)
    assert matching_round(now=now)["booked"] == 1
    statuses = dict(MatchRequest.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk]) == ("open", "matched")
    client.force_login(let_down)
    page = client.get(reverse("session-detail", args=[missed.pk])).content.decode()
    assert "your requests go first in each matching round" in page


def test_without_a_let_down_the_longer_wait_goes_first(interviewer):
    now = timezone.now()
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    SlotFactory(interviewer=interviewer, start=start)
    window = [(start, start + timedelta(hours=1))]
    first = match_request_create(candidate=UserFactory(), windows=window, now=now - timedelta(hours=10))
    match_request_create(candidate=UserFactory(), windows=window, now=now)
    matching_round(now=now)
    assert MatchRequest.objects.get(pk=first.pk).status == "matched"
