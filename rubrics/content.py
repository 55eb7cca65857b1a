"""Rubric versions as data: one YAML file a version in content/, validated on read and loaded by
`manage.py load_content`. A version that exists is never changed (evaluations are tied to it);
staff make further versions by editing in the admin."""

from pathlib import Path

import yaml
from django.db import transaction

from rubrics.models import SCORES, Dimension, Rubric

CONTENT_DIR = Path(__file__).parent / "content"
DIMENSION_FIELDS = ("key", "title", "assesses", *(f"anchor_{score}" for score in SCORES))


def rubric_problems(spec: dict) -> list[str]:
    """What is wrong with one rubric version's data (empty when nothing is)."""
    problems = [f"{key} is missing" for key in ("name", "version", "dimensions") if not spec.get(key)]
    if problems:
        return problems
    keys = [dimension.get("key") for dimension in spec["dimensions"]]
    if len(set(keys)) != len(keys):
        problems.append("a dimension key is used twice")
    for dimension in spec["dimensions"]:
        missing = [field for field in DIMENSION_FIELDS if not dimension.get(field)]
        if missing:
            problems.append(f"dimension {dimension.get('key')!r} lacks {', '.join(missing)}")
    return problems


def rubrics_read(directory: Path | None = None) -> list[dict]:
    specs, problems = [], []
    for path in sorted((directory or CONTENT_DIR).glob("rubric_v*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        problems += [f"{path.name}: {problem}" for problem in rubric_problems(spec)]
        specs.append(spec)
    if problems:
        raise ValueError("The rubric files have problems:\n" + "\n".join(problems))
    return specs


@transaction.atomic
def rubrics_load(*, directory: Path | None = None) -> dict[str, int]:
    """Create the rubric versions that do not exist yet. Returns counts by outcome."""
    counts = {"created": 0, "unchanged": 0}
    for spec in rubrics_read(directory):
        rubric, created = Rubric.objects.get_or_create(
            name=spec["name"],
            version=spec["version"],
            defaults={
                "description": spec.get("description", ""),
                "interventions": spec.get("interventions", {}),
            },
        )
        if not created:
            counts["unchanged"] += 1
            continue
        Dimension.objects.bulk_create(
            Dimension(rubric=rubric, order=order, **dimension)
            for order, dimension in enumerate(spec["dimensions"])
        )
        counts["created"] += 1
    return counts
