"""The question bank as data: one YAML file a question in question_bank/, validated on read and
loaded by `manage.py load_content` (idempotent and versioned: a question changes only when its file
carries a higher version than the row, so staff edits in the admin are kept until then)."""

from pathlib import Path

import yaml
from django.db import transaction

from interviews.fit import COMPANY_TYPES, LEVELS
from interviews.sessions.models import Question

BANK_DIR = Path(__file__).parent / "question_bank"
FOLLOW_UP_FAMILIES = {
    "Data storage and retrieval",
    "Scalability and performance",
    "Error handling and logging",
    "A/B testing and experimentation",
    "Business element",
}
REQUIRED = ("slug", "version", "title", "company_type", "min_level", "max_level", "prompt", "follow_ups")


def question_problems(spec: dict, *, file_name: str) -> list[str]:
    """What is wrong with one question's data (empty when nothing is)."""
    problems = [f"{key} is missing" for key in REQUIRED if not spec.get(key)]
    if problems:
        return problems
    if f"{spec['slug']}.yaml" != file_name:
        problems.append(f"slug {spec['slug']!r} does not match the file name")
    if not isinstance(spec["version"], int) or spec["version"] < 1:
        problems.append("version must be a whole number from 1")
    if spec["company_type"] not in COMPANY_TYPES:
        problems.append(f"company_type must be one of {', '.join(COMPANY_TYPES)}")
    if spec["min_level"] not in LEVELS or spec["max_level"] not in LEVELS:
        problems.append(f"levels must be among {', '.join(LEVELS)}")
    elif LEVELS.index(spec["min_level"]) > LEVELS.index(spec["max_level"]):
        problems.append("min_level is above max_level")
    if spec["company_type"] == "startup" and not spec.get("company_context"):
        problems.append("a startup question needs its company_context (the company and its mission)")
    families = {item.get("family") for item in spec["follow_ups"]}
    if not families <= FOLLOW_UP_FAMILIES or not all(item.get("question") for item in spec["follow_ups"]):
        problems.append("each follow-up needs a known family and a question")
    if spec["company_type"] == "faang" and "Scalability and performance" not in families:
        problems.append("a FAANG question needs a scale follow-up")
    if spec["company_type"] == "startup" and "Business element" not in families:
        problems.append("a startup question needs a business follow-up")
    expected = set(LEVELS[LEVELS.index(spec["min_level"]) : LEVELS.index(spec["max_level"]) + 1])
    if set(spec.get("expectations") or {}) != expected:
        problems.append(f"expectations must cover exactly {', '.join(sorted(expected))}")
    return problems


def questions_read(directory: Path | None = None) -> list[dict]:
    """Every question file, validated; a ValueError lists every problem found."""
    specs, problems = [], []
    for path in sorted((directory or BANK_DIR).glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        problems += [f"{path.name}: {problem}" for problem in question_problems(spec, file_name=path.name)]
        specs.append(spec)
    titles = [spec.get("title") for spec in specs]
    problems += [f"title {title!r} is used twice" for title in {t for t in titles if titles.count(t) > 1}]
    if problems:
        raise ValueError("The question bank has problems:\n" + "\n".join(problems))
    return specs


@transaction.atomic
def questions_load(*, directory: Path | None = None) -> dict[str, int]:
    """Create new questions and update those whose file version rose. Returns counts by outcome."""
    existing = {q.slug: q for q in Question.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for spec in questions_read(directory):
        fields = {key: spec.get(key, "" if key == "company_context" else {}) for key in _FIELDS}
        question = existing.get(spec["slug"])
        if question is None:
            Question.objects.create(slug=spec["slug"], **fields)
            counts["created"] += 1
        elif spec["version"] > question.version:
            for key, value in fields.items():
                setattr(question, key, value)
            question.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


_FIELDS = (
    "version",
    "title",
    "company_type",
    "min_level",
    "max_level",
    "company_context",
    "prompt",
    "follow_ups",
    "expectations",
)
