"""Celery tasks: thin wrappers that call services. Each is safe to run twice at once."""

from celery import shared_task

from interviews.services.availability import slots_generate_all
from interviews.services.lifecycle import sessions_complete_ended
from interviews.services.matching import matching_round
from interviews.services.notifications import outbox_dispatch


@shared_task
def generate_slots() -> int:
    """Daily: roll every interviewer's slots forward (creates the new 28th day)."""
    return slots_generate_all()


@shared_task
def complete_ended_sessions() -> int:
    return sessions_complete_ended()


DISPATCH_BATCH = 1000


@shared_task
def dispatch_outbox() -> int:
    """Every minute, and right after an event commits: send what is due.

    A full batch means more may be waiting: the task queues itself again at once, so a
    backlog drains without waiting for the next minute, in bounded steps.
    """
    sent = outbox_dispatch(limit=DISPATCH_BATCH)
    if sent == DISPATCH_BATCH:
        dispatch_outbox.delay()
    return sent


@shared_task
def run_matching_round() -> dict:
    """Every 5 minutes; a round already running makes this one return at once."""
    return matching_round()
