"""The days tests run on, named for what makes each one awkward.

A test that depends on today says which day with time-machine's marker, ticking from the
instant named here:

    @pytest.mark.time_machine(ORDINARY_DAY)
    def test_...

A test right on any day has no marker, so the suite can be run as if the machine's clock showed
another day (`--now`, or MARS_TEST_NOW: see tests/conftest.py). Every instant is in UTC, so
time-machine leaves the process's TZ alone; `london()` names them in the team's local time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in London as a UTC instant (in a repeated hour, the first of the two)."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


# Mid-month, mid-week, mid-morning, in summer time: nothing about it is a boundary.
ORDINARY_DAY = london(2027, 6, 16, 10, 30)
# A new month has begun that morning: "this month" holds almost nothing, last month is whole.
FIRST_OF_MONTH = london(2027, 7, 1, 9, 0)
# Twenty minutes into the 1st in London, still the 30th in UTC.
JUST_AFTER_MIDNIGHT = london(2027, 7, 1, 0, 20)
LAST_OF_MONTH = london(2027, 6, 30, 16, 0)
# Clocks go forward at 01:00 UTC (01:00 GMT becomes 02:00 BST): this is 02:30 BST.
SPRING_FORWARD = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
# Clocks go back at 01:00 UTC (02:00 BST becomes 01:00 GMT): this is the second 01:30 of the night.
FALL_BACK = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
NEW_YEARS_DAY = london(2028, 1, 1, 10, 0)
LEAP_DAY = london(2028, 2, 29, 10, 0)
