"""The interview room's WebSockets through the real ASGI application (Channels'
WebsocketCommunicator, the channel layer in settings: Redis in CI): who is let in, that only the
interviewer's actions count, that events are stored and reach the other side, and that
oversized or flooding input closes that connection only."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client
from django.utils import timezone
from pycrdt import Array, Doc, create_sync_message, create_update_message

from config.asgi import application
from interviews.room.consumers import sync_update
from interviews.room.models import RoomEvent, RoomPresence
from interviews.room.selectors import board_for
from tests.factories import SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(seeded_data, candidate, interviewer):
    start = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    return SessionFactory(candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start))


@pytest.fixture(autouse=True)
def _signed_in(db, candidate, interviewer, outsider):
    """Each persona's session cookie, made before any event loop runs."""
    for user in (candidate, interviewer, outsider):
        client = Client()
        client.force_login(user)
        COOKIES[user.pk] = f"sessionid={client.cookies['sessionid'].value}".encode()
    yield
    COOKIES.clear()


COOKIES: dict[int, bytes] = {}


def _socket(path: str, user=None, origin: bytes = b"http://testserver") -> WebsocketCommunicator:
    headers = [(b"origin", origin)]
    if user is not None:
        headers.append((b"cookie", COOKIES[user.pk]))
    return WebsocketCommunicator(application, path, headers=headers)


def _run(scenario):
    """Run an async scenario to its end in a thread of its own (the browser tests' Playwright
    keeps an event loop in the main thread)."""

    async def whole():
        try:
            return await scenario()
        finally:  # the consumers' database thread lets its connection go, as a server would
            await database_sync_to_async(connections.close_all)()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, whole()).result()


def _room(session) -> str:
    return f"/ws/sessions/{session.pk}/room"


def _board(session) -> str:
    return f"/ws/sessions/{session.pk}/board"


async def _state(socket, timeout=3) -> dict:
    """The next state message (skipping pongs and errors)."""
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        if message["type"] == "state":
            return message["state"]


async def _close_code(socket) -> int:
    """The code the server closed this connection with (skipping what came before)."""
    while (output := await socket.receive_output(timeout=3))["type"] != "websocket.close":
        pass
    return output["code"]


async def _drain(socket) -> None:
    while not await socket.receive_nothing(timeout=0.3):
        await socket.receive_from()


class TestWhoGetsIn:
    def test_the_two_people_get_in_and_see_each_other(self, live, candidate, interviewer):
        async def scenario():
            ivan = _socket(_room(live), interviewer)
            assert (await ivan.connect())[0]
            assert [p["role"] for p in (await _state(ivan))["present"]] == ["interviewer"]
            cara = _socket(_room(live), candidate)
            assert (await cara.connect())[0]
            state = await _state(cara)
            assert {p["name"] for p in state["present"]} == {candidate.name, interviewer.name}
            assert "notes" not in state and state["prompt"] == ""
            # ivan hears that cara came in
            while len((await _state(ivan))["present"]) < 2:
                pass
            await cara.disconnect()
            while len((await _state(ivan))["present"]) != 1:
                pass
            await ivan.disconnect()

        _run(scenario)
        assert not RoomPresence.objects.exists()

    @pytest.mark.parametrize("path", [_room, _board])
    def test_outsiders_anonymous_visitors_and_other_sites_are_refused(self, live, candidate, outsider, path):
        async def scenario():
            for socket in (
                _socket(path(live), outsider),
                _socket(path(live)),
                _socket(path(live), candidate, origin=b"https://evil.example"),
            ):
                connected, _ = await socket.connect()
                assert not connected

        _run(scenario)

    def test_a_party_outside_the_open_window_is_refused(self, seeded_data, candidate, interviewer):
        start = timezone.now().replace(microsecond=0) + timedelta(days=2)
        later = SessionFactory(candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start))

        async def scenario():
            for path in (_room(later), _board(later)):
                connected, _ = await _socket(path, candidate).connect()
                assert not connected

        _run(scenario)


class TestEvents:
    def test_only_the_interviewer_acts_and_the_candidate_sees_it(self, live, candidate, interviewer):
        facts = live.question.facts()

        async def scenario():
            ivan, cara = _socket(_room(live), interviewer), _socket(_room(live), candidate)
            await ivan.connect()
            await cara.connect()
            await _drain(ivan)
            await _drain(cara)
            await cara.send_json_to({"action": "reveal_prompt"})
            refused = await cara.receive_json_from(timeout=3)
            assert refused["type"] == "error" and refused["message"] == "Only the interviewer can do that."
            await ivan.send_json_to({"action": "reveal_prompt"})
            assert (await _state(cara))["prompt"] == live.question.prompt
            await ivan.send_json_to({"action": "reveal_fact", "fact": 0})
            state = await _state(cara)
            while not state["facts"]:
                state = await _state(cara)
            assert [f["label"] for f in state["facts"]] == [facts[0]["label"]]
            await ivan.send_json_to({"action": "reveal_fact", "fact": 0})
            again = await ivan.receive_json_from(timeout=3)
            while again["type"] != "error":
                again = await ivan.receive_json_from(timeout=3)
            assert again["message"] == "That fact is already revealed."
            await ivan.disconnect()
            await cara.disconnect()

        _run(scenario)
        assert list(RoomEvent.objects.values_list("kind", flat=True)) == ["reveal_prompt", "reveal_fact"]

    def test_bad_json_gets_an_error_not_a_closed_room(self, live, interviewer):
        async def scenario():
            ivan = _socket(_room(live), interviewer)
            await ivan.connect()
            await _drain(ivan)
            for bad in ("not json", "[1, 2]", '{"action": {"x": 1}}'):
                await ivan.send_to(text_data=bad)
                assert (await ivan.receive_json_from(timeout=3))["type"] == "error"
            await ivan.send_json_to({"type": "ping"})
            assert (await ivan.receive_json_from(timeout=3))["type"] == "pong"
            await ivan.disconnect()

        _run(scenario)


class TestBounds:
    def test_an_oversized_message_closes_that_connection_only(self, live, candidate, interviewer):
        async def scenario():
            ivan, cara = _socket(_room(live), interviewer), _socket(_room(live), candidate)
            await ivan.connect()
            await cara.connect()
            await _drain(ivan)
            await cara.send_to(text_data="x" * 10_000)
            assert await _close_code(cara) == 1009
            await ivan.send_json_to({"action": "reveal_prompt"})
            assert (await _state(ivan))["prompt_revealed_at"] is not None
            await ivan.disconnect()

        _run(scenario)

    def test_a_flood_closes_that_connection_only(self, live, candidate, interviewer):
        async def scenario():
            ivan, cara = _socket(_room(live), interviewer), _socket(_room(live), candidate)
            await ivan.connect()
            await cara.connect()
            await _drain(ivan)
            await _drain(cara)
            for _ in range(60):
                await cara.send_json_to({"type": "ping"})
            assert await _close_code(cara) == 1008
            await ivan.send_json_to({"type": "ping"})
            assert (await ivan.receive_json_from(timeout=3))["type"] in ("pong", "state")
            await ivan.disconnect()

        _run(scenario)

    def test_a_huge_board_message_closes_that_connection(self, live, candidate):
        async def scenario():
            cara = _socket(_board(live), candidate)
            assert (await cara.connect())[0]
            await cara.send_to(bytes_data=b"\x00\x02" + b"\x00" * (2 * 1024 * 1024))
            assert await _close_code(cara) == 1009

        _run(scenario)


class TestBoard:
    def test_strokes_reach_the_other_side_and_survive_a_reconnect(self, live, candidate, interviewer):
        drawn = Doc()
        elements = drawn.get("elements", type=Array)
        updates = []
        drawn.observe(lambda event: updates.append(event.update))
        elements.append("a box")

        async def scenario():
            ivan, cara = _socket(_board(live), interviewer), _socket(_board(live), candidate)
            assert (await ivan.connect())[0] and (await cara.connect())[0]
            await _drain(ivan)
            await _drain(cara)
            await cara.send_to(bytes_data=create_update_message(updates[0]))
            received = Doc()
            received_elements = received.get("elements", type=Array)
            message = await ivan.receive_from(timeout=3)
            while message[:2] != b"\x00\x02":  # a sync update
                message = await ivan.receive_from(timeout=3)
            received.apply_update(sync_update(message))
            assert list(received_elements) == ["a box"]
            assert await cara.receive_nothing(timeout=0.5)  # no echo of her own stroke
            await cara.disconnect()  # stores what cara drew
            await ivan.disconnect()

            # a new connection (another tab, a restart) is sent the stored board
            again = _socket(_board(live), interviewer)
            assert (await again.connect())[0]
            fresh = Doc()
            await again.send_to(bytes_data=create_sync_message(fresh))
            message = await again.receive_from(timeout=3)
            while message[:2] != b"\x00\x01":  # sync step 2: what we lack
                message = await again.receive_from(timeout=3)
            await again.disconnect()
            return message

        step2 = _run(scenario)
        for document in (board_for(live), sync_update(step2)):
            restored = Doc()
            restored.apply_update(document)
            assert list(restored.get("elements", type=Array)) == ["a box"]
