from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = "Interviews"

    def ready(self):
        # Message kinds and Celery tasks register on import (services queue tasks by name).
        from accounts.hooks import hooks as account_hooks
        from interviews.leaving import member_erase
        from interviews.matching import messages, tasks  # noqa: F401
        from interviews.notifications import tasks as notification_tasks  # noqa: F401
        from interviews.notifications.account_emails import outbox_account_email
        from interviews.scheduling import tasks as scheduling_tasks  # noqa: F401
        from interviews.scheduling.hooks import hooks as scheduling_hooks
        from interviews.sessions import messages as session_messages  # noqa: F401
        from interviews.sessions import tasks as session_tasks  # noqa: F401
        from interviews.sessions.lifecycle import sessions_follow_profile
        from interviews.sessions.selectors import sessions_holding, slot_booked

        # Scheduling sits below sessions: sessions tell it which slots are booked.
        scheduling_hooks.install(slot_booked=slot_booked, sessions_holding=sessions_holding)
        # Accounts sit below interviews: a member's sessions and slots follow their profile, what is
        # theirs alone goes when they leave, and account e-mails go through the outbox.
        account_hooks.install(
            profile_changed=sessions_follow_profile,
            member_erased=member_erase,
            email_send=outbox_account_email,
        )
