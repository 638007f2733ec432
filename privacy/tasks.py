"""The monthly retention run (CELERY_BEAT_SCHEDULE in mars/settings.py)."""

from __future__ import annotations

from celery import shared_task

from privacy.models import RunTrigger
from privacy.services import RetentionError, run_retention


@shared_task
def run_retention_schedule() -> int | None:
    """Anonymise everyone past the schedule and remove the access log past its keeping; a run
    already under way (a retry, a second worker) is left to finish: returns its people count."""
    try:
        run = run_retention(by=None, trigger=RunTrigger.SCHEDULE)
    except RetentionError:
        return None
    return run.anonymised_count
