import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from config.scale import SCALE_PASSWORD, STAFF_EMAIL, scale_seed
from rubrics.refit import placement_refit


class Command(BaseCommand):
    help = (
        "Build the large data set of issue #18 into an empty PostgreSQL database (migrated, no members): "
        "--members 20000 gives ~300,000 slots, ~100,000 past sessions, ~60,000 evaluations and 5,000 "
        "open match requests. Deterministic for a given --seed (times are relative to now)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=18)

    def handle(self, *args, **options):
        started = time.perf_counter()
        call_command("load_content", verbosity=0)
        try:
            with transaction.atomic():
                counts = scale_seed(
                    members=options["members"], seed=options["seed"], log=lambda line: self.stdout.write(line)
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with connection.cursor() as cursor:
            # Index-only scans need the visibility map VACUUM writes; in a transaction (a test) only
            # ANALYZE can run.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        # Placements and interviewer severities, as the nightly refit leaves them (a few minutes).
        refit_started = time.perf_counter()
        fit = placement_refit(force=True)
        self.stdout.write(f"placement refit: {fit} in {time.perf_counter() - refit_started:.0f} s")
        for label, rows in counts.items():
            self.stdout.write(f"  {label:<28} {rows:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Large data set ready in {time.perf_counter() - started:.0f} s. Every member's password is "
                f"{SCALE_PASSWORD!r}; staff: {STAFF_EMAIL}; members: member1@scale.example and on."
            )
        )
