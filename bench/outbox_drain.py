"""Outbox drain: one Celery worker sends 10,000 due messages into an SMTP sink.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/outbox_drain.py
    # the same under repeated SIGKILL of the worker (a new one started each time):
    ... bench/outbox_drain.py --messages 800 --kills 4

Writes 10,000 due booking confirmations (5,000 sessions, two people each) into a throw-away
PostgreSQL database, starts an aiosmtpd server in this process and one worker
(`celery worker --pool=solo`) on Redis, enqueues one dispatch, and times until the sink holds
every message. Reports messages per second and the worker's peak resident memory (VmHWM).
"""

import argparse
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta

from _django import ROOT, bench_database


class CountingSink:
    """Counts what the server accepted, and each message's Message-ID (a copy sent again after a
    crash carries the same one)."""

    def __init__(self):
        self.count = 0
        self.ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message_id = next(
            (line.split(":", 1)[1].strip() for line in envelope.content.decode(errors="replace").splitlines()
             if line.lower().startswith("message-id:")),
            "",
        )  # fmt: skip
        with self.lock:
            self.count += 1
            self.ids.append(message_id)
        return "250 OK"


def seed(messages: int) -> None:
    from django.utils import timezone

    from accounts.models import User
    from interviews.notifications.models import OutboxMessage
    from interviews.sessions.messages import BOOKING_CONFIRMATION
    from interviews.sessions.models import Question, Session

    people = User.objects.bulk_create(
        User(email=f"person{i}@example.com", display_name=f"Person {i}", time_zone="Europe/Berlin")
        for i in range(200)
    )
    question = Question.objects.first()
    base = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    sessions = Session.objects.bulk_create(
        Session(
            candidate=people[i % 100],
            interviewer=people[100 + i % 100],
            start=base + timedelta(hours=i),
            end=base + timedelta(hours=i + 1),
            target_level="L4",
            company_type="faang",
            question=question,
            room_name=f"PeerLoop-bench-{i}",
        )
        for i in range(messages // 2)
    )
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            recipient_id=person_id,
            kind=BOOKING_CONFIRMATION,
            session=session,
            due_at=now,
            next_attempt_at=now,
        )
        for session in sessions
        for person_id in (session.candidate_id, session.interviewer_id)
    )


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument(
        "--kills", type=int, default=0, help="SIGKILL the worker this many times mid-drain, restarting it"
    )
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line
    sink = CountingSink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()

    with bench_database() as connection:
        seed(args.messages)
        import redis
        from django.conf import settings

        redis.Redis.from_url(settings.REDIS_URL).flushdb()
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        log = tempfile.NamedTemporaryFile("w", suffix=".log", delete=False)  # noqa: SIM115

        def start_worker() -> subprocess.Popen:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
                 "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            time.sleep(3)  # let the worker connect
            return process

        from interviews.notifications.models import OutboxMessage
        from interviews.notifications.tasks import dispatch_outbox

        worker = start_worker()
        try:
            started = time.perf_counter()
            dispatch_outbox.delay()
            for _ in range(args.kills):  # kill mid-drain, at a moment the worker is sending
                target = sink.count + max(1, args.messages // (args.kills + 2))
                while sink.count < target and time.perf_counter() - started < 600:
                    time.sleep(0.01)
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
                worker = start_worker()
                dispatch_outbox.delay()  # stands in for the beat's next run
            while OutboxMessage.objects.filter(sent_at__isnull=True).exists():
                if worker.poll() is not None or time.perf_counter() - started > 900:
                    raise SystemExit(f"worker stopped or timed out; see {log.name}")
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            peak = peak_rss_mib(worker.pid)
            time.sleep(2)  # nothing more may arrive
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)

        unsent = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    controller.stop()
    print(
        json.dumps(
            {
                "messages": args.messages,
                "worker_kills": args.kills,
                "delivered": sink.count,
                "distinct_message_ids": len(set(sink.ids)),
                "duplicates": sink.count - len(set(sink.ids)),
                "lost": args.messages - len(set(sink.ids)),
                "unsent_rows_after": unsent,
                "seconds": round(elapsed, 1),
                "messages_per_second": round(args.messages / elapsed, 1),
                "worker_peak_rss_mib": peak,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
