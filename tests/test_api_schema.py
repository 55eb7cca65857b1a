"""The API against its own OpenAPI schema (issue #12, finding 7): schemathesis over every operation,
every check on, a small fixed example budget so the suite stays quick. The deeper run:
`make fuzz` (bench/fuzz_api.py)."""

import os
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from config.wsgi import application
from tests.factories import SessionFactory, SlotFactory

EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
CASES: Counter = Counter()  # per operation, for bench/fuzz_api.py's totals
TOKEN = "schemathesis0000000000000000000000000000"

config = SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": os.environ.get("SCHEMATHESIS_COVERAGE") == "1"}},
        "checks": {
            # Schema-valid input can still break a rule no schema can say (a date in the past, a
            # slot already taken): a 400 with its message is the right answer then. A 5xx never is.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "403", "404", "409", "429"]}
        },
    }
)


def served(environ, start_response):
    # A real server always says who is calling; werkzeug's test environ does not.
    environ.setdefault("REMOTE_ADDR", "192.0.2.10")
    return application(environ, start_response)


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", served, config=config)


@schema.auth(refresh_interval=None)
class TokenAuth:
    """The token of the `token` fixture, declared as auth so that schemathesis also tries each
    operation without it and with a wrong one."""

    def get(self, case, ctx):
        return TOKEN

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.fixture(autouse=True)
def _requests_inside_the_test_transaction():
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(candidate, interviewer):
    # The caller is a candidate and an interviewer, with a session each way, so ids in paths
    # sometimes name something of theirs.
    SessionFactory(candidate=candidate, slot=SlotFactory(interviewer=interviewer))
    SessionFactory(candidate=interviewer, slot=SlotFactory())
    return Token.objects.create(user=interviewer, key=TOKEN).key


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, token):
    CASES[case.operation.label] += 1
    case.call_and_validate()
