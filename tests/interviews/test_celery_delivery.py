"""A real Celery worker and beat on Redis deliver the outbox to a real SMTP server.

Needs PostgreSQL (the worker process reads the test database) and Redis (the broker).
"""

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from interviews.notifications.models import OutboxMessage
from interviews.sessions.booking import session_book
from tests.factories import InterviewerFactory, SlotFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("seeded_data")]

ROOT = Path(__file__).resolve().parents[2]


class Sink:
    """An SMTP server's message store. While `hold` is clear, DATA waits; a client that goes away
    while waiting has not had its message accepted (as with a real server, nothing is kept)."""

    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.hold = threading.Event()
        self.hold.set()
        self.waiting = threading.Event()
        # Keep the message as accepted, then hold the reply: the client is killed in the window
        # between the server's acceptance and its own commit.
        self.keep_then_hold = False

    async def handle_DATA(self, server, session, envelope):
        if self.keep_then_hold:
            self.messages.append(email.message_from_bytes(envelope.content))
        self.waiting.set()
        while not self.hold.is_set():
            if server.transport is None or server.transport.is_closing():
                return "421 client went away"
            await asyncio.sleep(0.05)
        if server.transport is None or server.transport.is_closing():
            return "421 client went away"
        if not self.keep_then_hold:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sink():
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()  # no stale task from an earlier run
    return client


@pytest.fixture
def celery(transactional_db, sink, tmp_path):
    """Starts worker and beat processes against the test database, Redis and the sink."""
    _, port = sink
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "OUTBOX_DISPATCH_SECONDS": "1",
    }
    processes: list[subprocess.Popen] = []

    def start(kind: str) -> subprocess.Popen:
        args = ["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        if kind == "beat":
            args = ["beat", f"--schedule={tmp_path / 'beat-schedule'}"]
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel=INFO"],
            cwd=ROOT,
            env=env,
            stdout=open(tmp_path / f"{kind}-{len(processes)}.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _wait_for(condition, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _book():
    candidate = UserFactory(email="cara.real@example.com")
    interviewer = InterviewerFactory(email="ivan.real@example.com")
    start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    return session_book(candidate=candidate, slot_id=SlotFactory(interviewer=interviewer, start=start).pk)


def _confirmations_sent() -> int:
    return OutboxMessage.objects.filter(kind="booking_confirmation", sent_at__isnull=False).count()


def test_a_worker_delivers_the_booking_confirmation_with_its_invite(sink, broker, celery):
    handler, _ = sink
    session = _book()  # its commit enqueued a dispatch on Redis
    assert broker.llen("celery") >= 1
    celery("worker")
    assert _wait_for(lambda: len(handler.messages) == 2), handler.message_ids()
    assert sorted(m["To"] for m in handler.messages) == ["cara.real@example.com", "ivan.real@example.com"]
    for message in handler.messages:
        assert message["Subject"].startswith("Booked: mock interview")
        parts = {part.get_content_type(): part for part in message.walk()}
        invite = parts["text/calendar"].get_payload(decode=True).decode()
        assert "METHOD:REQUEST" in invite and f"UID:session-{session.pk}@peerloop" in invite
    assert _wait_for(lambda: _confirmations_sent() == 2)


def test_a_worker_killed_mid_send_loses_and_duplicates_nothing(sink, broker, celery):
    handler, _ = sink
    handler.hold.clear()
    _book()
    first = celery("worker")
    assert _wait_for(handler.waiting.is_set), "the worker never reached the SMTP server"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert handler.messages == [] and _confirmations_sent() == 0

    handler.hold.set()
    celery("worker")
    celery("beat")  # the killed worker's task is gone with it; the periodic run claims the rows
    assert _wait_for(lambda: len(handler.messages) >= 2)
    time.sleep(3)  # a few more dispatcher runs: nothing is sent again
    ids = handler.message_ids()
    assert len(ids) == len(set(ids)) == 2
    assert _confirmations_sent() == 2


def test_a_worker_killed_after_the_server_accepted_sends_again_with_the_same_message_id(sink, broker, celery):
    """The window SMTP cannot close: accepted by the server, not yet marked sent. The copy that
    follows carries the same Message-ID, so mail clients show the message once."""
    handler, _ = sink
    handler.keep_then_hold = True
    handler.hold.clear()
    _book()
    first = celery("worker")
    assert _wait_for(handler.waiting.is_set), "the worker never reached the SMTP server"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert len(handler.messages) == 1 and _confirmations_sent() == 0
    accepted = handler.message_ids()[0]

    handler.keep_then_hold = False
    handler.hold.set()
    celery("worker")
    celery("beat")
    assert _wait_for(lambda: _confirmations_sent() == 2)
    time.sleep(3)  # a few more dispatcher runs: nothing more is sent
    ids = handler.message_ids()
    assert len(ids) == 3  # both confirmations, and the accepted one a second time
    assert ids.count(accepted) == 2
    assert len(set(ids)) == 2
    row = int(accepted.removeprefix("<outbox-").split("@")[0])
    assert OutboxMessage.objects.get(pk=row).sent_at is not None


def test_every_due_message_is_delivered_after_redis_loses_everything(sink, broker, celery):
    handler, _ = sink
    _book()
    assert broker.llen("celery") >= 1
    broker.flushall()  # queued tasks are gone; the rows are not
    assert broker.llen("celery") == 0
    celery("worker")
    celery("beat")
    assert _wait_for(lambda: len(handler.messages) == 2)
    assert _wait_for(lambda: _confirmations_sent() == 2)


def test_the_beat_owes_a_reminder_when_it_falls_due_and_a_worker_delivers_it(sink, broker, celery):
    handler, _ = sink
    candidate = UserFactory(email="cara.real@example.com")
    interviewer = InterviewerFactory(email="ivan.real@example.com")
    start = (timezone.now() + timedelta(minutes=50)).replace(microsecond=0)
    slot = SlotFactory(interviewer=interviewer, start=start)
    session_book(candidate=candidate, slot_id=slot.pk, now=start - timedelta(hours=3))  # booked earlier
    celery("worker")
    assert _wait_for(lambda: _confirmations_sent() == 2)
    assert not OutboxMessage.objects.filter(kind__startswith="reminder").exists()  # not yet written
    celery("beat")
    assert _wait_for(lambda: len(handler.messages) == 4), [m["Subject"] for m in handler.messages]
    reminders = [m for m in handler.messages if m["Subject"].startswith("Reminder")]
    assert sorted(m["To"] for m in reminders) == ["cara.real@example.com", "ivan.real@example.com"]
    assert all("in one hour" in m["Subject"] for m in reminders), [m["Subject"] for m in reminders]
    assert OutboxMessage.objects.filter(kind="reminder_1h", sent_at__isnull=False).count() == 2
