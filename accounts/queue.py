"""Queueing a Celery task after the current transaction commits: the one way every app does it.

Tasks are named, not imported, so a service never imports a tasks module (tasks import services).
"""

import logging

from celery import current_app
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *, coalesce_seconds: int = 0) -> None:
    """Queue `task_name` once the transaction commits (at once outside one).

    With `coalesce_seconds`, a burst of calls shares one queued task: a cache key marks one as
    queued for that long. The broker or cache being away loses nothing: every task queued this
    way is also run by beat, so the periodic run covers it.
    """

    def send() -> None:
        try:
            if coalesce_seconds and not cache.add(f"queued:{task_name}", 1, timeout=coalesce_seconds):
                return
            current_app.tasks[task_name].delay()
        except Exception:  # see the docstring: the periodic run covers it
            logger.warning("could not queue %s; the periodic run will do it", task_name, exc_info=True)

    transaction.on_commit(send)
