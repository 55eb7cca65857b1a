"""Reads of the interview room: who may enter, the phase clock, what each person sees, who is
there, and the record of the session (phases, reveals and help, in time)."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from pycrdt import merge_updates

from accounts.models import User
from interviews.room.hooks import hooks
from interviews.room.models import (
    CLOCK_KINDS,
    INTERVENTIONS,
    RoomBoard,
    RoomBoardUpdate,
    RoomEvent,
    RoomEventKind,
    RoomNote,
    RoomPresence,
)
from interviews.sessions.models import Session, SessionStatus
from interviews.sessions.selectors import session_for_user

UNDO_WINDOW = timedelta(minutes=1)
PRESENCE_TIMEOUT = timedelta(seconds=90)  # clients ping every 30 s


def room_session(user: User, pk) -> Session:
    """The session whose room `user` may see: one of its two people, and not cancelled (a
    cancelled session, or a no-show, has no room). 404 for everyone else."""
    session = session_for_user(user, pk)
    if session.status not in (SessionStatus.SCHEDULED, SessionStatus.COMPLETED):
        raise Http404("This session has no room.")
    return session


def room_events(session: Session) -> list[RoomEvent]:
    return list(RoomEvent.objects.filter(session=session))


def clock_state(events: list[RoomEvent], phases: list[dict], now: datetime) -> dict:
    """The phase clock replayed from its events: the phase running, whether it runs, the seconds
    spent in each phase so far (the running one up to `now`) and which phases ran over."""
    spent = [0.0] * len(phases)
    phase, running, since = None, False, None
    for event in events:
        if event.kind not in CLOCK_KINDS:
            continue
        if running and phase is not None:
            spent[phase] += (event.at - since).total_seconds()
        if event.kind == RoomEventKind.CLOCK_START:
            phase, running = 0, True
        elif event.kind == RoomEventKind.PHASE_NEXT:
            phase, running = phase + 1, True
        elif event.kind == RoomEventKind.PAUSE:
            running = False
        elif event.kind == RoomEventKind.RESUME:
            running = True
        since = event.at
    finished = phase is not None and phase >= len(phases)
    if finished:
        phase, running = None, False
    if running:
        spent[phase] += (now - since).total_seconds()
    return {
        "started": since is not None,
        "finished": finished,
        "phase": phase,
        "running": running,
        "phases": [
            {
                "key": p["key"],
                "name": p["name"],
                "minutes": p.get("minutes", 0),
                "seconds": round(seconds),
                "over": seconds > p.get("minutes", 0) * 60,
            }
            for p, seconds in zip(phases, spent, strict=True)
        ],
    }


def present_people(session: Session, now: datetime) -> list[dict]:
    """Who has the room open now, interviewer first."""
    user_ids = set(
        RoomPresence.objects.filter(session=session, seen_at__gte=now - PRESENCE_TIMEOUT).values_list(
            "user_id", flat=True
        )
    )
    people = [(session.interviewer, "interviewer"), (session.candidate, "candidate")]
    return [{"name": person.name, "role": role} for person, role in people if person.pk in user_ids]


def room_state(session: Session, user: User, now: datetime | None = None) -> dict:
    """The room as `user` sees it. Both: the clock, who is there, the prompt and the facts once
    revealed. The interviewer also: every fact, the help logged (undoable for a minute) and their
    notes. A fixed number of queries, none per event or note."""
    now = now or timezone.now()
    question = session.question
    phases = question.phases()
    events = room_events(session)
    is_interviewer = user.pk == session.interviewer_id
    revealed = {e.fact: e.at for e in events if e.kind == RoomEventKind.REVEAL_FACT}
    prompt_at = next((e.at for e in events if e.kind == RoomEventKind.REVEAL_PROMPT), None)
    state = {
        "role": session.role_of(user),
        "open": session.room_is_open(now),
        "now": now,
        "clock": clock_state(events, phases, now),
        "present": present_people(session, now),
        "prompt_revealed_at": prompt_at,
        "prompt": question.prompt if (prompt_at or is_interviewer) else "",
        "business_element": question.business_element if (prompt_at or is_interviewer) else "",
        "facts": [
            {
                "index": index,
                "label": fact["label"],
                "value": fact["value"],
                "revealed_at": revealed.get(index),
            }
            for index, fact in enumerate(question.facts())
            if is_interviewer or index in revealed
        ],
    }
    if is_interviewer:
        state["interventions"] = [
            {
                "id": e.pk,
                "kind": e.kind,
                "label": e.get_kind_display(),
                "phase": e.phase,
                "at": e.at,
                "undoable": now - e.at < UNDO_WINDOW,
            }
            for e in events
            if e.kind in INTERVENTIONS and e.undone_at is None
        ]
        state["counts"] = intervention_counts(events)
        titles = dict(hooks.note_dimensions(session))
        state["notes"] = [
            {
                "id": note.pk,
                "text": note.text,
                "dimension": note.dimension,
                "dimension_title": titles.get(note.dimension, ""),
                "phase": note.phase,
                "at": note.at,
            }
            for note in RoomNote.objects.filter(session=session)
        ]
    return state


def intervention_counts(events: list[RoomEvent]) -> dict[str, int]:
    """{rubric counter: help of that kind logged and not undone}."""
    counts = dict.fromkeys(INTERVENTIONS.values(), 0)
    for event in events:
        if event.kind in INTERVENTIONS and event.undone_at is None:
            counts[INTERVENTIONS[event.kind]] += 1
    return counts


def room_record(session: Session) -> dict:
    """What happened in the room, for the rubric and the session page: the help logged (in total
    and per phase), the phases with their planned and spent minutes, and the timeline of reveals
    and help from the clock's start (or the session's, if the clock never ran). Empty when
    nothing was logged. One query."""
    events = [e for e in room_events(session) if e.undone_at is None]
    if not events:
        return {}
    question = session.question
    phases = question.phases()
    facts = question.facts()
    clock_end = max([e.at for e in events if e.kind in CLOCK_KINDS] or [session.start])
    clock = clock_state(events, phases, clock_end)
    origin = next((e.at for e in events if e.kind == RoomEventKind.CLOCK_START), session.start)
    per_phase = [dict.fromkeys(INTERVENTIONS.values(), 0) for _ in phases]
    timeline = []
    for event in events:
        if event.kind in INTERVENTIONS and event.phase is not None:
            per_phase[event.phase][INTERVENTIONS[event.kind]] += 1
        label = event.get_kind_display()
        if event.kind == RoomEventKind.REVEAL_FACT:
            label = f"Fact revealed: {facts[event.fact]['label']}" if event.fact < len(facts) else label
        elif event.kind == RoomEventKind.PHASE_NEXT:
            label = f"{phases[event.phase]['name']} began" if event.phase < len(phases) else "Clock stopped"
        elif event.kind == RoomEventKind.CLOCK_START:
            label = f"Clock started: {phases[0]['name']}" if phases else label
        timeline.append(
            {
                "minute": max(0, int((event.at - origin).total_seconds() // 60)),
                "kind": event.kind,
                "label": label,
                "phase": phases[event.phase]["name"]
                if event.phase is not None and event.phase < len(phases)
                else "",
            }
        )
    return {
        "counts": intervention_counts(events),
        "phases": [
            {**phase, **counts}
            for phase, counts in zip(clock["phases"], per_phase, strict=True)
            if phase["seconds"] or any(counts.values())
        ],
        "timeline": timeline,
    }


def room_evidence(session: Session) -> dict[str, str]:
    """{rubric dimension key: the interviewer's notes tagged with it, one per line}. Private to
    the interviewer: it prefills the rubric's evidence and is never kept with the record."""
    evidence: dict[str, list[str]] = {}
    for note in RoomNote.objects.filter(session=session).exclude(dimension=""):
        evidence.setdefault(note.dimension, []).append(note.text)
    return {key: "\n".join(texts) for key, texts in evidence.items()}


def board_for(session: Session) -> bytes:
    """The board's whole document: the stored one with the updates saved since (empty bytes when
    nothing was drawn). Two queries."""
    document = RoomBoard.objects.filter(session=session).values_list("document", flat=True).first()
    parts = [bytes(document)] if document else []
    parts += [
        bytes(u)
        for u in RoomBoardUpdate.objects.filter(session=session)
        .order_by("pk")
        .values_list("update", flat=True)
    ]
    return merge_updates(*parts) if parts else b""


def board_drawn(session: Session) -> bool:
    return Session.objects.filter(
        Q(board__isnull=False) | Q(board_updates__isnull=False), pk=session.pk
    ).exists()
