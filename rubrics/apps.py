from django.apps import AppConfig


class RubricsConfig(AppConfig):
    name = "rubrics"
    verbose_name = "Rubrics"

    def ready(self):
        # Sessions sit below rubrics and never import them: rubrics supplies what they need to
        # know (ratings for ranking, whether a session was evaluated, the rubric's panel on the
        # session page) and asks for the rubric when sessions complete.
        from accounts.hooks import hooks as account_hooks
        from interviews.room.hooks import hooks as room_hooks
        from interviews.sessions.hooks import hooks
        from rubrics import tasks  # noqa: F401  (registers the refit task with Celery)
        from rubrics.messages import outbox_rubrics_requested
        from rubrics.selectors import (
            evaluation_submitted_exists,
            interviewer_reputation,
            room_note_dimensions,
            session_rubric_context,
        )
        from rubrics.services import interviewer_vetted, placement_erase

        hooks.install(
            reputation=interviewer_reputation,
            is_evaluated=evaluation_submitted_exists,
            sessions_completed=outbox_rubrics_requested,
            page_context=session_rubric_context,
            member_erased=placement_erase,
        )
        # Notes in the interview room are tagged with the rubric's dimensions.
        room_hooks.install(note_dimensions=room_note_dimensions)
        # Vetting an interviewer confirms their provisional evaluations.
        account_hooks.install(interviewer_vetted=interviewer_vetted)
