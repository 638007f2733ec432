"""The team's scheduled work (Celery beat: settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from team.reminders import send_supervision_reminders


@shared_task
def remind_supervision_overdue() -> int:
    """The nightly supervision reminders; safe to run again (it sends only what is new)."""
    return send_supervision_reminders()
