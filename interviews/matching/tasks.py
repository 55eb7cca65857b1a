"""Celery tasks of matching: thin wrappers that call services."""

from celery import shared_task

from interviews.matching.services import matching_round


@shared_task
def run_matching_round() -> dict:
    """Every 5 minutes; a round already running makes this one return at once."""
    return matching_round()
