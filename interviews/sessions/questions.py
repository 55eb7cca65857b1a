"""The question bank as data: one YAML file a question in question_bank/, validated on read and
loaded by `manage.py load_content` (idempotent and versioned: a question changes only when its file
carries a higher version than the row, so staff edits in the admin are kept until then).

A file marked `retired: true` keeps a question that past sessions had but that is never assigned
again; it needs no guide beyond what those sessions show (follow-ups and signals).
"""

from pathlib import Path

import yaml
from django.db import transaction

from interviews.fit import COMPANY_TYPES, LEVELS
from interviews.sessions.models import FOLLOW_UP_FAMILIES, HINT_RUNGS, PHASES, Question

BANK_DIR = Path(__file__).parent / "question_bank"
SESSION_MINUTES = 60
REQUIRED = ("slug", "version", "title", "company_type", "min_level", "max_level", "prompt", "guide")
# Phases whose hint ladder is required; the wrap-up and the candidate's questions need none.
LADDER_PHASES = tuple(PHASES)[:7]
FACTS_NEEDED = ("traffic", "data", "latency", "label")


def _levels(spec: dict) -> list[str]:
    return list(LEVELS[LEVELS.index(spec["min_level"]) : LEVELS.index(spec["max_level"]) + 1])


def _guide_problems(guide: dict, spec: dict) -> list[str]:
    problems = []
    phases = guide.get("phases") or []
    if [phase.get("key") for phase in phases] != list(PHASES):
        problems.append(f"guide phases must be, in order: {', '.join(PHASES)}")
    elif sum(phase.get("minutes", 0) for phase in phases) != SESSION_MINUTES:
        problems.append(f"the phases' minutes must add up to {SESSION_MINUTES}")
    for phase in phases:
        rungs = [next(iter(hint), None) for hint in phase.get("hints") or []]
        if phase.get("key") in LADDER_PHASES and rungs != list(HINT_RUNGS):
            problems.append(f"phase {phase.get('key')} needs a hint ladder: {', '.join(HINT_RUNGS)}")
    labels = " ".join(str(fact.get("label", "")).lower() for fact in guide.get("facts") or [])
    missing = [need for need in FACTS_NEEDED if need not in labels]
    if missing:
        problems.append(f"the fact sheet lacks {', '.join(missing)}")
    if len(guide.get("outline") or []) < 4:
        problems.append("the study pack's outline needs at least 4 points")
    return problems


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
        return [*problems, f"levels must be among {', '.join(LEVELS)}"]
    if LEVELS.index(spec["min_level"]) > LEVELS.index(spec["max_level"]):
        return [*problems, "min_level is above max_level"]
    guide = spec["guide"]
    follow_ups = guide.get("follow_ups") or []
    families = {item.get("family") for item in follow_ups}
    if (
        not follow_ups
        or not families <= set(FOLLOW_UP_FAMILIES)
        or not all(i.get("question") for i in follow_ups)
    ):
        problems.append(f"each follow-up needs a family ({', '.join(FOLLOW_UP_FAMILIES)}) and a question")
    if spec["company_type"] == "faang" and "scale" not in families:
        problems.append("a FAANG question needs a scale follow-up")
    if spec["company_type"] == "startup":
        if "business" not in families:
            problems.append("a startup question needs a business follow-up")
        if not (spec.get("company") or {}).get("name") or not (spec.get("company") or {}).get("mission"):
            problems.append("a startup question needs its company: name and mission")
    if set(guide.get("signals") or {}) != set(_levels(spec)):
        problems.append(f"signals must cover exactly {', '.join(_levels(spec))}")
    if not spec.get("retired"):
        if spec["company_type"] == "startup" and not spec.get("business_element"):
            problems.append("a startup question needs its business_element")
        problems += _guide_problems(guide, spec)
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


def _fields(spec: dict) -> dict:
    company = spec.get("company") or {}
    return {
        "version": spec["version"],
        "title": spec["title"],
        "company_type": spec["company_type"],
        "min_level": spec["min_level"],
        "max_level": spec["max_level"],
        "llm": bool(spec.get("llm")),
        "company_name": company.get("name", ""),
        "company_context": company.get("mission", ""),
        "prompt": spec["prompt"],
        "business_element": spec.get("business_element", ""),
        "guide": spec["guide"],
        "is_active": not spec.get("retired", False),
    }


@transaction.atomic
def questions_load(*, directory: Path | None = None) -> dict[str, int]:
    """Create new questions and update those whose file version rose. Returns counts by outcome."""
    existing = {q.slug: q for q in Question.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for spec in questions_read(directory):
        question = existing.get(spec["slug"])
        if question is None:
            Question.objects.create(slug=spec["slug"], **_fields(spec))
            counts["created"] += 1
        elif spec["version"] > question.version:
            for key, value in _fields(spec).items():
                setattr(question, key, value)
            question.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts
