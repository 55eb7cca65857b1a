"""The room's two WebSockets: the room's events (JSON) and the shared board (the Yjs protocol,
through pycrdt-websocket's consumer). Both admit only the session's two people while the room
is open, bound each message's size and each connection's rate (breaking a bound closes that
connection, never the room), and keep everything in the database: the channel layer only
carries it."""

import asyncio
import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from pycrdt import YMessageType, YSyncMessageType, create_sync_message, handle_sync_message
from pycrdt.websocket.django_channels_consumer import YjsConsumer

from accounts.errors import Conflict, error_text
from interviews.room.selectors import board_for, room_session, room_state
from interviews.room.services import (
    board_save,
    presence_enter,
    presence_leave,
    presence_seen,
    room_act,
    room_group,
)

# Close codes (RFC 6455): 1008 policy violation (rate), 1009 message too big, 4403 refused.
TOO_FAST, TOO_BIG, REFUSED, CLOSED = 1008, 1009, 4403, 4410


class RateLimit:
    """A token bucket: `burst` messages at once, `rate` a second after that."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self.tokens, self.at = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@database_sync_to_async
def _open_room(scope):
    """The session whose room this connection may join now, or None."""
    user = scope.get("user")
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        session = room_session(user, scope["url_route"]["kwargs"]["pk"])
    except Http404:
        return None
    return session if session.room_is_open() else None


class RoomConsumer(AsyncWebsocketConsumer):
    """The room's state for one person: sent on connect and after every change; takes the
    interviewer's actions ({"action": ..., ...}) and everyone's pings ({"type": "ping"})."""

    MAX_MESSAGE = 8 * 1024  # characters: the longest note is 2,000
    session = None

    async def connect(self):
        self.session = await _open_room(self.scope)
        if self.session is None:
            await self.close(code=REFUSED)  # before accept: the handshake is refused
            return
        self.user = self.scope["user"]
        self.limit = RateLimit(rate=5, burst=20)
        self.group = room_group(self.session.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await database_sync_to_async(presence_enter)(
            session=self.session, user=self.user, channel=self.channel_name
        )
        await self.channel_layer.group_send(self.group, {"type": "room.changed"})

    async def disconnect(self, code):
        if self.session is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await database_sync_to_async(presence_leave)(channel=self.channel_name)
        await self.channel_layer.group_send(self.group, {"type": "room.changed"})

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None or len(text_data or "") > self.MAX_MESSAGE:
            await self.close(code=TOO_BIG)
            return
        if not self.limit.take():
            await self.close(code=TOO_FAST)
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            await self._send({"type": "error", "message": "Send a JSON object."})
            return
        if message.get("type") == "ping":
            await self._ping()
            return
        action = message.get("action")
        try:
            await database_sync_to_async(room_act)(
                user=self.user, session_id=self.session.pk, action=action, data=message
            )
        except (Conflict, ValidationError, PermissionDenied, Http404) as exc:
            await self._send({"type": "error", "action": str(action)[:40], "message": error_text(exc)})

    async def _ping(self):
        session = await _open_room(self.scope)
        if session is None:  # the room closed (or the session was cancelled) meanwhile
            await self.close(code=CLOSED)
            return
        await database_sync_to_async(presence_seen)(channel=self.channel_name)
        await self._send({"type": "pong"})

    async def room_changed(self, event):
        state = await database_sync_to_async(room_state)(self.session, self.user)
        await self._send({"type": "state", "state": state})

    async def _send(self, message: dict):
        await self.send(text_data=json.dumps(message, cls=DjangoJSONEncoder))


class BoardConsumer(YjsConsumer):
    """The shared whiteboard: pycrdt-websocket's Yjs consumer, admitted like the room, greeting
    only the new connection with its sync step 1 and passing each message to the others only
    (the stock consumer sends both to the whole room, the sender included), with its document
    loaded from the database and each connection's own updates merged back into it a
    moment after they stop coming (and when it closes), so a reload, a reconnect, a restart or
    a lost channel layer loses no stroke."""

    MAX_MESSAGE = 1024 * 1024  # bytes; a pasted image is the largest single update
    SAVE_AFTER = 1.0  # seconds of quiet before the updates are stored
    SAVE_EVERY = 5.0  # seconds at most between stores while someone keeps drawing
    session = None

    def make_room_name(self) -> str:
        return f"board-{self.session.pk}"

    async def make_ydoc(self):
        doc = await super().make_ydoc()
        document = await database_sync_to_async(board_for)(self.session)
        if document:
            doc.apply_update(document)
        return doc

    async def connect(self):
        self.session = await _open_room(self.scope)
        if self.session is None:
            await self.close(code=REFUSED)
            return
        self.limit = RateLimit(rate=60, burst=200)
        self.pending: list[bytes] = []
        self.first_pending = None
        self.saver = None
        self.room_name = self.make_room_name()
        self.ydoc = await self.make_ydoc()
        await self.channel_layer.group_add(self.room_name, self.channel_name)
        await self.accept()
        await self.send(bytes_data=create_sync_message(self.ydoc))  # to this connection only

    async def group_send_message(self, message: bytes) -> None:
        """To everyone else in the room (the sender has it already)."""
        await self.channel_layer.group_send(
            self.room_name, {"type": "send_message", "message": message, "sender": self.channel_name}
        )

    async def send_message(self, message_wrapper) -> None:
        if message_wrapper.get("sender") != self.channel_name:
            await self.send(bytes_data=message_wrapper["message"])

    async def disconnect(self, code):
        if self.session is None:
            return
        if self.saver is not None:
            self.saver.cancel()
        await self._save()
        await super().disconnect(code)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is not None or bytes_data is None or not bytes_data:
            return
        if len(bytes_data) > self.MAX_MESSAGE:
            await self.close(code=TOO_BIG)
            return
        if not self.limit.take():
            await self.close(code=TOO_FAST)
            return
        kind = bytes_data[0]
        if kind == YMessageType.AWARENESS:  # pointers and names: passed on as they are
            await self.group_send_message(bytes_data)
            return
        if kind != YMessageType.SYNC:
            return
        try:  # applied here first, so a malformed message goes no further than its sender
            reply = handle_sync_message(bytes_data[1:], self.ydoc)
        except Exception:
            await self.close(code=TOO_BIG)
            return
        await self.group_send_message(bytes_data)
        if reply is not None:
            await self.send(bytes_data=reply)
        update = sync_update(bytes_data)
        if update:
            self.pending.append(update)
            self.first_pending = self.first_pending or time.monotonic()
            self._schedule_save()

    def _schedule_save(self):
        if self.saver is not None:
            self.saver.cancel()
        waited = time.monotonic() - self.first_pending
        self.saver = asyncio.ensure_future(
            self._save_later(max(0.0, min(self.SAVE_AFTER, self.SAVE_EVERY - waited)))
        )

    async def _save_later(self, delay: float):
        await asyncio.sleep(delay)
        await self._save()

    async def _save(self):
        updates, self.pending, self.first_pending = self.pending, [], None
        if not updates:
            return
        try:
            await database_sync_to_async(board_save)(session_id=self.session.pk, updates=updates)
        except Conflict:
            await self.close(code=TOO_BIG)


def sync_update(message: bytes) -> bytes | None:
    """The document update a sync step 2 or update message carries (None for other messages)."""
    if len(message) < 3 or message[0] != YMessageType.SYNC:
        return None
    if message[1] not in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
        return None
    return _read_var_bytes(message, 2)


def _read_var_bytes(message: bytes, offset: int) -> bytes | None:
    """lib0's varUint8Array at `offset`: a variable-length unsigned length, then the bytes."""
    length, shift = 0, 0
    while offset < len(message):
        byte = message[offset]
        offset += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            end = offset + length
            return message[offset:end] if end <= len(message) else None
    return None
