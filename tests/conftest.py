"""Personas and the service markers.

Tests marked `postgres`, `redis` or `e2e` need a real server or browser. Without it they
skip with the reason, unless REQUIRE_SERVICES=1 (CI), where a missing one fails the run.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.factories import InterviewerFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _postgres_missing() -> str | None:
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    return None


def _redis_missing() -> str | None:
    if not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://..."
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at REDIS_URL does not answer: {exc}"
    return None


def _browser_missing() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "needs the playwright package (requirements-dev.txt)"
    return None


SERVICES = {"postgres": _postgres_missing, "redis": _redis_missing, "e2e": _browser_missing}


def pytest_sessionstart(session):
    if REQUIRE_SERVICES:
        problems = [reason for check in SERVICES.values() if (reason := check())]
        if problems:
            raise pytest.UsageError("REQUIRE_SERVICES=1 but: " + "; ".join(problems))


def pytest_runtest_setup(item):
    for marker, check in SERVICES.items():
        if item.get_closest_marker(marker) and (reason := check()):
            if REQUIRE_SERVICES:
                pytest.fail(reason)
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache (Redis in CI): every test starts from zero.
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def candidate(db):
    return UserFactory(email="cara.test@example.com", display_name="Cara Test")


@pytest.fixture
def interviewer(db):
    return InterviewerFactory(email="ivan.test@example.com", display_name="Ivan Test")


@pytest.fixture
def outsider(db):
    return UserFactory(email="olga.outsider@example.com", display_name="Olga Outsider")


@pytest.fixture
def staff(db):
    return UserFactory(email="stella.staff@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def rubric(db):
    from rubrics.selectors import rubric_current

    return rubric_current()


@pytest.fixture
def full_data(rubric):
    """A complete evaluation's data, ready to submit."""
    return {
        "scores": {d.key: {"score": 3, "evidence": ""} for d in rubric.dimensions.all()},
        "hints": 1,
        "guidance": 2,
        "clarifications": 0,
        "recommended_level": "L4",
        "verdict": "yes",
        "strengths": "Clear framing of the objective and a solid baseline model.",
        "improvements": "Go deeper on labelling: delayed labels and position bias matter here.",
    }


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database gets the content a deployment loads after migrating (`load_content`)."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)


@pytest.fixture
def seeded_data(transactional_db):
    """Transactional tests (live server, threads) start from flushed tables: reload the content
    (the question bank and the rubric)."""
    call_command("load_content", verbosity=0)


ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def asgi_servers(seeded_data, tmp_path):
    """Starts web processes as production runs them (gunicorn with uvicorn workers, config.asgi)
    on free ports, sharing this test's PostgreSQL database and Redis: `start(n)` returns their
    base URLs. pytest-django's live_server speaks WSGI only; the interview room needs WebSockets."""
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        pytest.fail("asgi_servers needs PostgreSQL (mark the test postgres)")
    database_url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"
    )
    processes = []

    def start(count: int = 1) -> list[str]:
        urls = []
        for _ in range(count):
            port = _free_port()
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": "1",
                "SITE_URL": f"http://127.0.0.1:{port}",
                "DJANGO_ALLOW_ASYNC_UNSAFE": "",
                "PGAPPNAME": "peerloop-web",  # its connections, told apart from the test's own
            }
            log = open(tmp_path / f"web-{port}.log", "w")  # noqa: SIM115 (closed with the process)
            command = [sys.executable, "-m", "gunicorn", "--config", "platform/gunicorn.conf.py"]
            process = subprocess.Popen(
                [*command, "config.asgi:application"], cwd=ROOT, env=env, stdout=log, stderr=log
            )
            processes.append((process, log))
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"{url}/healthz", timeout=2)
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((tmp_path / f"web-{port}.log").read_text()) from None
                    time.sleep(0.2)
            urls.append(url)
        return urls

    yield start
    for process, log in processes:
        process.terminate()
        process.wait(timeout=20)
        log.close()
