"""What happens in the interview room. Every action is checked here, for the WebSocket and the
API alike: only the interviewer reveals, logs help, writes notes or moves the clock, and only
while the room is open. Each change is stored, then the room is told (after commit)."""

from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from pycrdt import merge_updates

from accounts.errors import Conflict
from accounts.models import User
from interviews.room.hooks import hooks
from interviews.room.models import (
    INTERVENTIONS,
    NOTE_MAX_LENGTH,
    RoomBoard,
    RoomBoardUpdate,
    RoomEvent,
    RoomEventKind,
    RoomNote,
    RoomPresence,
)
from interviews.room.selectors import UNDO_WINDOW, clock_state, room_events, room_session
from interviews.sessions.models import Session
from interviews.sessions.selectors import session_for_user

MAX_LOGGED = 50  # help of one kind in one session, as the rubric's counters allow


def room_group(session_id: int) -> str:
    return f"room-{session_id}"


def room_announce(session_id: int) -> None:
    """Tell everyone in the room that its state changed (each connection reads its own view)."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(room_group(session_id), {"type": "room.changed"})


def room_act(
    *, user: User, session_id, action: str, data: dict | None = None, now: datetime | None = None
) -> None:
    """Carry out one of the interviewer's actions in the room.

    404 for anyone outside the session; PermissionDenied for the candidate; Conflict when the room
    is closed or the action does not fit the room's state (the clock already running, a fact
    already revealed, an entry too old to undo); ValidationError for bad data. Nothing is stored
    when a rule fails.
    """
    now = now or timezone.now()
    data = data if isinstance(data, dict) else {}
    session = room_session(user, session_id)
    if user.pk != session.interviewer_id:
        raise PermissionDenied("Only the interviewer can do that.")
    if action not in ACTIONS:
        raise ValidationError(f"Unknown action {str(action)[:40]!r}.")
    try:
        with transaction.atomic():
            session = session_for_user(user, session.pk, write=True)  # actions of one room queue up
            if not session.room_is_open(now):
                raise Conflict("The room is closed.")
            _ACTIONS[action](session, data, now)
            transaction.on_commit(lambda: room_announce(session.pk))
    except IntegrityError as exc:  # a double press raced past the checks
        raise Conflict("That was already done.") from exc


def _clock(session: Session, now: datetime) -> tuple[list[RoomEvent], dict]:
    events = room_events(session)
    return events, clock_state(events, session.question.phases(), now)


def _phase(session: Session, events: list[RoomEvent], now: datetime) -> int | None:
    """The phase running (or paused) now: None before the clock starts and after the last phase."""
    return clock_state(events, session.question.phases(), now)["phase"]


def _record(session: Session, kind: str, now: datetime, events: list[RoomEvent], **fields) -> RoomEvent:
    return RoomEvent.objects.create(
        session=session, kind=kind, phase=_phase(session, events, now), at=now, **fields
    )


def _whole_number(value) -> int | None:
    """A JSON integer (not a boolean), or None: what names a fact, an entry or a note."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _start(session, data, now):
    events, clock = _clock(session, now)
    if clock["started"]:
        raise Conflict("The clock has already started.")
    if not clock["phases"]:
        raise Conflict("This question's guide has no phases to time.")
    _record(session, RoomEventKind.CLOCK_START, now, events)


def _next(session, data, now):
    events, clock = _clock(session, now)
    if not clock["started"] or clock["finished"]:
        raise Conflict(
            "The clock is not running a phase." if not clock["started"] else "The last phase is over."
        )
    event = _record(session, RoomEventKind.PHASE_NEXT, now, events)
    event.phase = clock["phase"] + 1  # the phase it begins (past the last one: the clock stops)
    event.save(update_fields=["phase"])


def _pause(session, data, now):
    events, clock = _clock(session, now)
    if not clock["running"]:
        raise Conflict("The clock is not running.")
    _record(session, RoomEventKind.PAUSE, now, events)


def _resume(session, data, now):
    events, clock = _clock(session, now)
    if not clock["started"] or clock["running"] or clock["finished"]:
        raise Conflict("The clock is not paused.")
    _record(session, RoomEventKind.RESUME, now, events)


def _reveal_prompt(session, data, now):
    events = room_events(session)
    if any(e.kind == RoomEventKind.REVEAL_PROMPT for e in events):
        raise Conflict("The prompt is already revealed.")
    _record(session, RoomEventKind.REVEAL_PROMPT, now, events)


def _reveal_fact(session, data, now):
    fact = _whole_number(data.get("fact"))
    if fact is None or not 0 <= fact < len(session.question.facts()):
        raise ValidationError({"fact": "Choose one of the question's facts."})
    events = room_events(session)
    if any(e.kind == RoomEventKind.REVEAL_FACT and e.fact == fact for e in events):
        raise Conflict("That fact is already revealed.")
    _record(session, RoomEventKind.REVEAL_FACT, now, events, fact=fact)


def _log(session, data, now):
    kind = data.get("kind")
    if kind not in INTERVENTIONS:
        raise ValidationError({"kind": "Log a hint, guidance or a clarification."})
    events = room_events(session)
    if sum(e.kind == kind and e.undone_at is None for e in events) >= MAX_LOGGED:
        raise Conflict(f"{MAX_LOGGED} is the most the rubric counts.")
    _record(session, kind, now, events)


def _undo(session, data, now):
    event = RoomEvent.objects.filter(
        session=session, pk=_whole_number(data.get("event")),
        kind__in=list(INTERVENTIONS), undone_at__isnull=True,
    ).first()  # fmt: skip
    if event is None:
        raise Conflict("There is no such entry to undo.")
    if now - event.at >= UNDO_WINDOW:
        raise Conflict("Entries can be undone for a minute only.")
    event.undone_at = now
    event.save(update_fields=["undone_at"])


def _note(session, data, now):
    text = data.get("text")
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise ValidationError({"text": "Write the note first."})
    if len(text) > NOTE_MAX_LENGTH or "\x00" in text:
        raise ValidationError({"text": f"A note holds at most {NOTE_MAX_LENGTH} characters."})
    dimension = data.get("dimension") or ""
    if dimension and dimension not in dict(hooks.note_dimensions(session)):
        raise ValidationError({"dimension": "Tag the note with one of the rubric's dimensions, or none."})
    phase = _phase(session, room_events(session), now)
    RoomNote.objects.create(session=session, text=text, dimension=dimension, phase=phase, at=now)


def _delete_note(session, data, now):
    deleted, _ = RoomNote.objects.filter(session=session, pk=_whole_number(data.get("note"))).delete()
    if not deleted:
        raise Conflict("There is no such note.")


_ACTIONS = {
    "start": _start,
    "next": _next,
    "pause": _pause,
    "resume": _resume,
    "reveal_prompt": _reveal_prompt,
    "reveal_fact": _reveal_fact,
    "log": _log,
    "undo": _undo,
    "note": _note,
    "delete_note": _delete_note,
}
ACTIONS = tuple(_ACTIONS)


def presence_enter(*, session: Session, user: User, channel: str, now: datetime | None = None) -> None:
    RoomPresence.objects.update_or_create(
        channel=channel, defaults={"session": session, "user": user, "seen_at": now or timezone.now()}
    )


def presence_seen(*, channel: str, now: datetime | None = None) -> None:
    RoomPresence.objects.filter(channel=channel).update(seen_at=now or timezone.now())


def presence_leave(*, channel: str) -> None:
    RoomPresence.objects.filter(channel=channel).delete()


BOARD_MAX_BYTES = 8 * 1024 * 1024  # a whole board's document; an hour's drawing is far less
COMPACT_AFTER = 50  # update rows folded into the document at once


def board_save(*, session_id: int, updates: list[bytes]) -> None:
    """Store one connection's Yjs updates (merged into one row: they commute, so connections in
    any number of processes each store theirs), and fold the rows into the board's document once
    there are COMPACT_AFTER of them. Saving never rewrites the whole board: that work, which grows
    with the board, happens once per COMPACT_AFTER saves."""
    RoomBoardUpdate.objects.create(session_id=session_id, update=merge_updates(*updates))
    if RoomBoardUpdate.objects.filter(session_id=session_id).count() >= COMPACT_AFTER:
        board_compact(session_id=session_id)


def board_compact(*, session_id: int) -> int:
    """Fold the board's update rows into its document (under the board row's lock). Returns the
    document's size; raises Conflict past BOARD_MAX_BYTES, leaving everything as it was."""
    with transaction.atomic():
        board, _ = RoomBoard.objects.select_for_update().get_or_create(session_id=session_id)
        rows = list(
            RoomBoardUpdate.objects.filter(session_id=session_id).order_by("pk").values_list("pk", "update")
        )
        if not rows:
            return len(board.document)
        parts = [bytes(board.document)] if board.document else []
        document = merge_updates(*parts, *(bytes(update) for _, update in rows))
        if len(document) > BOARD_MAX_BYTES:
            raise Conflict("The board is full.")
        board.document = document
        board.updated_at = timezone.now()
        board.save(update_fields=["document", "updated_at"])
        RoomBoardUpdate.objects.filter(session_id=session_id, pk__lte=rows[-1][0]).delete()
    return len(document)
