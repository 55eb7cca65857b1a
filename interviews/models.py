"""Django loads an app's models from `<app>.models`: each part of interviews keeps its own models
module, and this index imports them all (nothing else should import from here)."""

from interviews.matching.models import MatchRequest, MatchRequestStatus, MatchWindow, RoundLease
from interviews.notifications.models import OutboxMessage
from interviews.room.models import RoomBoard, RoomBoardUpdate, RoomEvent, RoomNote, RoomPresence
from interviews.scheduling.models import AvailabilityWindow, BlockedDate, Slot, Weekday
from interviews.sessions.models import Question, Session, SessionStatus

__all__ = [
    "AvailabilityWindow",
    "BlockedDate",
    "MatchRequest",
    "MatchRequestStatus",
    "MatchWindow",
    "OutboxMessage",
    "Question",
    "RoomBoard",
    "RoomBoardUpdate",
    "RoomEvent",
    "RoomNote",
    "RoomPresence",
    "RoundLease",
    "Session",
    "SessionStatus",
    "Slot",
    "Weekday",
]
