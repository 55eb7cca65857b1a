"""Credits, give to get: booking costs, interviewing earns, cancellations and no-shows settle."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts.credits import (
    EARNED_CREDITS,
    EARNED_SENIOR_CREDITS,
    LATE_CANCEL_FORFEIT,
    SESSION_PRICE,
    STARTER_CREDITS,
)
from accounts.errors import Conflict
from accounts.models import CreditCause, CreditEntry, User
from interviews.matching.models import MatchRequest
from interviews.matching.services import match_request_create, matching_round
from interviews.sessions.booking import session_book
from interviews.sessions.lifecycle import session_cancel, session_report_no_show
from interviews.sessions.models import Session
from rubrics.selectors import rubric_current
from rubrics.services import evaluation_save
from tests.factories import InterviewerFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


def _ledger_sum(user) -> int:
    return CreditEntry.objects.filter(user=user).aggregate(total=Sum("amount"))["total"] or 0


def _balance(user) -> int:
    user.refresh_from_db()
    assert user.credit_balance == _ledger_sum(user), "the balance must be the ledger's sum"
    return user.credit_balance


def _slot(interviewer, *, hours_ahead: int = 48):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours_ahead)
    return SlotFactory(interviewer=interviewer, start=start)


def test_a_member_who_signs_up_starts_with_credits_for_two_sessions(db, client, mailoutbox):
    client.post(reverse("account_signup"), {"email": "nora@example.com", "password1": "a-Long-passphrase-42"})
    nora = User.objects.get(email="nora@example.com")
    assert _balance(nora) == STARTER_CREDITS == 2 * SESSION_PRICE
    assert list(CreditEntry.objects.filter(user=nora).values_list("cause", flat=True)) == ["starter"]


def test_booking_costs_the_session_price_in_one_ledger_row(candidate, interviewer):
    session = session_book(candidate=candidate, slot_id=_slot(interviewer).pk)
    assert _balance(candidate) == STARTER_CREDITS - SESSION_PRICE
    entry = CreditEntry.objects.get(user=candidate, cause=CreditCause.BOOKING)
    assert (entry.amount, entry.session_id, entry.balance_after) == (-SESSION_PRICE, session.pk, 10)


def test_a_third_booking_on_starter_credits_is_refused_and_says_how_to_earn(candidate, interviewer):
    for hours in (48, 50):
        session_book(candidate=candidate, slot_id=_slot(interviewer, hours_ahead=hours).pk)
    with pytest.raises(Conflict, match="Interview another member to earn"):
        session_book(candidate=candidate, slot_id=_slot(interviewer, hours_ahead=52).pk)
    assert _balance(candidate) == 0
    assert Session.objects.filter(candidate=candidate).count() == 2


def test_the_api_refuses_a_booking_without_credits_with_409(api_client, interviewer):
    broke = UserFactory(credits=False)
    api_client.force_authenticate(broke)
    response = api_client.post(reverse("api-sessions"), {"slot": _slot(interviewer).pk}, format="json")
    assert response.status_code == 409
    assert "A session costs 10 credits and you have 0" in response.json()["detail"]
    assert not Session.objects.exists()


def test_the_page_refuses_a_booking_without_credits_and_explains(client, interviewer):
    broke = UserFactory(credits=False)
    client.force_login(broke)
    response = client.post(reverse("book"), {"slot": _slot(interviewer).pk})
    assert response.status_code == 409
    assert b"Interview another member to earn" in response.content
    assert not Session.objects.exists()


def test_the_database_refuses_a_negative_balance(candidate):
    with pytest.raises(IntegrityError, match="credit_balance_not_negative"), transaction.atomic():
        User.objects.filter(pk=candidate.pk).update(credit_balance=-1)
    with pytest.raises(IntegrityError, match="credit_entry_balance_not_negative"), transaction.atomic():
        CreditEntry.objects.create(user=candidate, amount=-30, balance_after=-10, cause=CreditCause.BOOKING)


class TestSettlement:
    @pytest.fixture
    def booked(self, candidate, interviewer):
        return session_book(candidate=candidate, slot_id=_slot(interviewer, hours_ahead=72).pk)

    def test_an_interviewer_cancellation_refunds_in_full(self, booked, candidate, interviewer):
        session_cancel(
            session=booked, by=interviewer, reason="Called away", now=booked.start - timedelta(hours=2)
        )
        assert _balance(candidate) == STARTER_CREDITS
        assert CreditEntry.objects.get(user=candidate, cause=CreditCause.REFUND).amount == SESSION_PRICE

    def test_a_candidate_cancellation_in_time_refunds_in_full(self, booked, candidate):
        session_cancel(
            session=booked, by=candidate, reason="Plans changed", now=booked.start - timedelta(days=2)
        )
        assert _balance(candidate) == STARTER_CREDITS
        assert not CreditEntry.objects.filter(cause=CreditCause.FORFEIT).exists()

    def test_a_late_cancellation_by_the_candidate_forfeits_part(self, booked, candidate):
        session_cancel(
            session=booked, by=candidate, reason="Plans changed", now=booked.start - timedelta(hours=3)
        )
        assert _balance(candidate) == STARTER_CREDITS - LATE_CANCEL_FORFEIT
        forfeit = CreditEntry.objects.get(user=candidate, cause=CreditCause.FORFEIT)
        assert forfeit.amount == -LATE_CANCEL_FORFEIT

    def test_an_interviewer_no_show_reported_by_the_candidate_refunds_in_full(self, booked, candidate):
        session_report_no_show(session=booked, by=candidate, now=booked.start + timedelta(minutes=20))
        assert _balance(candidate) == STARTER_CREDITS

    def test_a_candidate_no_show_reported_by_the_interviewer_forfeits_the_cost(
        self, booked, candidate, interviewer
    ):
        session_report_no_show(session=booked, by=interviewer, now=booked.start + timedelta(minutes=20))
        assert _balance(candidate) == STARTER_CREDITS - SESSION_PRICE
        assert CreditEntry.objects.filter(user=candidate, cause=CreditCause.FORFEIT).exists()
        assert not CreditEntry.objects.filter(user=candidate, cause=CreditCause.REFUND).exists()
        assert _balance(interviewer) == STARTER_CREDITS  # a no-show earns the interviewer nothing

    def test_a_session_booked_before_credits_existed_refunds_nothing(self, candidate, interviewer):
        from tests.factories import SessionFactory

        legacy = SessionFactory(candidate=candidate, slot=_slot(interviewer, hours_ahead=72))
        session_cancel(session=legacy, by=interviewer, reason="Called away")
        assert _balance(candidate) == STARTER_CREDITS


def _evaluate(session, interviewer, now):
    rubric = rubric_current()
    data = {
        "scores": {d.key: {"score": 3, "evidence": ""} for d in rubric.dimensions.all()},
        "hints": 0,
        "guidance": 0,
        "clarifications": 0,
        "recommended_level": "L4",
        "verdict": "yes",
        "strengths": "Clear framing of the objective and a solid baseline model.",
        "improvements": "Go deeper on labelling: delayed labels and position bias matter here.",
    }
    return evaluation_save(session=session, interviewer=interviewer, data=data, submit=True, now=now)


@pytest.mark.parametrize(
    ("interviewer_level", "target_level", "earned"),
    [("L4", "L4", EARNED_CREDITS), ("L5", "L4", EARNED_SENIOR_CREDITS), ("L5", "L5", EARNED_CREDITS)],
)
def test_submitting_the_rubric_earns_credits_more_for_senior_time(interviewer_level, target_level, earned):
    interviewer = InterviewerFactory(interviewer_level=interviewer_level)
    candidate = UserFactory(target_level=target_level)
    session = session_book(candidate=candidate, slot_id=_slot(interviewer).pk)
    _evaluate(session, interviewer, now=session.start + timedelta(minutes=70))
    assert _balance(interviewer) == STARTER_CREDITS + earned
    entry = CreditEntry.objects.get(user=interviewer, cause=CreditCause.EARNED)
    assert (entry.amount, entry.session_id) == (earned, session.pk)


def test_a_draft_earns_nothing(candidate, interviewer):
    session = session_book(candidate=candidate, slot_id=_slot(interviewer).pk)
    evaluation_save(session=session, interviewer=interviewer, data={"hints": 1}, now=session.start)
    assert _balance(interviewer) == STARTER_CREDITS


def test_the_matching_round_skips_requests_that_cannot_pay(interviewer):
    now = timezone.now()
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    for hour in range(4):
        SlotFactory(interviewer=interviewer, start=start + timedelta(hours=hour))
    payer = UserFactory(credits=10)
    spender = UserFactory(credits=10)
    requests = [
        match_request_create(candidate=who, windows=[(start, start + timedelta(hours=4))], now=now)
        for who in (payer, spender, spender)
    ]
    # The spender's balance ran out after asking (a booking elsewhere).
    session_book(candidate=spender, slot_id=_slot(InterviewerFactory(), hours_ahead=24).pk)
    result = matching_round(now=now)
    assert result["booked"] == 1
    statuses = dict(MatchRequest.objects.filter(pk__in=[r.pk for r in requests]).values_list("pk", "status"))
    assert statuses[requests[0].pk] == "matched"
    assert [statuses[r.pk] for r in requests[1:]] == ["open", "open"]
    assert (_balance(payer), _balance(spender)) == (0, 0)


def test_the_batch_booking_charges_only_what_a_candidate_can_pay(interviewer):
    from interviews.sessions.booking import sessions_book_many

    candidate = UserFactory(credits=10)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    slots = [SlotFactory(interviewer=interviewer, start=start + timedelta(hours=h)) for h in range(2)]
    with transaction.atomic():
        created = sessions_book_many(
            asks=[(i, candidate.pk, slot.pk, "L4", "faang") for i, slot in enumerate(slots)],
            now=timezone.now(),
        )
    assert list(created) == [0]
    assert _balance(candidate) == 0


def test_a_match_request_needs_the_credits_for_a_session(client):
    broke = UserFactory(credits=False)
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(Exception, match="A session costs 10 credits"):
        match_request_create(candidate=broke, windows=[(start, start + timedelta(hours=3))])


class TestWhereCreditsShow:
    def test_the_api_shows_balance_price_and_history(self, api_client, candidate, interviewer):
        session = session_book(candidate=candidate, slot_id=_slot(interviewer).pk)
        candidate.refresh_from_db()
        api_client.force_authenticate(candidate)
        body = api_client.get(reverse("api-my-credits")).json()
        assert (body["balance"], body["session_price"], body["can_book"]) == (10, SESSION_PRICE, True)
        assert [(e["cause"], e["amount"], e["session"]) for e in body["entries"]] == [
            ("booking", -10, session.pk),
            ("starter", 20, None),
        ]

    def test_the_api_is_in_the_schema_and_needs_a_login(self, api_client):
        assert api_client.get(reverse("api-my-credits")).status_code in (401, 403)
        assert b"/api/v1/me/credits/" in api_client.get(reverse("api-schema")).content

    def test_the_profile_shows_the_balance_and_history(self, client, candidate, interviewer):
        session_book(candidate=candidate, slot_id=_slot(interviewer).pk)
        client.force_login(candidate)
        page = client.get(reverse("profile")).content.decode()
        assert 'data-testid="credit-balance">10<' in page
        assert "Booked a session" in page and "Welcome credits" in page

    def test_an_empty_balance_explains_how_to_earn_more(self, client):
        broke = UserFactory(credits=False)
        client.force_login(broke)
        for name in ("profile", "find-slot"):
            assert "Interview another member to earn" in client.get(reverse(name)).content.decode()

    def test_find_a_slot_shows_the_price_before_booking(self, client, candidate):
        client.force_login(candidate)
        page = client.get(reverse("find-slot")).content.decode()
        assert "A session costs 10 credits." in page and "You have <strong>20</strong>" in page


def test_staff_grant_credits_in_the_admin(client, staff, candidate):
    client.force_login(staff)
    url = reverse("admin:accounts_creditentry_add")
    assert client.get(f"{url}?user={candidate.pk}").status_code == 200
    response = client.post(url, {"user": candidate.pk, "amount": 30, "note": "Thanks for the bug report"})
    assert response.status_code == 302
    assert _balance(candidate) == STARTER_CREDITS + 30
    grant = CreditEntry.objects.get(user=candidate, cause=CreditCause.GRANT)
    assert (grant.granted_by, grant.note) == (staff, "Thanks for the bug report")


def test_staff_cannot_grant_a_negative_amount(client, staff, candidate):
    client.force_login(staff)
    response = client.post(reverse("admin:accounts_creditentry_add"), {"user": candidate.pk, "amount": -5})
    assert response.status_code == 200
    assert _balance(candidate) == STARTER_CREDITS


def test_the_admin_user_action_leads_to_the_grant_form(client, staff, candidate):
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "grant_credits", "_selected_action": [candidate.pk]},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?user={candidate.pk}")
