"""Changes that strand nobody: an interviewer who lowers their level, narrows their company
experience, opts out or is deactivated cancels exactly the upcoming sessions that no longer fit,
with notices to both and the candidate refunded."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.credits import STARTER_CREDITS
from accounts.models import User
from accounts.services import profile_update, user_deactivate
from interviews.notifications.models import OutboxMessage
from interviews.scheduling.models import Slot
from interviews.sessions.booking import session_book
from interviews.sessions.models import Session
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db

TARGETS = {"l5_faang": ("L5", "faang"), "l4_startup": ("L4", "startup"), "l3_faang": ("L3", "faang")}


@pytest.fixture
def ivan():
    return InterviewerFactory(
        display_name="Ivan", interviewer_level="L5", company_experience="both", sessions_per_week=10
    )


@pytest.fixture
def booked(ivan):
    """Ivan's three upcoming sessions, one per target, each booked (and paid) by its candidate."""
    base = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    sessions = {}
    for hour, (name, (level, company)) in enumerate(TARGETS.items()):
        candidate = UserFactory(target_level=level, target_company_type=company)
        slot = SlotFactory(interviewer=ivan, start=base + timedelta(hours=2 * hour))
        sessions[name] = session_book(candidate=candidate, slot_id=slot.pk)
    return sessions


@pytest.fixture
def bystanders(ivan):
    """What must not move: ivan's past session, and another interviewer's upcoming one."""
    past = SessionFactory(
        slot=SlotFactory(interviewer=ivan, start=timezone.now() - timedelta(days=2)),
        status="completed",
        target_level="L5",
    )
    other = SessionFactory(target_level="L5")
    return [past, other]


def _cancelled(sessions) -> set[str]:
    status = dict(Session.objects.values_list("pk", "status"))
    return {name for name, s in sessions.items() if status[s.pk] == "cancelled"}


def _assert_told_and_refunded(session):
    session.refresh_from_db()
    told = set(
        OutboxMessage.objects.filter(session=session, kind="cancellation").values_list("recipient", flat=True)
    )
    assert told == {session.candidate_id, session.interviewer_id}
    assert User.objects.get(pk=session.candidate_id).credit_balance == STARTER_CREDITS
    assert session.cancel_reason


def _profile(user, **changes):
    return profile_update(user=User.objects.get(pk=user.pk), data=changes)


def test_lowering_the_level_cancels_exactly_the_sessions_above_it(ivan, booked, bystanders):
    _profile(ivan, interviewer_level="L4")
    assert _cancelled(booked) == {"l5_faang"}
    _assert_told_and_refunded(booked["l5_faang"])
    assert {s.status for s in Session.objects.filter(pk__in=[b.pk for b in bystanders])} <= {
        "completed",
        "scheduled",
    }
    assert Session.objects.get(pk=bystanders[1].pk).status == "scheduled"


def test_lowering_the_level_through_the_api_does_the_same(api_client, ivan, booked):
    api_client.force_authenticate(ivan)
    response = api_client.patch(reverse("api-me"), {"interviewer_level": "L3"}, format="json")
    assert response.status_code == 200
    assert _cancelled(booked) == {"l5_faang", "l4_startup"}


def test_narrowing_company_experience_cancels_exactly_the_other_company_type(ivan, booked, bystanders):
    _profile(ivan, company_experience="faang")
    assert _cancelled(booked) == {"l4_startup"}
    _assert_told_and_refunded(booked["l4_startup"])


def test_a_change_that_still_fits_cancels_nothing(ivan, booked):
    _profile(ivan, bio="Ten years of ranking systems.", sessions_per_week=9)
    assert _cancelled(booked) == set()


def test_opting_out_cancels_every_upcoming_session_and_withdraws_open_slots(ivan, booked, bystanders):
    open_slot = SlotFactory(interviewer=ivan, start=timezone.now() + timedelta(days=5))
    _profile(ivan, is_interviewer=False)
    assert _cancelled(booked) == set(TARGETS)
    for session in booked.values():
        _assert_told_and_refunded(session)
    assert not Slot.objects.filter(pk=open_slot.pk).exists()
    assert Session.objects.get(pk=bystanders[0].pk).status == "completed"


def test_deactivation_cancels_everything_upcoming_and_withdraws_messages_to_him(ivan, booked, bystanders):
    own = session_book(
        candidate=ivan, slot_id=SlotFactory(start=timezone.now() + timedelta(days=6)).pk, target_level="L5"
    )
    user_deactivate(user=ivan)
    assert _cancelled(booked) == set(TARGETS)
    assert Session.objects.get(pk=own.pk).status == "cancelled"
    assert not OutboxMessage.objects.filter(
        recipient=ivan, sent_at__isnull=True, withdrawn_at__isnull=True
    ).exists()
    # The others are still told.
    for session in booked.values():
        assert OutboxMessage.objects.filter(
            session=session, recipient=session.candidate, kind="cancellation", withdrawn_at__isnull=True
        ).exists()
    assert Session.objects.get(pk=bystanders[1].pk).status == "scheduled"


def test_unticking_active_in_the_admin_goes_through_deactivation(client, staff, ivan, booked):
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "deactivate", "_selected_action": [ivan.pk]}
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=ivan.pk).is_active
    assert _cancelled(booked) == set(TARGETS)


def test_a_change_of_fit_in_the_admin_is_followed_like_one_on_the_profile(rf, staff, ivan, booked):
    """Staff lowering Ivan's level in the admin strands nobody silently: the session above it is
    cancelled and refunded, and his slots carry the new level (what the slot search ranks by)."""
    from types import SimpleNamespace

    from django.contrib import admin

    ivan.interviewer_level = "L4"
    request = rf.post("/admin/")
    request.user = staff
    admin.site._registry[User].save_model(
        request, ivan, SimpleNamespace(changed_data=["interviewer_level"]), True
    )
    assert _cancelled(booked) == {"l5_faang"}
    _assert_told_and_refunded(booked["l5_faang"])
    assert set(Slot.objects.filter(interviewer=ivan).values_list("interviewer_level", flat=True)) == {"L4"}
