"""What the room needs to know from rubrics, supplied by rubrics at start-up (see accounts.hooks)."""

from accounts.hooks import Hooks


class RoomHooks(Hooks):
    @staticmethod
    def note_dimensions(session) -> list[tuple[str, str]]:
        """The rubric dimensions (key, title) a note in this session's room can be tagged with."""
        return []


hooks = RoomHooks()
