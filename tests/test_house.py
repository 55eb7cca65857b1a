"""The house: imports run one way (accounts at the bottom, then interviews, then rubrics, then
config on top), the parts of interviews sit in their own order, and no service imports a task.

Imports are read from the source (function-level ones included), so a lazy import does not hide
an arrow. Migrations are history and are left out.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "interviews", "rubrics", "config")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


MODULES = {
    _module(path): _imports(path)
    for app in APPS
    for path in (ROOT / app).rglob("*.py")
    if "migrations" not in path.parts
}


def _offenders(importer: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in MODULES.items()
        if module == importer or module.startswith(importer + ".")
        for name in names
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )


def test_the_house_is_read_whole():
    assert {"accounts.models", "interviews.sessions.booking", "rubrics.refit", "config.urls"} <= set(MODULES)


@pytest.mark.parametrize(
    ("layer", "above"),
    [
        ("accounts", ("interviews", "rubrics", "config")),
        ("interviews", ("rubrics", "config")),
        ("rubrics", ("config",)),
    ],
)
def test_no_layer_imports_one_above_it(layer, above):
    assert _offenders(layer, above) == []


@pytest.mark.parametrize(
    ("part", "above"),
    [
        (
            "interviews.notifications",
            ("interviews.scheduling", "interviews.sessions", "interviews.matching", "interviews.room"),
        ),
        ("interviews.scheduling", ("interviews.sessions", "interviews.matching", "interviews.room")),
        ("interviews.sessions", ("interviews.matching", "interviews.room")),
        # the room and matching both sit on sessions, side by side
        ("interviews.room", ("interviews.matching",)),
        ("interviews.matching", ("interviews.room",)),
        (
            "interviews.fit",
            ("interviews.scheduling", "interviews.sessions", "interviews.matching", "interviews.room"),
        ),
    ],
)
def test_the_parts_of_interviews_import_downwards_only(part, above):
    assert _offenders(part, above) == []


def test_nothing_imports_the_models_index():
    # interviews/models.py only exists for Django to load every part's models.
    assert [m for m, names in MODULES.items() if "interviews.models" in names and m != "interviews"] == []


def test_no_services_module_imports_a_tasks_module():
    writers = ("services", "booking", "lifecycle", "outbox", "refit", "messages", "questions", "content")
    services = [m for m in MODULES if m.rsplit(".", 1)[-1] in writers]
    assert services, "no services modules found"
    offenders = [
        f"{module} imports {name}"
        for module in services
        for name in MODULES[module]
        if name.rsplit(".", 1)[-1] == "tasks" or ".tasks." in name
    ]
    assert offenders == []
