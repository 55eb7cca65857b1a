"""Celery tasks of scheduling: thin wrappers that call services."""

from celery import shared_task

from interviews.scheduling.services import slots_generate_all


@shared_task
def generate_slots() -> int:
    """Daily: roll every interviewer's slots forward (creates the new 28th day)."""
    return slots_generate_all()
