"""What the sessions part needs to know from rubrics, supplied by rubrics at start-up
(interviews never imports rubrics; see accounts.hooks)."""

from collections.abc import Iterable

from accounts.hooks import Hooks


class SessionHooks(Hooks):
    @staticmethod
    def reputation(interviewer_ids: Iterable[int]) -> dict[int, tuple[float, int]]:
        """{interviewer id: (candidates' average rating, count)}: slots and matching rank by it."""
        return {}

    @staticmethod
    def is_evaluated(session) -> bool:
        """The session's evaluation was submitted (so it took place: no no-show report)."""
        return False

    @staticmethod
    def sessions_completed(sessions: list) -> None:
        """Called in the transaction that marks sessions completed (rubrics asks for the rubric)."""

    @staticmethod
    def page_context(user, session) -> dict:
        """More for the session page, for `user` (a party to the session): the rubric's panel, and
        `evaluated` when its evaluation was submitted."""
        return {}

    @staticmethod
    def member_erased(user) -> None:
        """A member left (interviews.leaving): rubrics deletes what is theirs alone."""


hooks = SessionHooks()
