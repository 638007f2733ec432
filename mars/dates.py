"""Local (Europe/London) days as the service counts them, and the instants that bound them."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone


def day_start(day: date) -> datetime:
    """The instant a local day begins (clock changes included: zoneinfo picks the right offset)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of first, start of the day after last): every instant of local days first..last."""
    return day_start(first), day_start(last + timedelta(days=1))


class NoSuchLocalTime(ValueError):
    """A wall-clock time that names no instant, or two, on a London clock."""


def local_instant(wall: datetime) -> datetime:
    """The instant a London wall-clock time names.

    Rules: a time the clocks skip (01:30 on the last Sunday of March) names no instant, and one
    they repeat (01:30 on the last Sunday of October) names two: both are refused, never guessed,
    since a guess moves a sighting by an hour and can move it to another day.
    """
    zone = timezone.get_current_timezone()
    earlier, later = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier
    # Through UTC and back (astimezone to the same zone would change nothing): a skipped time
    # comes back as another wall time.
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise NoSuchLocalTime(
            f"{wall:%H:%M} on {uk_date(wall.date())} does not exist in London (the clocks go "
            "forward from 01:00 to 02:00): check the time, or give it with its UTC offset"
        )
    first, second = (earlier.strftime("%z"), later.strftime("%z"))
    raise NoSuchLocalTime(
        f"{wall:%H:%M} on {uk_date(wall.date())} happens twice in London (the clocks go back an "
        f"hour at 02:00): give the UTC offset, {first[:3]}:{first[3:]} for the first, "
        f"{second[:3]}:{second[3:]} for the second"
    )


def local_date(instant: datetime) -> date:
    return timezone.localtime(instant).date()


def first_of_month(day: date) -> date:
    """The first day of the calendar month a day falls in."""
    return day.replace(day=1)


def previous_month(day: date) -> date:
    """The first day of the calendar month before the one a day falls in."""
    return add_months(first_of_month(day), -1)


def next_month(day: date) -> date:
    """The first day of the calendar month after the one a day falls in."""
    return add_months(first_of_month(day), 1)


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last days of the calendar month a day falls in."""
    first = first_of_month(month)
    return first, next_month(first) - timedelta(days=1)


# The months anyone may ask figures for. Each figure looks back five years and forward a year or
# so, which stays inside the years a date can hold (1 to 9999); nothing the team records is older
# than the first, and a later one is a slip of the keyboard.
FIRST_MONTH = date(1900, 1, 1)
LAST_MONTH = date(2999, 12, 1)


class MonthError(ValueError):
    """Text that is not a calendar month the service can count (the message says why)."""


def parse_month(text: str) -> date:
    """ "2026-10" as 1 October 2026.

    Rules: exactly YYYY-MM (surrounding spaces allowed); a real month; from FIRST_MONTH to
    LAST_MONTH, so every month before or after it that a figure reaches is a real date too.
    """
    parts = text.strip().split("-")
    if (
        len(parts) != 2
        or not all(part.isascii() and part.isdigit() for part in parts)
        or len(parts[0]) != 4
        or len(parts[1]) != 2
        or not 1 <= int(parts[1]) <= 12
    ):
        raise MonthError(f'"{text}" is not a month: write it as YYYY-MM, e.g. 2026-10.')
    year, month = int(parts[0]), int(parts[1])
    if not FIRST_MONTH.year <= year <= LAST_MONTH.year:
        raise MonthError(
            f"Choose a month from {FIRST_MONTH:%Y-%m} to {LAST_MONTH:%Y-%m}; {text.strip()} "
            "is out of range."
        )
    return date(year, month, 1)


# A phone's clock a little ahead of the server's must not refuse a record made just now.
FUTURE_GRACE = timedelta(minutes=5)


def is_future(instant: datetime) -> bool:
    """Whether an instant is still to come, allowing a few minutes' drift between clocks."""
    return instant > timezone.now() + FUTURE_GRACE


def uk_date(day: date) -> str:
    """A date as the team reads it in messages: 31/12/2026."""
    return f"{day:%d/%m/%Y}"


def uk_datetime(instant: datetime) -> str:
    """An instant as the team reads it, in local time: 31/12/2026 14:30."""
    return f"{timezone.localtime(instant):%d/%m/%Y %H:%M}"


def age_on(born: date, day: date) -> int:
    """Completed years on a day (a 29 February birthday falls on 1 March in other years)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def financial_year(day: date) -> int:
    """The UK financial year a day falls in, named by the year it starts (1 April to 31 March)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_bounds(year: int) -> tuple[date, date]:
    """The first and last days of a financial year: 1 April `year` to 31 March `year + 1`."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def financial_year_label(year: int) -> str:
    """ "2026/27", as finance teams write it."""
    return f"{year}/{(year + 1) % 100:02d}"


def not_in_future(value: date) -> None:
    """Dates of things that have happened (births, consent, appointments) are not after today."""
    if value > timezone.localdate():
        raise ValidationError("This date cannot be in the future.", code="future_date")
