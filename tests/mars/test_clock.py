"""The named days in tests/clock.py are the awkward days their names promise."""

from __future__ import annotations

from datetime import timedelta

from tests.clock import (
    FALL_BACK,
    FIRST_OF_MONTH,
    JUST_AFTER_MIDNIGHT,
    LAST_OF_MONTH,
    LEAP_DAY,
    LONDON,
    NEW_YEARS_DAY,
    ORDINARY_DAY,
    SPRING_FORWARD,
)

HOUR = timedelta(hours=1)


def local(instant):  # type: ignore[no-untyped-def]
    return instant.astimezone(LONDON)


def test_spring_forward_is_in_the_hour_after_the_clocks_go_forward() -> None:
    assert local(SPRING_FORWARD - HOUR).utcoffset() == timedelta(0)
    assert local(SPRING_FORWARD).utcoffset() == HOUR
    assert f"{local(SPRING_FORWARD):%Y-%m-%d %H:%M}" == "2027-03-28 02:30"


def test_fall_back_is_the_second_time_the_clock_shows_its_hour() -> None:
    first, second = local(FALL_BACK - HOUR), local(FALL_BACK)
    assert f"{first:%Y-%m-%d %H:%M}" == f"{second:%Y-%m-%d %H:%M}" == "2027-10-31 01:30"
    assert (first.utcoffset(), second.utcoffset()) == (HOUR, timedelta(0))


def test_the_month_days_fall_where_their_names_say() -> None:
    assert local(FIRST_OF_MONTH).day == 1
    assert (local(LAST_OF_MONTH) + timedelta(days=1)).day == 1
    assert local(ORDINARY_DAY).day not in (1, 2, 3, 28, 29, 30, 31)
    assert f"{local(NEW_YEARS_DAY):%m-%d}" == "01-01"
    assert f"{local(LEAP_DAY):%m-%d}" == "02-29"


def test_just_after_midnight_is_a_new_day_in_london_but_not_in_utc() -> None:
    assert local(JUST_AFTER_MIDNIGHT).date() == JUST_AFTER_MIDNIGHT.date() + timedelta(days=1)
    assert local(JUST_AFTER_MIDNIGHT).day == 1
