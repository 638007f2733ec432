"""Risk's scheduled work (Celery beat: settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from risk.reminders import send_reminders


@shared_task
def send_risk_reminders() -> int:
    """The nightly reminders; safe to run again (it sends only what is new)."""
    return send_reminders().total
