"""Celery tasks of the outbox: thin wrappers that call services. Safe to run twice at once."""

from celery import shared_task

from interviews.notifications.outbox import outbox_dispatch

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
