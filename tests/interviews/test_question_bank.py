"""The question bank an ML interviewer would trust: coverage, no near-duplicates, FAANG scale held
back as facts, a complete guide for every question in use, and never the same question twice."""

import re
from datetime import timedelta
from itertools import combinations

import pytest
from django.utils import timezone

from interviews.fit import COMPANY_TYPES, LEVELS
from interviews.sessions.booking import session_book
from interviews.sessions.models import HINT_RUNGS, PHASES, Question
from tests.factories import InterviewerFactory, SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


def _in_use():
    return list(Question.objects.filter(is_active=True))


@pytest.mark.parametrize("company_type", COMPANY_TYPES)
@pytest.mark.parametrize("level", LEVELS)
def test_at_least_eight_questions_fit_every_company_type_and_level(company_type, level):
    fitting = [q for q in _in_use() if q.fits(target_level=level, company_type=company_type)]
    assert len(fitting) >= 8


def test_the_bank_has_at_least_48_questions_and_10_on_llm_era_systems():
    questions = _in_use()
    assert len(questions) >= 48
    assert sum(q.llm for q in questions) >= 10


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if len(w) > 3}


def test_no_two_prompts_are_near_duplicates():
    questions = _in_use()
    for a, b in combinations(questions, 2):
        wa, wb = _words(a.prompt), _words(b.prompt)
        assert len(wa & wb) / len(wa | wb) < 0.5, (a.slug, b.slug)


def test_faang_prompts_hold_scale_back_as_facts_the_interviewer_reveals():
    for question in (q for q in _in_use() if q.company_type == "faang"):
        assert not re.search(r"\d", question.prompt), question.slug
        assert any(label == "Scalability and performance" for label, _ in question.follow_ups_by_family())
        labels = " ".join(fact["label"].lower() for fact in question.facts())
        assert "traffic" in labels and "latency" in labels, question.slug


def test_startup_questions_name_a_company_a_mission_and_a_business_element():
    startups = [q for q in _in_use() if q.company_type == "startup"]
    for question in startups:
        assert question.company_name and question.company_context and question.business_element, question.slug
        assert any(label == "Business element" for label, _ in question.follow_ups_by_family())
    # DOMAIN.md: a startup working on unsupervised methods expects the design to lean on them.
    pattern = re.compile(r"unsupervised|no labels|few labels|unlabel", re.I)
    weakly_labelled = [
        q for q in startups if pattern.search(" ".join([q.prompt, q.business_element, *q.outline()]))
    ]
    assert len(weakly_labelled) >= 4


def test_every_question_in_use_has_a_guide_for_the_live_session():
    for question in _in_use():
        phases = question.phases()
        assert [p["key"] for p in phases] == list(PHASES), question.slug
        assert sum(p["minutes"] for p in phases) == 60
        for phase in phases[:7]:
            assert [rung for rung, _ in phase["ladder"]] == list(HINT_RUNGS), (question.slug, phase["key"])
        levels = LEVELS[LEVELS.index(question.min_level) : LEVELS.index(question.max_level) + 1]
        assert [label for label, _ in question.signals_by_level()] == [
            {"L5": "L5+"}.get(level, level) for level in levels
        ]
        assert len(question.outline()) >= 4


@pytest.mark.parametrize("company_type", COMPANY_TYPES)
@pytest.mark.parametrize("level", LEVELS)
def test_eight_sessions_never_repeat_a_question(company_type, level):
    candidate = UserFactory(target_level=level, target_company_type=company_type, credits=100)
    interviewer = InterviewerFactory(company_experience="both", sessions_per_week=10)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    questions = [
        session_book(
            candidate=candidate,
            slot_id=SlotFactory(interviewer=interviewer, start=start + timedelta(hours=h)).pk,
        ).question_id
        for h in range(8)
    ]
    assert len(set(questions)) == 8


def test_a_retired_question_is_never_assigned_and_its_past_sessions_keep_it(candidate, interviewer):
    interviewer.sessions_per_week = 10
    interviewer.save()
    first = session_book(candidate=candidate, slot_id=SlotFactory(interviewer=interviewer).pk)
    retired = first.question
    retired.is_active = False
    retired.save()
    start = first.start + timedelta(hours=1)
    for h in range(5):
        other = UserFactory(target_level=candidate.target_level, target_company_type="faang")
        slot = SlotFactory(interviewer=interviewer, start=start + timedelta(hours=h))
        assert session_book(candidate=other, slot_id=slot.pk).question_id != retired.pk
    first.refresh_from_db()
    assert first.question == retired
