"""Celery tasks of sessions: thin wrappers that call services."""

from celery import shared_task

from interviews.sessions.lifecycle import sessions_complete_ended


@shared_task
def complete_ended_sessions() -> int:
    return sessions_complete_ended()
