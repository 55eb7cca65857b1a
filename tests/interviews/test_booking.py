from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.errors import Conflict
from interviews.sessions.booking import session_book, sessions_book_many
from interviews.sessions.models import Session, SessionStatus
from interviews.sessions.selectors import slots_available
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


def _messages(exc_info) -> str:
    exc = exc_info.value
    return exc.message if isinstance(exc, Conflict) else " ".join(exc.messages)


def test_booking_creates_a_session_with_a_fitting_question_and_a_private_room(candidate, slot):
    session = session_book(candidate=candidate, slot_id=slot.pk)
    assert (session.candidate, session.interviewer, session.slot) == (candidate, slot.interviewer, slot)
    assert (session.start, session.end, session.status) == (slot.start, slot.end, SessionStatus.SCHEDULED)
    assert session.question.company_type == "faang"
    assert session.question.min_level <= "L4" <= session.question.max_level
    assert session.video_url.startswith("https://meet.jit.si/PeerLoop-")
    assert len(session.room_name) >= 30
    other = session_book(
        candidate=UserFactory(),
        slot_id=SlotFactory(interviewer=slot.interviewer, start=slot.start + timedelta(hours=1)).pk,
    )
    assert other.room_name != session.room_name


def test_question_is_never_one_the_candidate_already_had(interviewer):
    candidate = UserFactory(credits=100)
    interviewer.sessions_per_week = 10
    interviewer.save()
    had = set()
    for hour in range(6):
        slot = SlotFactory(
            interviewer=interviewer, start=timezone.now().replace(minute=0) + timedelta(days=3, hours=hour)
        )
        session = session_book(candidate=candidate, slot_id=slot.pk)
        assert session.question_id not in had
        had.add(session.question_id)


def test_startup_candidates_get_startup_questions_with_a_company_context(interviewer):
    founder = UserFactory(target_company_type="startup")
    session = session_book(candidate=founder, slot_id=SlotFactory(interviewer=interviewer).pk)
    assert session.question.company_type == "startup"
    assert session.question.company_context


@pytest.mark.parametrize(
    ("make_slot", "message"),
    [
        (
            lambda i: SlotFactory(interviewer=i, start=timezone.now() - timedelta(hours=3)),
            "This slot is in the past.",
        ),
        (
            lambda i: SlotFactory(interviewer=i, start=timezone.now() + timedelta(minutes=90)),
            "at least 2 hours ahead",
        ),
    ],
)
def test_slots_in_the_past_or_inside_the_notice_are_refused(candidate, interviewer, make_slot, message):
    with pytest.raises(ValidationError) as exc_info:
        session_book(candidate=candidate, slot_id=make_slot(interviewer).pk)
    assert message in _messages(exc_info)
    assert not Session.objects.exists()


def test_an_interviewer_cannot_book_their_own_slot(interviewer, slot):
    with pytest.raises(ValidationError) as exc_info:
        session_book(candidate=interviewer, slot_id=slot.pk, target_level="L4", company_type="faang")
    assert "your own slot" in _messages(exc_info)


@pytest.mark.parametrize(
    ("interviewer_fields", "message"),
    [
        ({"interviewer_level": "L3"}, "below your target L4"),
        ({"company_experience": "startup"}, "has no FAANG interview experience"),
        ({"is_interviewer": False}, "is not taking interviews"),
    ],
)
def test_an_unfitting_interviewer_is_refused(candidate, interviewer_fields, message):
    slot = SlotFactory(interviewer=InterviewerFactory(**interviewer_fields))
    with pytest.raises(ValidationError) as exc_info:
        session_book(candidate=candidate, slot_id=slot.pk)
    assert message in _messages(exc_info)


def test_an_interviewer_with_a_full_week_is_refused(candidate):
    busy = InterviewerFactory(sessions_per_week=1, time_zone="UTC")
    first = SlotFactory(interviewer=busy, start=timezone.now().replace(hour=10, minute=0) + timedelta(days=7))
    monday = first.start - timedelta(days=first.start.weekday())
    first.start, first.end = monday.replace(hour=10), monday.replace(hour=11)
    first.save()
    session_book(candidate=UserFactory(), slot_id=first.pk)
    same_week = SlotFactory(interviewer=busy, start=first.start + timedelta(days=2))
    next_week = SlotFactory(interviewer=busy, start=first.start + timedelta(days=7))
    with pytest.raises(Conflict) as exc_info:
        session_book(candidate=candidate, slot_id=same_week.pk)
    assert "no sessions left that week" in exc_info.value.message
    assert session_book(candidate=candidate, slot_id=next_week.pk).slot == next_week


def test_an_unknown_slot_is_refused(candidate):
    with pytest.raises(ValidationError) as exc_info:
        session_book(candidate=candidate, slot_id=999999)
    assert "This slot does not exist." in _messages(exc_info)


def test_a_taken_slot_is_a_conflict(candidate, slot):
    SessionFactory(slot=slot)
    with pytest.raises(Conflict) as exc_info:
        session_book(candidate=candidate, slot_id=slot.pk)
    assert exc_info.value.message == "This slot was just taken. Pick another one."


def test_nobody_is_in_two_overlapping_sessions_in_any_role(candidate, interviewer, slot):
    session_book(candidate=candidate, slot_id=slot.pk)
    clash = SlotFactory(interviewer=InterviewerFactory(), start=slot.start + timedelta(minutes=30))
    with pytest.raises(Conflict, match="You already have a session at that time."):
        session_book(candidate=candidate, slot_id=clash.pk)
    # The interviewer, booking as a candidate, is busy interviewing then.
    with pytest.raises(Conflict):
        session_book(candidate=interviewer, slot_id=clash.pk, target_level="L4", company_type="faang")


def test_booking_takes_a_fixed_number_of_queries(candidate, interviewer):
    for other in range(20):
        SessionFactory(
            slot=SlotFactory(interviewer=interviewer, start=timezone.now() + timedelta(days=8, hours=other))
        )
    slot = SlotFactory(interviewer=InterviewerFactory())
    with CaptureQueriesContext(connection) as queries:
        session_book(candidate=candidate, slot_id=slot.pk)
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    # slot, both people locked, one aggregate of the rules, the question, the session, its
    # messages, and the credits: the ledger row and the balance beside it
    assert len(statements) == 8, statements


class TestSlotSearch:
    def _slots(self, interviewer, count):
        # Mid-day tomorrow, so a handful of hours never straddle two days or weeks.
        base = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
        return [SlotFactory(interviewer=interviewer, start=base + timedelta(hours=h)) for h in range(count)]

    def _search(self, candidate, **kwargs):
        now = timezone.now()
        return slots_available(
            candidate=candidate,
            target_level=kwargs.get("target_level", "L4"),
            company_type=kwargs.get("company_type", "faang"),
            start=now,
            end=now + timedelta(days=14),
        )

    def test_only_open_slots_of_fitting_interviewers_are_offered(self, candidate):
        fits = self._slots(InterviewerFactory(interviewer_level="L4"), 2)
        self._slots(InterviewerFactory(interviewer_level="L3"), 2)  # below target
        self._slots(InterviewerFactory(company_experience="startup"), 2)  # wrong company type
        self._slots(candidate, 0)
        SessionFactory(slot=fits[1])  # taken
        assert [s.pk for s in self._search(candidate)] == [fits[0].pk]

    def test_closest_level_above_the_target_and_fresh_pairings_rank_first(self, candidate):
        l5 = self._slots(InterviewerFactory(interviewer_level="L5"), 1)[0]
        l4 = self._slots(InterviewerFactory(interviewer_level="L4"), 1)[0]
        l5_seen = InterviewerFactory(interviewer_level="L5")
        SessionFactory(
            candidate=candidate,
            slot=SlotFactory(interviewer=l5_seen, start=timezone.now() - timedelta(days=3)),
            status="completed",
        )
        l5_again = self._slots(l5_seen, 1)[0]
        ranked = self._search(candidate)
        # Target L4: an L5 (one above) fits best, fresh before repeat; an L4 (same level) after.
        assert [s.pk for s in ranked] == [l5.pk, l5_again.pk, l4.pk]
        assert ranked[1].past_pairings == 1

    def test_a_full_week_hides_that_interviewers_slots(self, candidate):
        interviewer = InterviewerFactory(sessions_per_week=1, time_zone="UTC")
        slots = self._slots(interviewer, 2)
        SessionFactory(slot=slots[0])
        assert self._search(candidate) == [] or all(
            s.interviewer_id != interviewer.pk for s in self._search(candidate)
        )

    def test_slot_search_needs_the_same_queries_for_100_and_1000_slots(
        self, candidate, django_assert_num_queries
    ):
        interviewers = [InterviewerFactory() for _ in range(5)]
        base = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)

        def add(count):
            from interviews.scheduling.models import Slot

            Slot.objects.bulk_create(
                Slot.of(interviewers[i % 5], base + timedelta(hours=i // 5)) for i in range(count)
            )

        add(100)
        # the slots to rank, week load, the candidate's sessions, ratings, reliability, the offered whole
        with django_assert_num_queries(6):
            assert len(self._search(candidate)) == 100
        from interviews.scheduling.models import Slot

        Slot.objects.all().delete()
        add(1000)
        with django_assert_num_queries(6):
            assert len(self._search(candidate)) > 100


def test_a_deactivated_interviewer_is_neither_offered_nor_bookable(candidate):
    gone = InterviewerFactory(is_active=False)
    slot = SlotFactory(interviewer=gone)
    now = timezone.now()
    offered = slots_available(
        candidate=candidate, target_level="L4", company_type="faang", start=now, end=now + timedelta(days=7)
    )
    assert offered == []
    with pytest.raises(ValidationError, match="not taking interviews"):
        session_book(candidate=candidate, slot_id=slot.pk)


def test_the_batch_skips_an_ask_at_an_hour_its_person_is_busy_and_books_the_next_hour(candidate, interviewer):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    session_book(candidate=candidate, slot_id=SlotFactory(interviewer=interviewer, start=start).pk)
    other = InterviewerFactory()
    same_hour, next_hour = (SlotFactory(interviewer=other, start=start + timedelta(hours=h)) for h in (0, 1))
    target = (candidate.target_level, candidate.target_company_type)
    with transaction.atomic():
        created = sessions_book_many(
            asks=[(1, candidate.pk, same_hour.pk, *target), (2, candidate.pk, next_hour.pk, *target)],
            now=timezone.now(),
        )
    assert list(created) == [2]
    assert created[2].start == start + timedelta(hours=1)  # ending as the other starts is not a clash
