"""Reporting's background work (Celery; beat: settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from mars.dates import first_of_month, parse_month
from reporting import imports, kept, services


@shared_task
def make_report(run_id: int) -> None:
    """Make one report run; a second delivery of the same run does nothing."""
    services.make_report(run_id)


@shared_task
def start_monthly_report() -> int:
    """On the 15th: the month before's report (started once, however often beat fires)."""
    return services.start_scheduled_run().pk


@shared_task
def requeue_stalled_runs() -> list[int]:
    """Every minute: runs whose worker died go back in the queue (or fail after too many tries)."""
    return [run.pk for run in services.requeue_stalled_runs()]


@shared_task
def keep_past_months(months: list[str] | None = None) -> list[str]:
    """Overnight (and whenever queued): work out and keep the settled months the dashboard's
    trend will read that are missing (forgotten after a change), so the next view reads them
    all; months as YYYY-MM, by default the trend's months before this one. A second run does
    nothing."""
    today = timezone.localdate()
    wanted = [parse_month(month) for month in months] if months else None
    return [f"{month:%Y-%m}" for month in kept.refill(first_of_month(today), today, wanted)]


@shared_task
def import_bundle(job_id: int) -> None:
    """Import one uploaded bundle; a second delivery of the same job does nothing."""
    imports.run_import(job_id)


@shared_task
def sweep_bundle_imports() -> dict[str, list[int]]:
    """Every five minutes: imports whose worker died or whose task was lost are failed and their
    files deleted; ended imports past BUNDLE_IMPORT_KEEP_DAYS are deleted. A second run does
    nothing."""
    return imports.sweep_imports()
