"""What only a real PostgreSQL can show: concurrent bookings and the exclusion constraints."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.errors import Conflict
from interviews.matching.services import match_request_create, matching_round
from interviews.notifications.models import OutboxMessage
from interviews.notifications.outbox import outbox_dispatch
from interviews.sessions.booking import session_book
from interviews.sessions.models import Session
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("seeded_data")]


def test_fifty_concurrent_bookings_of_one_slot_give_one_session_and_49_clean_refusals():
    slot = SlotFactory(interviewer=InterviewerFactory(sessions_per_week=10))
    candidates = [UserFactory() for _ in range(50)]
    barrier = threading.Barrier(len(candidates))
    outcomes: list[str] = []

    def book(candidate):
        try:
            barrier.wait()
            session_book(candidate=candidate, slot_id=slot.pk)
            outcomes.append("booked")
        except Conflict as exc:
            outcomes.append(exc.message)
        except Exception as exc:  # anything else is a failure of the guarantee
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(c,)) for c in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("booked") == 1, outcomes
    assert outcomes.count("This slot was just taken. Pick another one.") == 49, outcomes
    assert Session.objects.filter(slot=slot).count() == 1


def _direct_insert(**fields):
    with transaction.atomic():
        SessionFactory(**fields)


def test_the_database_rejects_an_overlapping_session_for_one_interviewer():
    first = SessionFactory()
    other_slot = SlotFactory(interviewer=first.interviewer, start=first.start + timedelta(minutes=30))
    with pytest.raises(IntegrityError, match="session_interviewer_no_overlap"):
        _direct_insert(slot=other_slot)


def test_the_database_rejects_an_overlapping_session_for_one_candidate():
    first = SessionFactory()
    elsewhere = SlotFactory(start=first.start + timedelta(minutes=15))
    with pytest.raises(IntegrityError, match="session_candidate_no_overlap"):
        _direct_insert(slot=elsewhere, candidate=first.candidate)


def test_the_database_rejects_a_second_active_session_in_one_slot():
    first = SessionFactory()
    with pytest.raises(IntegrityError, match="one_active_session_per_slot|no_overlap"):
        _direct_insert(slot=first.slot)


def test_a_cancelled_session_does_not_block_its_time():
    first = SessionFactory(status="cancelled")
    SessionFactory(slot=first.slot)
    assert Session.objects.count() == 2


def test_two_dispatchers_at_once_send_every_message_exactly_once(mailoutbox):
    interviewer = InterviewerFactory(sessions_per_week=10)
    base = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    for hour in range(10):
        slot = SlotFactory(interviewer=interviewer, start=base + timedelta(hours=hour))
        session_book(candidate=UserFactory(), slot_id=slot.pk)
    owed = OutboxMessage.objects.filter(kind="booking_confirmation").count()
    assert owed == 20
    barrier = threading.Barrier(2)

    def dispatch():
        barrier.wait()
        outbox_dispatch()
        connection.close()

    threads = [threading.Thread(target=dispatch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [m.extra_headers["Message-ID"] for m in mailoutbox]
    assert len(ids) == len(set(ids)) == owed
    assert OutboxMessage.objects.filter(kind="booking_confirmation", sent_at__isnull=True).count() == 0


def _race_round_and_booking(slot, direct) -> list:
    barrier, outcomes = threading.Barrier(2), []

    def round_():
        barrier.wait()
        outcomes.append(matching_round()["booked"])
        connection.close()

    def book():
        barrier.wait()
        try:
            session_book(candidate=direct, slot_id=slot.pk)
            outcomes.append("direct")
        except Conflict:
            outcomes.append("refused")
        connection.close()

    threads = [threading.Thread(target=round_), threading.Thread(target=book)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_a_round_racing_a_direct_booking_never_double_books():
    for attempt in range(5):
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3, hours=attempt)
        slot = SlotFactory(interviewer=InterviewerFactory(), start=start)
        match_request_create(
            candidate=UserFactory(), windows=[(start - timedelta(hours=1), start + timedelta(hours=2))]
        )
        outcomes = _race_round_and_booking(slot, UserFactory())
        assert Session.objects.filter(slot=slot).count() == 1, outcomes
        assert sorted(map(str, outcomes)) in (["0", "direct"], ["1", "refused"]), outcomes


def test_fifty_concurrent_bookings_by_one_candidate_with_credits_for_two_give_two_sessions():
    from accounts.models import CreditEntry, User

    candidate = UserFactory()  # the starter credits: enough for two sessions
    interviewers = [InterviewerFactory(sessions_per_week=10) for _ in range(5)]
    base = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    slots = [
        SlotFactory(interviewer=interviewers[i % 5], start=base + timedelta(hours=2 * i)) for i in range(50)
    ]
    barrier = threading.Barrier(len(slots))
    outcomes: list[str] = []

    def book(slot):
        try:
            barrier.wait()
            session_book(candidate=candidate, slot_id=slot.pk)
            outcomes.append("booked")
        except Conflict as exc:
            outcomes.append(exc.message.split(".")[0])
        except Exception as exc:  # anything else is a failure of the guarantee
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(s,)) for s in slots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("booked") == 2, outcomes
    assert outcomes.count("A session costs 10 credits and you have 0") == 48, outcomes
    assert Session.objects.filter(candidate=candidate).count() == 2
    candidate = User.objects.get(pk=candidate.pk)
    assert candidate.credit_balance == 0
    balances = list(
        CreditEntry.objects.filter(user=candidate).order_by("pk").values_list("balance_after", flat=True)
    )
    assert balances == [20, 10, 0]  # every row chains on the one before; none below zero
