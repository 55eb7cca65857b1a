"""The messages a match request owes its candidate: the match found, or the request expired."""

from datetime import datetime

from interviews.matching.models import MatchRequest
from interviews.notifications.kinds import MessageKind, kind_register
from interviews.notifications.outbox import outbox_owe, outbox_write
from interviews.sessions.messages import session_message_context

MATCH_FOUND = kind_register(
    MessageKind("match_found", "Match found (candidate)", context=session_message_context)
)
REQUEST_EXPIRED = kind_register(MessageKind("request_expired", "Match request expired (candidate)"))


def outbox_matches_found(*, requests: list[MatchRequest], now: datetime) -> None:
    outbox_write(
        [
            row
            for request in requests
            for row in outbox_owe(
                kind=MATCH_FOUND,
                recipients=[request.session.candidate],
                session=request.session,
                match_request=request,
                due_at=now,
            )
        ]
    )


def outbox_requests_expired(*, requests: list[MatchRequest], now: datetime) -> None:
    outbox_write(
        [
            row
            for request in requests
            for row in outbox_owe(
                kind=REQUEST_EXPIRED, recipients=[request.candidate], match_request=request, due_at=now
            )
        ]
    )
