"""Who may interview whom: the scalar rule (booking), the query filter (pages, the matcher's
query) and the vectorised form (the matcher's solver) give the same answers for every case."""

from datetime import UTC, datetime, timedelta
from itertools import product

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from interviews.fit import (
    COMPANY_TYPES,
    EXPERIENCES,
    LEVELS,
    fit_problem,
    fits_vectorised,
    fitting_interviewers,
    level_fit_cost,
)
from interviews.matching.solver import Offer, Request, candidate_pairs, pair_cost
from tests.factories import InterviewerFactory, UserFactory

CASES = list(product(LEVELS, EXPERIENCES, LEVELS, COMPANY_TYPES))


def test_the_orders_come_from_the_model_choices():
    assert LEVELS == ("L3", "L4", "L5")
    assert EXPERIENCES == ("faang", "startup", "both")
    assert COMPANY_TYPES == ("faang", "startup")


@pytest.mark.django_db
def test_scalar_rule_query_filter_and_vectorised_form_agree_on_every_case():
    candidate = UserFactory()
    interviewers = {
        (level, experience): InterviewerFactory(interviewer_level=level, company_experience=experience)
        for level, experience in product(LEVELS, EXPERIENCES)
    }
    vectorised = fits_vectorised(
        interviewer_level=np.array([LEVELS.index(c[0]) for c in CASES]),
        experience=np.array([EXPERIENCES.index(c[1]) for c in CASES]),
        target_level=np.array([LEVELS.index(c[2]) for c in CASES]),
        company_type=np.array([COMPANY_TYPES.index(c[3]) for c in CASES]),
    )
    fitting_count = 0
    for (level, experience, target, company), fits in zip(CASES, vectorised.tolist(), strict=True):
        interviewer = interviewers[level, experience]
        scalar = fit_problem(
            interviewer=interviewer, candidate=candidate, target_level=target, company_type=company
        )
        queried = (
            User.objects.filter(fitting_interviewers(target_level=target, company_type=company))
            .filter(pk=interviewer.pk)
            .exists()
        )
        assert (scalar is None) == fits == queried, (level, experience, target, company, scalar)
        fitting_count += fits
    # Every level at or above the target, with experience covering the type: 3+2+1 levels x 2 experiences
    # for each of the two company types.
    assert fitting_count == 6 * 2 * 2


@pytest.mark.django_db
def test_nobody_interviews_themself_and_an_opted_out_member_interviews_nobody():
    member = InterviewerFactory()
    assert "your own slot" in fit_problem(
        interviewer=member, candidate=member, target_level="L3", company_type="faang"
    )
    member.is_interviewer = False
    member.save()
    assert not User.objects.filter(fitting_interviewers(target_level="L3", company_type="faang")).exists()


BASE = datetime(2027, 1, 4, 8, tzinfo=UTC)


@given(st.sampled_from(CASES), st.booleans())
def test_the_solver_pairs_exactly_what_the_rule_allows(case, same_person):
    level, experience, target, company = case
    offer = Offer(0, 7, BASE, BASE + timedelta(hours=1), level, experience, (2027, 1), None)
    request = Request(0, 7 if same_person else 1, target, company, ((BASE, BASE + timedelta(hours=2)),))
    pairs, _, costs = candidate_pairs([request], [offer])
    scalar = pair_cost(request, offer)
    allowed = (
        not same_person and LEVELS.index(level) >= LEVELS.index(target) and experience in (company, "both")
    )
    assert (scalar is not None) == allowed
    assert (pairs.size == 1) == allowed
    if allowed:
        assert int(costs[0]) == scalar["total"]


def test_level_fit_cost_prefers_one_level_above():
    assert level_fit_cost(interviewer_level="L4", target_level="L3") == 0
    assert level_fit_cost(interviewer_level="L3", target_level="L3") == 1
    assert level_fit_cost(interviewer_level="L5", target_level="L3") == 2
