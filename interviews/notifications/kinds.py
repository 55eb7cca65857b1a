"""Message kinds. Each part that causes messages registers its own kinds here, saying what the
e-mail shows and whether a message is still owed when its turn comes; the outbox itself knows no
kind. Templates live in templates/emails/<key>/ (subject.txt, body.txt, body.html)."""

from collections.abc import Callable
from dataclasses import dataclass


def _always_owed(message) -> bool:
    return True


def _no_context(message) -> dict:
    return {}


@dataclass(frozen=True)
class MessageKind:
    key: str
    label: str
    # Asked by the dispatcher just before sending: False withdraws the message unsent.
    still_owed: Callable = _always_owed
    # What the templates need beyond the message, its session, request and recipient.
    context: Callable = _no_context
    # "REQUEST" or "CANCEL": the e-mail carries the session's calendar invite with that method.
    invite: str | None = None
    # A User boolean the member can turn off (a reminder): when off, the outbox does not write it.
    preference: str | None = None
    # Builds the e-mail itself instead of the templates (a message stored ready-made).
    build: Callable | None = None


KINDS: dict[str, MessageKind] = {}


def kind_register(kind: MessageKind) -> str:
    """Register a kind (once per key, at import of its owner's messages module); returns its key."""
    if KINDS.get(kind.key, kind) != kind:
        raise ValueError(f"message kind {kind.key!r} is registered twice")
    KINDS[kind.key] = kind
    return kind.key


def kind_label(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind else key
