"""Celery tasks of sessions: thin wrappers that call services."""

from celery import shared_task
from django.utils import timezone

from interviews.sessions.lifecycle import sessions_complete_ended
from interviews.sessions.messages import outbox_reminders_due


@shared_task
def complete_ended_sessions() -> int:
    return sessions_complete_ended()


@shared_task
def owe_due_reminders() -> int:
    """Every minute: write the reminders that have fallen due (the outbox sends them at once)."""
    return outbox_reminders_due(now=timezone.now())
