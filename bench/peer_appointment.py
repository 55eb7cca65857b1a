"""The peer side of bench/booking.py: django-appointment 3.12.0 in its own virtual environment.

Run by bench/booking.py with var/bench/appointment-venv/bin/python; prints one JSON line.
A minimal project is made in a temporary folder: the package ships no migrations, so they are
generated there. Its booking, for a signed-in client, is the POST to request-submit and then
the POST to client-info (which creates the Appointment); both are timed and counted.
"""

import argparse
import datetime
import json
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def _database(tmp: Path) -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp / "peer.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "bench_appointment",
        "USER": parts.username or "postgres",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": parts.port or 5432,
    }


def _configure(tmp: Path) -> None:
    from django.conf import settings

    (tmp / "appt_migrations").mkdir()
    (tmp / "appt_migrations" / "__init__.py").write_text("")
    (tmp / "peer_urls.py").write_text(
        "from django.urls import include, path\n"
        'urlpatterns = [path("appointment/", include("appointment.urls"))]\n'
    )
    sys.path.insert(0, str(tmp))
    settings.configure(
        SECRET_KEY="bench-not-secret",
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "appointment",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        ROOT_URLCONF="peer_urls",
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        DATABASES={"default": _database(tmp)},
        MIGRATION_MODULES={"appointment": "appt_migrations"},
        USE_TZ=True,
        TIME_ZONE="UTC",
        STATIC_URL="/static/",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DEFAULT_FROM_EMAIL="noreply@example.com",
        ADMINS=[("Admin", "admin@example.com")],
        APPOINTMENT_WEBSITE_NAME="Bench",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LOGGING={"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}},
    )


def _fresh_postgres_database(db: dict) -> None:
    import psycopg

    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_appointment")
        conn.execute("CREATE DATABASE bench_appointment")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=20)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="peer-appointment-"))
    _configure(tmp)
    import django
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        _fresh_postgres_database(settings.DATABASES["default"])
    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("makemigrations", "appointment", verbosity=0)
    call_command("migrate", verbosity=0)
    for name in list(logging.Logger.manager.loggerDict):
        if name.startswith("appointment"):
            logging.getLogger(name).disabled = True  # the package logs every step at DEBUG to stdout

    from appointment.models import Appointment, AppointmentRequest, Config, Service, StaffMember, WorkingHours
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    User = get_user_model()
    service = Service.objects.create(name="Mock interview", duration=datetime.timedelta(minutes=30), price=0)
    Config.objects.create(
        slot_duration=30,
        lead_time=datetime.time(9),
        finish_time=datetime.time(17),
        appointment_buffer_time=0,
        website_name="Bench",
    )
    staff_members = []
    for index in range(args.bookings // 16 + 2):
        user = User.objects.create_user(
            username=f"staff{index}", email=f"staff{index}@example.com", password="x"
        )
        staff = StaffMember.objects.create(
            user=user, slot_duration=30, lead_time=datetime.time(9), finish_time=datetime.time(17)
        )
        staff.services_offered.add(service)
        for day_of_week in range(7):  # the package counts 0 = Sunday
            WorkingHours.objects.create(
                staff_member=staff,
                day_of_week=day_of_week,
                start_time=datetime.time(9),
                end_time=datetime.time(17),
            )
        staff_members.append(staff)
    day = timezone.localdate() + datetime.timedelta(days=7)

    def book(client: Client, staff: StaffMember, start: datetime.time) -> tuple[int, float]:
        end = (datetime.datetime.combine(day, start) + datetime.timedelta(minutes=30)).time()
        client.get(
            reverse("appointment:appointment_request", args=[service.id])
        )  # the page: sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.post(
                reverse("appointment:appointment_request_submit"),
                {
                    "csrfmiddlewaretoken": token,
                    "staff_member": staff.id,
                    "date": day.isoformat(),
                    "start_time": start.strftime("%H:%M"),
                    "end_time": end.strftime("%H:%M"),
                    "service": service.id,
                },
            )
            response = client.post(
                response["Location"],
                {
                    "csrfmiddlewaretoken": token,
                    "name": "Cara Candidate",
                    "phone_0": "US",
                    "phone_1": "2025550123",
                    "payment_type": "full",
                },
            )
            elapsed = time.perf_counter() - began
        assert response.status_code == 302 and "/thank-you/" in response["Location"], response
        statements = [
            q
            for q in queries.captured_queries
            if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
        ]
        return len(statements), elapsed

    # Slot search: the page's available-slots request, with 100 and with 10,000 appointments stored
    # (for another staff member's days), before and after the timed bookings.
    searcher, search = Client(), {}
    client_user = User.objects.create_user(username="history", email="history@example.com")

    def measure_search(size: int) -> None:
        have = AppointmentRequest.objects.filter(staff_member=staff_members[-1]).count()
        requests = AppointmentRequest.objects.bulk_create(
            AppointmentRequest(
                date=day + datetime.timedelta(days=1 + i // 16),
                start_time=datetime.time(9 + (i % 16) // 2, 30 * (i % 2)),
                end_time=datetime.time(9 + (i % 16) // 2, 30 * (i % 2) + 29),
                service=service,
                staff_member=staff_members[-1],
            )
            for i in range(have, size)
        )
        Appointment.objects.bulk_create(
            Appointment(client=client_user, appointment_request=r, phone="+12025550123") for r in requests
        )
        with CaptureQueriesContext(connection) as queries:
            response = searcher.get(
                reverse("appointment:available_slots_ajax"),
                {
                    "selected_date": day.isoformat(),
                    "staff_member": staff_members[-1].id,
                    "service_id": service.id,
                },
                HTTP_X_REQUESTED_WITH="XMLHttpRequest",
            )
        assert response.status_code == 200, response
        search[str(size)] = {"queries": len(queries), "appointments_stored": Appointment.objects.count()}

    measure_search(100)

    per_booking, samples = [], []
    client = Client(enforce_csrf_checks=True)  # one warm handler, as on PeerLoop's side
    for index in range(args.bookings):
        client.force_login(User.objects.create_user(username=f"client{index}", email=f"c{index}@example.com"))
        staff = staff_members[index // 16]
        start = (
            datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(minutes=30 * (index % 16))
        ).time()
        queries, elapsed = book(client, staff, start)
        per_booking.append(queries)
        samples.append(elapsed)

    measure_search(10_000)

    # 20 signed-in clients book the same free slot at the same moment.
    racers = []
    for index in range(args.concurrent):
        client = Client(enforce_csrf_checks=True)
        client.force_login(User.objects.create_user(username=f"racer{index}", email=f"r{index}@example.com"))
        client.get(reverse("appointment:appointment_request", args=[service.id]))
        racers.append(client)
    target_staff, target_start = staff_members[-2], datetime.time(16, 30)
    barrier, errors = threading.Barrier(len(racers)), []

    def race(client):
        try:
            barrier.wait()
            book(client, target_staff, target_start)
        except Exception as exc:  # a refusal would land here; none comes
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(c,)) for c in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created = Appointment.objects.filter(
        appointment_request__staff_member=target_staff,
        appointment_request__date=day,
        appointment_request__start_time=target_start,
    ).count()

    print(
        json.dumps(
            {
                "queries_per_booking": max(per_booking),
                "median_booking_ms": round(statistics.median(samples) * 1000, 2),
                "bookings_timed": len(samples),
                "slot_search": search,
                "slot_search_note": "available_slots_ajax for one staff member and date",
                "concurrent_requests": args.concurrent,
                "concurrent_bookings_created": created,
                "duplicates": max(created - 1, 0),
                "concurrent_errors": errors[:3],
                "database": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
