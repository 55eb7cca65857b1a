from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.errors import Conflict
from interviews.scheduling.models import Slot
from interviews.sessions.booking import session_book, session_reschedule
from interviews.sessions.lifecycle import session_cancel, session_report_no_show, sessions_complete_ended
from interviews.sessions.models import Session, SessionStatus
from interviews.sessions.selectors import open_slots
from rubrics.models import Evaluation
from rubrics.services import evaluation_save
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(candidate, slot):
    return session_book(candidate=candidate, slot_id=slot.pk)


class TestCancel:
    def test_a_candidates_cancel_reopens_the_slot(self, session, candidate):
        session_cancel(session=session, by=candidate, reason="Got an offer, thanks!")
        session.refresh_from_db()
        assert (session.status, session.cancelled_by, session.late_cancellation) == (
            "cancelled",
            candidate,
            False,
        )
        assert open_slots().filter(pk=session.slot_id).exists()

    def test_an_interviewers_cancel_withdraws_the_slot(self, session, interviewer):
        session_cancel(session=session, by=interviewer, reason="Travelling that day.")
        assert Slot.objects.get(pk=session.slot_id).is_withdrawn
        assert not open_slots().filter(pk=session.slot_id).exists()

    def test_under_24_hours_before_is_recorded_as_late(self, session, candidate):
        session_cancel(session=session, by=candidate, reason="Sick.", now=session.start - timedelta(hours=23))
        session.refresh_from_db()
        assert session.late_cancellation

    def test_a_reason_is_required(self, session, candidate):
        with pytest.raises(ValidationError, match="Tell the other person why you cancel."):
            session_cancel(session=session, by=candidate, reason="  ")
        assert Session.objects.get(pk=session.pk).status == "scheduled"

    def test_a_cancelled_session_cannot_be_cancelled_or_moved_again(self, session, candidate, interviewer):
        session_cancel(session=session, by=candidate, reason="Conflict at work.")
        with pytest.raises(Conflict, match="This session was cancelled."):
            session_cancel(session=session, by=interviewer, reason="Again")
        other = SlotFactory(interviewer=interviewer, start=session.start + timedelta(hours=2))
        with pytest.raises(Conflict, match="This session was cancelled."):
            session_reschedule(session=session, candidate=candidate, slot_id=other.pk)

    def test_a_started_session_cannot_be_cancelled(self, session, candidate):
        with pytest.raises(Conflict, match="already started"):
            session_cancel(
                session=session, by=candidate, reason="late", now=session.start + timedelta(minutes=1)
            )


class TestReschedule:
    def test_moves_the_session_atomically_and_bumps_its_sequence(self, session, candidate):
        target = SlotFactory(interviewer=InterviewerFactory(), start=session.start + timedelta(days=1))
        old_slot, room, question = session.slot, session.room_name, session.question_id
        moved = session_reschedule(session=session, candidate=candidate, slot_id=target.pk)
        assert (moved.slot, moved.start, moved.interviewer) == (target, target.start, target.interviewer)
        assert (moved.sequence, moved.room_name, moved.question_id) == (1, room, question)
        assert open_slots().filter(pk=old_slot.pk).exists()

    def test_a_taken_target_leaves_the_session_where_it_was(self, session, candidate):
        taken = SessionFactory(
            slot=SlotFactory(interviewer=InterviewerFactory(), start=session.start + timedelta(days=1))
        )
        with pytest.raises(Conflict, match="just taken"):
            session_reschedule(session=session, candidate=candidate, slot_id=taken.slot_id)
        session.refresh_from_db()
        assert session.sequence == 0 and session.status == "scheduled"

    def test_only_the_candidate_reschedules(self, session, interviewer):
        target = SlotFactory(interviewer=InterviewerFactory(), start=session.start + timedelta(days=1))
        with pytest.raises(ValidationError, match="Only the candidate can reschedule"):
            session_reschedule(session=session, candidate=interviewer, slot_id=target.pk)


class TestNoShowAndCompletion:
    def test_no_show_can_be_reported_from_15_minutes_after_the_start(self, session, candidate):
        with pytest.raises(ValidationError, match="from 15 minutes after the start"):
            session_report_no_show(session=session, by=candidate, now=session.start + timedelta(minutes=10))
        session_report_no_show(session=session, by=candidate, now=session.start + timedelta(minutes=16))
        session.refresh_from_db()
        assert (session.status, session.no_show_reported_by) == ("no_show", candidate)
        with pytest.raises(Conflict, match="already reported"):
            session_report_no_show(session=session, by=candidate, now=session.start + timedelta(minutes=20))

    def test_ended_sessions_are_completed_once(self, session):
        assert sessions_complete_ended(now=session.end - timedelta(minutes=1)) == 0
        assert sessions_complete_ended(now=session.end) == 1
        assert sessions_complete_ended(now=session.end) == 0
        session.refresh_from_db()
        assert session.status == SessionStatus.COMPLETED


class TestQuestionVisibility:
    def test_the_interviewer_sees_the_question_and_the_candidate_only_once_it_started(
        self, client, session, candidate, interviewer
    ):
        url = reverse("session-detail", args=[session.pk])
        title = escape(session.question.title)
        client.force_login(interviewer)
        page = client.get(url).content.decode()
        assert title in page
        for part in (
            "Phases",
            "Fact sheet",
            "What a strong answer shows",
            escape(session.question.facts()[0]["value"]),
        ):
            assert part in page, part
        client.force_login(candidate)
        page = client.get(url).content.decode()
        assert title not in page
        assert "You will meet the question in the session" in page
        Session.objects.filter(pk=session.pk).update(start=timezone.now() - timedelta(minutes=5))
        page = client.get(url).content.decode()
        assert title in page
        for part in ("Fact sheet", "What a strong answer shows", "Follow-ups"):
            assert part not in page, part


ENDPOINTS = [
    ("get", "api-session-detail", {}),
    ("post", "api-session-cancel", {"reason": "Cannot make it"}),
    ("post", "api-session-reschedule", {"slot": 1}),
    ("post", "api-session-no-show", {}),
]


@pytest.mark.parametrize(("method", "name", "payload"), ENDPOINTS)
def test_outsiders_get_404_on_every_session_endpoint(api_client, session, outsider, method, name, payload):
    api_client.force_authenticate(outsider)
    response = getattr(api_client, method)(reverse(name, args=[session.pk]), payload, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    session.refresh_from_db()
    assert session.status == "scheduled"


@pytest.mark.parametrize("name", ["session-detail", "session-reschedule"])
def test_outsiders_get_404_on_session_pages(client, session, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[session.pk])).status_code == 404
    assert client.post(reverse("session-cancel", args=[session.pk]), {"reason": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["candidate", "interviewer"])
def test_participants_reach_their_session(api_client, session, request, who):
    user = request.getfixturevalue(who)
    api_client.force_authenticate(user)
    response = api_client.get(reverse("api-session-detail", args=[session.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == who
    assert (body["question"] is None) == (who == "candidate")
    assert body["video_url"].startswith("https://meet.jit.si/")


def test_api_booking_answers_201_then_409_for_the_same_slot(api_client, candidate, outsider, slot):
    api_client.force_authenticate(candidate)
    response = api_client.post(reverse("api-sessions"), {"slot": slot.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["interviewer"]["id"] == slot.interviewer_id
    api_client.force_authenticate(outsider)
    response = api_client.post(reverse("api-sessions"), {"slot": slot.pk}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "This slot was just taken. Pick another one."}
    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"slot": 999999}, 400, "slot: This slot does not exist."),
        ({"slot": "abc"}, 400, "slot: A valid integer is required."),
        ({}, 400, "slot: This field is required."),
        ({"slot": "SELF"}, 400, "your own slot"),
    ],
)
def test_api_booking_bad_input_gets_a_message(api_client, interviewer, slot, payload, status, message):
    api_client.force_authenticate(interviewer)
    if payload.get("slot") == "SELF":
        payload = {"slot": slot.pk, "target_level": "L4", "company_type": "faang"}
    response = api_client.post(reverse("api-sessions"), payload, format="json")
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_api_cancel_reschedule_and_no_show_flow(api_client, candidate, interviewer, session):
    api_client.force_authenticate(candidate)
    target = SlotFactory(interviewer=interviewer, start=session.start + timedelta(hours=3))
    response = api_client.post(
        reverse("api-session-reschedule", args=[session.pk]), {"slot": target.pk}, format="json"
    )
    assert response.status_code == 200 and response.json()["sequence"] == 1
    response = api_client.post(reverse("api-session-no-show", args=[session.pk]), {}, format="json")
    assert response.status_code == 400
    assert "15 minutes after the start" in response.json()["detail"]
    response = api_client.post(reverse("api-session-cancel", args=[session.pk]), {}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["reason"]
    response = api_client.post(
        reverse("api-session-cancel", args=[session.pk]), {"reason": "Flu"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    response = api_client.post(
        reverse("api-session-cancel", args=[session.pk]), {"reason": "Flu"}, format="json"
    )
    assert response.status_code == 409


def test_api_sessions_list_has_a_fixed_query_count(api_client, candidate, django_assert_num_queries):
    for day in range(1, 8):
        SessionFactory(candidate=candidate, slot=SlotFactory(start=timezone.now() + timedelta(days=day)))
    api_client.force_authenticate(candidate)
    # the count, then one page of sessions joined with both people and the question
    with django_assert_num_queries(2):
        response = api_client.get(reverse("api-sessions"))
    assert response.json()["count"] == 7
    assert len(response.json()["results"]) == 7


def test_api_sessions_come_upcoming_first_soonest_first_then_the_latest_past(api_client, candidate):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    later = SessionFactory(candidate=candidate, slot=SlotFactory(start=now + timedelta(days=5)))
    sooner = SessionFactory(candidate=candidate, slot=SlotFactory(start=now + timedelta(days=2)))
    old = SessionFactory(
        candidate=candidate, slot=SlotFactory(start=now - timedelta(days=9)), status="completed"
    )
    recent = SessionFactory(
        candidate=candidate, slot=SlotFactory(start=now - timedelta(days=1)), status="completed"
    )
    api_client.force_authenticate(candidate)
    ids = [s["id"] for s in api_client.get(reverse("api-sessions")).json()["results"]]
    assert ids == [sooner.pk, later.pk, recent.pk, old.pk]


def test_api_slots_lists_fitting_slots_and_validates_the_query(api_client, candidate, slot):
    api_client.force_authenticate(candidate)
    response = api_client.get(reverse("api-slots"))
    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [slot.pk]
    assert response.json()[0]["interviewer"]["level"] == "L5"
    response = api_client.get(reverse("api-slots"), {"target_level": "L9"})
    assert response.status_code == 400 and "target_level" in response.json()["errors"]
    response = api_client.get(
        reverse("api-slots"), {"start": "2027-01-10T00:00:00Z", "end": "2027-01-01T00:00:00Z"}
    )
    assert response.status_code == 400
    # One rule for the page and the API, so one wording.
    assert "The end date comes before the start date." in response.json()["detail"]


class TestNoShowWindow:
    def test_not_after_48_hours(self, candidate, interviewer):
        old = SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(days=5)),
        )
        with pytest.raises(ValidationError, match="within 48 hours"):
            session_report_no_show(session=old, by=candidate)

    def test_not_once_the_evaluation_is_submitted(self, candidate, interviewer):
        recent = SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() - timedelta(hours=3)),
        )
        evaluation_save(session=recent, interviewer=interviewer, data={"hints": 1})  # a draft does not count
        Evaluation.objects.filter(session=recent).update(status="submitted", submitted_at=timezone.now())
        with pytest.raises(Conflict, match="already evaluated"):
            session_report_no_show(session=recent, by=candidate)


class TestBadInputNever500:
    def test_slots_api_for_a_member_without_a_target(self, api_client):
        member = UserFactory(target_level="", target_company_type="")
        api_client.force_authenticate(member)
        response = api_client.get(reverse("api-slots"))
        assert response.status_code == 400
        assert "target_level" in response.json()["errors"]

    def test_far_future_dates_on_the_slots_api(self, api_client, candidate):
        api_client.force_authenticate(candidate)
        response = api_client.get(reverse("api-slots"), {"start": "9999-12-30T00:00:00Z"})
        assert response.status_code == 400

    def test_far_future_dates_on_the_find_slot_page(self, client, candidate):
        client.force_login(candidate)
        response = client.get(reverse("find-slot"), {"start": "9999-12-30", "end": "9999-12-31"})
        assert response.status_code == 200
        assert b"Search within the coming year." in response.content

    def test_far_future_dates_in_a_match_request(self, client, candidate):
        client.force_login(candidate)
        far = {"target_level": "L4", "company_type": "faang", "day_0": "9999-12-31", "from_0": "22:00",
               "to_0": "01:00"}  # fmt: skip
        response = client.post(reverse("match-requests"), far)
        assert response.status_code == 200
        assert b"Choose a day in the next four weeks." in response.content

    def test_rescheduling_onto_the_current_slot_from_the_page(self, client, candidate, slot):
        session = session_book(candidate=candidate, slot_id=slot.pk)
        client.force_login(candidate)
        response = client.post(reverse("session-reschedule", args=[session.pk]), {"slot": str(slot.pk)})
        assert response.status_code == 400
        assert b"That is the session&#x27;s current slot." in response.content
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
