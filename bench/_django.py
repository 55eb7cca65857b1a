"""Bench harness: run Django against a throw-away database (PostgreSQL when DATABASE_URL says so)."""

import logging
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
# Production mode (as the peer runs), minus the HTTPS redirect the in-process client cannot follow.
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


@contextmanager
def bench_database():
    """A fresh database (bench_peerloop on PostgreSQL), migrated and its content loaded (the
    question bank, the rubric), dropped afterwards."""
    import django
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    django.setup()
    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 409s are expected, not news
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":  # never the test suite's test_* database
        connection.settings_dict["TEST"]["NAME"] = "bench_peerloop"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from django.core.management import call_command

    call_command("load_content", verbosity=0)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def sql_count(captured) -> int:
    """Statements that read or write data; transaction control (BEGIN, SAVEPOINT...) is not counted."""
    return sum(1 for query in captured if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL))


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


class Timer:
    def __init__(self):
        self.samples: list[float] = []

    @contextmanager
    def measure(self):
        start = time.perf_counter()
        yield
        self.samples.append(time.perf_counter() - start)
