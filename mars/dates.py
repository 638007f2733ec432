"""Local (Europe/London) days as the service counts them, and the instants that bound them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_start(day: date) -> datetime:
    """The instant a local day begins (clock changes included: zoneinfo picks the right offset)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of first, start of the day after last): every instant of local days first..last."""
    return day_start(first), day_start(last + timedelta(days=1))


def local_date(instant: datetime) -> date:
    return timezone.localtime(instant).date()
