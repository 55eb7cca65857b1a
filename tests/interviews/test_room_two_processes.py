"""Two web processes share every room through the Redis channel layer: one person on each sees
the other's reveals and board strokes (PostgreSQL and Redis, as in production)."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pycrdt import Array, Doc, create_update_message
from websockets.sync.client import connect

from interviews.room.consumers import sync_update
from tests.factories import SessionFactory, SlotFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _open(base: str, path: str, user):
    ws = base.replace("http://", "ws://")
    return connect(
        f"{ws}{path}", additional_headers={"Cookie": _cookie(user), "Origin": base}, open_timeout=10
    )


def _until(socket, wanted, timeout=10):
    """Read messages until `wanted(message)` holds; returns that message."""
    while True:
        message = socket.recv(timeout=timeout)
        if wanted(message):
            return message


def test_one_person_on_each_process_sees_the_other(asgi_servers, candidate, interviewer):
    start = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    session = SessionFactory(candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start))
    first, second = asgi_servers(2)

    def state_with(check):
        return lambda raw: (
            isinstance(raw, str) and json.loads(raw)["type"] == "state" and check(json.loads(raw)["state"])
        )

    with (
        _open(first, f"/ws/sessions/{session.pk}/room", interviewer) as ivan,
        _open(second, f"/ws/sessions/{session.pk}/room", candidate) as cara,
    ):
        _until(ivan, state_with(lambda state: len(state["present"]) == 2))
        ivan.send(json.dumps({"action": "reveal_prompt"}))
        ivan.send(json.dumps({"action": "reveal_fact", "fact": 0}))
        seen = json.loads(_until(cara, state_with(lambda state: state["facts"])))["state"]
        assert seen["prompt"] == session.question.prompt
        assert seen["facts"][0]["label"] == session.question.facts()[0]["label"]

    doc = Doc()
    updates = []
    doc.observe(lambda event: updates.append(event.update))
    doc.get("elements", type=Array).append("a box drawn on the second process")
    with (
        _open(first, f"/ws/sessions/{session.pk}/board", interviewer) as ivan,
        _open(second, f"/ws/sessions/{session.pk}/board", candidate) as cara,
    ):
        _until(ivan, lambda raw: isinstance(raw, bytes))  # the server's sync step 1
        cara.send(create_update_message(updates[0]))
        stroke = _until(ivan, lambda raw: isinstance(raw, bytes) and raw[:2] == b"\x00\x02")
        received = Doc()
        received.apply_update(sync_update(stroke))
        assert list(received.get("elements", type=Array)) == ["a box drawn on the second process"]
