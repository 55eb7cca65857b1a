"""`manage.py seed_scale` run small: the data set's shape, scaled down, within the models' rules."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Sum
from django.utils import timezone

from accounts.models import CreditEntry, User
from config.scale import scale_seed
from interviews.fit import fit_problem
from interviews.matching.models import MatchRequest, MatchRequestStatus
from interviews.scheduling.models import Slot
from interviews.sessions.models import ACTIVE_STATUSES, Session, SessionStatus
from rubrics.models import DimensionScore, Evaluation, EvaluationStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_seed_scale_builds_the_data_set_scaled_to_the_members():
    call_command("seed_scale", members=300, seed=5, stdout=StringIO())

    assert User.objects.count() == 301
    assert User.objects.filter(is_interviewer=True).count() == 100
    past = Session.objects.filter(start__lt=timezone.now())
    assert 800 <= past.count() <= 1500  # ~5 a member at 20,000; fewer this small (capacity, clashes)
    assert 2500 <= Slot.objects.filter(start__gt=timezone.now()).count() <= 4500  # ~10 a member
    submitted = Evaluation.objects.filter(status=EvaluationStatus.SUBMITTED)
    assert 700 <= submitted.count() <= 900  # ~3 a member
    assert DimensionScore.objects.count() == 12 * submitted.count()
    assert MatchRequest.objects.filter(status=MatchRequestStatus.OPEN).count() == 75
    assert Session.objects.filter(status=SessionStatus.SCHEDULED, start__gt=timezone.now()).count() > 50


def test_seed_scale_keeps_the_models_rules_and_skews_the_activity():
    call_command("seed_scale", members=300, seed=5, stdout=StringIO())

    sessions = list(Session.objects.select_related("candidate", "interviewer", "slot"))
    for session in sessions:
        assert session.slot.interviewer_id == session.interviewer_id and session.slot.start == session.start
        problem = fit_problem(
            interviewer=session.interviewer,
            candidate=session.candidate,
            target_level=session.target_level,
            company_type=session.company_type,
        )
        assert problem is None
    # Nobody is in two active sessions at one time, in either role.
    held = Counter(
        (person, s.start)
        for s in sessions
        if s.status in ACTIVE_STATUSES
        for person in (s.candidate_id, s.interviewer_id)
    )
    assert max(held.values()) == 1
    # Evaluations only for completed sessions that ended over 48 hours ago, by their interviewer.
    assert not Evaluation.objects.exclude(session__status=SessionStatus.COMPLETED).exists()
    assert not Evaluation.objects.exclude(interviewer=F("session__interviewer")).exists()
    assert not Evaluation.objects.filter(session__end__gt=timezone.now() - timedelta(hours=48)).exists()
    # Each balance is its ledger.
    for user in User.objects.annotate(ledger=Sum("credit_entries__amount")):
        assert user.credit_balance == user.ledger
    # A few members are much busier than most.
    per_interviewer = sorted(
        Session.objects.values("interviewer").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    assert per_interviewer[-1] >= 4 * per_interviewer[len(per_interviewer) // 2]


def test_seed_scale_is_deterministic_for_a_seed():
    def shape():
        return list(Session.objects.order_by("pk").values_list("candidate_id", "interviewer_id", "status"))

    now = timezone.now()
    scale_seed(members=120, seed=9, now=now, log=lambda line: None)
    first = shape()
    for model in (DimensionScore, Evaluation):
        model.objects.all().delete()
    Session.objects.all().delete()
    MatchRequest.objects.all().delete()
    CreditEntry.objects.all().delete()
    Slot.objects.all().delete()
    User.objects.all().delete()
    scale_seed(members=120, seed=9, now=now, log=lambda line: None)
    assert shape() == first


def test_seed_scale_refuses_a_database_with_members(candidate):
    with pytest.raises(CommandError, match="without members"):
        call_command("seed_scale", members=300, stdout=StringIO())
