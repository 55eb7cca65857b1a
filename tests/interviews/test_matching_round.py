from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.errors import Conflict
from interviews.matching.models import MatchRequest, RoundLease
from interviews.matching.services import match_request_cancel, match_request_create, matching_round
from interviews.notifications.models import OutboxMessage
from interviews.scheduling.models import Slot
from interviews.scheduling.selectors import Epoch
from interviews.sessions.models import Session
from tests.factories import InterviewerFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int) -> datetime:
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _window(days=3, start=9, end=13):
    return (_at(days, start), _at(days, end))


def test_a_round_books_the_best_fitting_slot_inside_the_window(candidate):
    l5 = InterviewerFactory(interviewer_level="L5")
    l4 = InterviewerFactory(interviewer_level="L4")
    best = SlotFactory(interviewer=l5, start=_at(3, 10))
    SlotFactory(interviewer=l4, start=_at(3, 11))  # same level as the target: a worse fit
    SlotFactory(interviewer=l5, start=_at(3, 15))  # outside the window
    SlotFactory(
        interviewer=InterviewerFactory(company_experience="startup"), start=_at(3, 10)
    )  # wrong company
    request = match_request_create(candidate=candidate, windows=[_window()])
    result = matching_round()
    assert (result["requests"], result["booked"]) == (1, 1)
    request.refresh_from_db()
    assert request.status == "matched" and request.session.slot == best
    assert request.match_costs["level"] == 0 and "total" in request.match_costs
    assert OutboxMessage.objects.filter(
        kind="match_found", recipient=candidate, match_request=request
    ).exists()
    assert matching_round()["requests"] == 0  # nothing left to match


def test_unmatched_requests_expire_with_a_notice_when_their_windows_pass(candidate):
    request = match_request_create(candidate=candidate, windows=[_window(days=1)])
    assert (
        matching_round(now=_at(1, 10))["expired"] == 0
    )  # a session could still fit 11:00-12:00... no: notice
    result = matching_round(now=_at(1, 12))
    assert result["expired"] == 1
    request.refresh_from_db()
    assert request.status == "expired" and request.closed_at is not None
    message = OutboxMessage.objects.get(kind="request_expired")
    assert message.recipient == candidate and message.session is None


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ([], "at least one time window"),
        ([(_at(-1, 9), _at(-1, 12))], "in the past"),
        ([(_at(3, 9), _at(3, 9) + timedelta(minutes=45))], "fit a whole 60-minute session"),
        ([(_at(40, 9), _at(40, 12))], "at most 4 weeks ahead"),
    ],
)
def test_bad_windows_are_refused_with_a_message(candidate, windows, message):
    with pytest.raises(ValidationError) as exc_info:
        match_request_create(candidate=candidate, windows=windows)
    assert any(message in m for m in exc_info.value.messages)
    assert not MatchRequest.objects.exists()


def test_at_most_three_open_requests(candidate):
    for day in range(3):
        match_request_create(candidate=candidate, windows=[_window(days=3 + day)])
    with pytest.raises(ValidationError, match="already have 3 open requests"):
        match_request_create(candidate=candidate, windows=[_window(days=9)])


def test_cancel_and_only_the_candidate(candidate, outsider):
    request = match_request_create(candidate=candidate, windows=[_window()])
    with pytest.raises(ValidationError):
        match_request_cancel(request=request, by=outsider)
    match_request_cancel(request=request, by=candidate)
    with pytest.raises(Conflict, match="already cancelled"):
        match_request_cancel(request=request, by=candidate)
    SlotFactory(start=_at(3, 10))
    assert matching_round()["booked"] == 0


def test_a_second_round_never_runs_while_one_holds_the_lease(candidate):
    RoundLease.objects.create(pk=1, held_until=timezone.now() + timedelta(minutes=5))
    assert matching_round() == {"skipped": True}
    RoundLease.objects.filter(pk=1).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )  # a crashed round
    assert matching_round()["skipped"] is False


def test_weekly_capacity_and_one_match_per_candidate_per_round(candidate):
    busy = InterviewerFactory(sessions_per_week=1, time_zone="UTC")
    monday = _at(7, 9) - timedelta(days=_at(7, 9).weekday())
    SlotFactory(interviewer=busy, start=monday + timedelta(hours=1))
    SlotFactory(interviewer=busy, start=monday + timedelta(hours=2))
    other = UserFactory()
    match_request_create(candidate=candidate, windows=[(monday, monday + timedelta(hours=4))])
    match_request_create(candidate=other, windows=[(monday, monday + timedelta(hours=4))])
    assert matching_round()["booked"] == 1
    assert Session.objects.filter(interviewer=busy).count() == 1


def test_api_match_requests_access_and_validation(api_client, candidate, outsider):
    api_client.force_authenticate(candidate)
    start, end = _window()
    response = api_client.post(
        reverse("api-match-requests"),
        {"windows": [{"start": start.isoformat(), "end": end.isoformat()}]},
        format="json",
    )
    assert response.status_code == 201 and response.json()["status"] == "open"
    request_id = response.json()["id"]
    response = api_client.post(reverse("api-match-requests"), {"windows": []}, format="json")
    assert response.status_code == 400 and "at least one time window" in response.json()["detail"]
    api_client.force_authenticate(outsider)
    assert api_client.get(reverse("api-match-requests")).json() == []
    assert api_client.post(reverse("api-match-request-cancel", args=[request_id])).status_code == 404
    api_client.force_authenticate(candidate)
    assert (
        api_client.post(reverse("api-match-request-cancel", args=[request_id])).json()["status"]
        == "cancelled"
    )


def test_request_page_takes_windows_in_the_members_zone(client, candidate):
    client.force_login(candidate)  # Europe/Berlin
    day = _at(4, 0).date()
    response = client.post(
        reverse("match-requests"),
        {
            "target_level": "L4",
            "company_type": "faang",
            "day_0": day.isoformat(),
            "from_0": "18:00",
            "to_0": "21:00",
        },
    )
    assert response.status_code == 302
    window = MatchRequest.objects.get().windows.get()
    assert window.start.astimezone(candidate.zone).hour == 18 and window.end - window.start == timedelta(
        hours=3
    )
    page = client.get(reverse("match-requests")).content.decode()
    assert "Waiting for a match" in page and "18:00–21:00" in page


def test_a_deactivated_candidates_request_is_not_matched(candidate):
    SlotFactory(interviewer=InterviewerFactory(interviewer_level="L5"), start=_at(3, 10))
    request = match_request_create(candidate=candidate, windows=[_window()])
    type(candidate).objects.filter(pk=candidate.pk).update(is_active=False)  # as in the admin's raw edit
    result = matching_round()
    assert result["booked"] == 0
    request.refresh_from_db()
    assert request.status == "open"
    assert not Session.objects.exists()


def test_the_round_reads_slot_times_as_numbers_to_the_microsecond():
    start = datetime(2027, 3, 28, 0, 59, 59, 999999, tzinfo=UTC)  # a second before Europe's clock change
    slot = SlotFactory(start=start, end=start + timedelta(hours=1, microseconds=1))
    epochs = Slot.objects.filter(pk=slot.pk).values_list(Epoch("start"), Epoch("end")).get()
    assert [datetime.fromtimestamp(epoch, UTC) for epoch in epochs] == [slot.start, slot.end]
