"""Content as data: the question bank and the rubric versions validate, and load_content is
idempotent and versioned."""

import shutil

import pytest
import yaml
from django.core.management import CommandError, call_command

from interviews.fit import COMPANY_TYPES, LEVELS
from interviews.sessions.models import Question
from interviews.sessions.questions import BANK_DIR, questions_load, questions_read
from rubrics.content import rubrics_load, rubrics_read
from rubrics.models import Rubric


def test_every_question_file_validates():
    specs = questions_read()
    assert len(specs) >= 16


def test_every_level_and_company_type_has_questions():
    specs = questions_read()
    for level, company in ((lv, c) for lv in LEVELS for c in COMPANY_TYPES):
        fitting = [
            s
            for s in specs
            if s["company_type"] == company
            and LEVELS.index(s["min_level"]) <= LEVELS.index(level) <= LEVELS.index(s["max_level"])
        ]
        assert fitting, (level, company)


def test_every_rubric_file_validates():
    assert [spec["version"] for spec in rubrics_read()] == sorted(
        {spec["version"] for spec in rubrics_read()}
    )


@pytest.mark.django_db
def test_loading_twice_changes_nothing_the_second_time():
    # The test database was loaded once already (conftest): everything is there, unchanged.
    assert questions_load() == {"created": 0, "updated": 0, "unchanged": len(questions_read())}
    assert rubrics_load() == {"created": 0, "unchanged": len(rubrics_read())}
    assert Question.objects.count() == len(questions_read())


@pytest.fixture
def bank(tmp_path):
    copy = tmp_path / "bank"
    shutil.copytree(BANK_DIR, copy)
    return copy


@pytest.mark.django_db
def test_a_question_changes_only_when_its_file_version_rises(bank):
    path = sorted(bank.glob("*.yaml"))[0]
    spec = yaml.safe_load(path.read_text())
    question = Question.objects.get(slug=spec["slug"])
    question.prompt = "Edited by staff in the admin."
    question.save()

    path.write_text(yaml.safe_dump({**spec, "prompt": "A rewritten prompt."}))
    assert questions_load(directory=bank)["updated"] == 0
    question.refresh_from_db()
    assert question.prompt == "Edited by staff in the admin."

    path.write_text(yaml.safe_dump({**spec, "prompt": "A rewritten prompt.", "version": spec["version"] + 1}))
    assert questions_load(directory=bank)["updated"] == 1
    question.refresh_from_db()
    assert question.prompt == "A rewritten prompt."


@pytest.mark.django_db
def test_a_broken_file_is_named_and_nothing_is_loaded(bank, settings):
    path = sorted(bank.glob("*.yaml"))[0]
    spec = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**spec, "company_type": "bank", "slug": "x"}))
    with pytest.raises(ValueError, match=rf"{path.name}: slug 'x' does not match") as caught:
        questions_load(directory=bank)
    assert "company_type must be one of faang, startup" in str(caught.value)


@pytest.mark.django_db
def test_the_command_reports_what_it_did():
    Rubric.objects.all().delete()
    call_command("load_content", verbosity=0)
    assert Rubric.objects.filter(version=1).exists()


@pytest.mark.django_db
def test_the_command_fails_loudly_on_bad_content(monkeypatch, tmp_path):
    (tmp_path / "broken.yaml").write_text("slug: broken\n")
    monkeypatch.setattr("interviews.sessions.questions.BANK_DIR", tmp_path)
    with pytest.raises(CommandError, match="broken.yaml: version is missing"):
        call_command("load_content", verbosity=0)
