from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.demo.accounts import DEMO_PASSWORD, DEMO_USERS, seed_users
from config.demo.interviews import seed_interviews
from config.demo.rubrics import seed_evaluations


class Command(BaseCommand):
    help = "Create or refresh PeerLoop's demo data. Safe to run any number of times."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DJANGO_DEBUG=0 (a demo stack, never production).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to create demo accounts (known passwords, a superuser) with DJANGO_DEBUG=0. "
                "For a throw-away demo stack, pass --force."
            )
        call_command("load_content", stdout=self.stdout)
        users = seed_users()
        seed_interviews(users)
        seed_evaluations(users)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000 with:"))
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec['email']:<22} {DEMO_PASSWORD}   ({spec['role']})")
