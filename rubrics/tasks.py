"""Celery tasks for rubrics: thin wrappers that call services."""

from celery import shared_task

from rubrics.refit import placement_refit


@shared_task
def refit_placement(force: bool = False) -> int | None:
    """After each submitted evaluation (on commit), and nightly with force: refit placements."""
    fitted = placement_refit(force=force)
    return fitted.evaluations if fitted else None
