from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = "Interviews"

    def ready(self):
        # Message kinds register on import; tasks register with Celery on import (services
        # queue them by name); scheduling learns from sessions which slots are booked.
        from interviews.matching import messages, tasks  # noqa: F401
        from interviews.notifications import tasks as notifications_tasks  # noqa: F401
        from interviews.scheduling import tasks as scheduling_tasks  # noqa: F401
        from interviews.scheduling.hooks import hooks
        from interviews.sessions import messages as session_messages  # noqa: F401
        from interviews.sessions import tasks as sessions_tasks  # noqa: F401
        from interviews.sessions.selectors import sessions_holding, slot_booked

        hooks.install(slot_booked=slot_booked, sessions_holding=sessions_holding)
