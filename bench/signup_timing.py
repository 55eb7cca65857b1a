"""Sign-up time for a new address and for one that already has an account (issue #12, finding 6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/signup_timing.py

With enumeration prevention on, allauth answers both the same way; this measures that they also
take the same time. The production password hasher (Django's PBKDF2) and the console e-mail
backend; every sign-up from its own address (REMOTE_ADDR), so allauth's 20-a-minute limit per
address does not interfere. Alternates new and known addresses, N of each; reports medians.
"""

import argparse
import statistics
import time

from _django import bench_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--allauth-form", action="store_true", help="allauth's own sign-up form: the timing before the fix"
    )
    args = parser.parse_args()
    with bench_database():
        from django.conf import settings
        from django.core import mail
        from django.test import Client

        from tests.factories import UserFactory

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        if args.allauth_form:
            settings.ACCOUNT_FORMS = {}
        known = [UserFactory(email=f"known{n}@example.com").email for n in range(args.rounds)]
        times = {"new": [], "known": []}
        for n in range(args.rounds):
            for kind, email in (("new", f"new{n}@example.com"), ("known", known[n])):
                client = Client(REMOTE_ADDR=f"10.{n // 250}.{n % 250}.{1 if kind == 'new' else 2}")
                start = time.perf_counter()
                response = client.post(
                    "/accounts/signup/", {"email": email, "password1": "a-Long-passphrase-42"}
                )
                times[kind].append(time.perf_counter() - start)
                assert response.status_code == 302, response.status_code
        assert len(mail.outbox) == 2 * args.rounds
        for kind, samples in times.items():
            ms = sorted(s * 1000 for s in samples)
            print(
                f"{kind:>5} address: median {statistics.median(ms):.0f} ms, "
                f"p10 {ms[len(ms) // 10]:.0f} ms, p90 {ms[len(ms) * 9 // 10]:.0f} ms ({len(ms)} sign-ups)"
            )


if __name__ == "__main__":
    main()
