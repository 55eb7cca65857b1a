"""The deeper schemathesis run over the whole API: tests/test_api_schema.py with its coverage phase
on (every boundary case the schema defines) and many examples per operation.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/fuzz_api.py --examples 100

Every check is on, as in the suite (which runs 3 examples per operation, coverage phase off).
Prints the totals: operations, cases, failures; exits non-zero on a failure.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Totals:
    """Operations run and failed (one pytest item per operation)."""

    def __init__(self):
        self.operations = 0
        self.failures = 0

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            self.operations += 1
            self.failures += report.failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation (fuzzing phase)")
    parser.add_argument(
        "--no-coverage", action="store_true", help="skip the coverage phase (as the suite does)"
    )
    args = parser.parse_args()
    os.environ["SCHEMATHESIS_EXAMPLES"] = str(args.examples)
    os.environ["SCHEMATHESIS_COVERAGE"] = "0" if args.no_coverage else "1"
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    totals = Totals()
    started = time.monotonic()
    code = pytest.main(["-p", "no:cacheprovider", "-q", "tests/test_api_schema.py"], plugins=[totals])
    from tests.test_api_schema import CASES

    print(
        f"schemathesis, {args.examples} examples per operation"
        f"{'' if args.no_coverage else ' plus the coverage phase'}: "
        f"{totals.operations} operations, {sum(CASES.values())} cases, {totals.failures} failures "
        f"({time.monotonic() - started:.0f} s)"
    )
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
