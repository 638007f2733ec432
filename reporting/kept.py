"""Past months' contract figures, kept so the dashboard does not work the past out on every view.

A month is kept once its figures can no longer change with time: when every 14-day window opened
in it has closed (`settled`). After that its figures change only when a record they are worked
out from changes, and then the database itself forgets the month and every later one: statement
triggers on the tables the figures read delete the kept months from the earliest month the changed
rows touch (migration 0007 installs them, its SQL written out in it, so that it stays what every
installation ran). A trigger sees every change, whichever
path made it (a service, the bundle import's bulk writes, a merge's queryset .update(), the
admin, a data migration), which a Python signal would not.

Which months a change touches (see DESIGN.md's definitions):
- a contact dated D: D's month and every later one (seen, stock in the next month, first seen and
  so new or returner ever after, the 365-day look-back of later placements);
- a placement starting S: the month of S - 14 days on (the 14-day exits of people first seen up
  to 14 days before, supported accommodation in S's month); a unit moved to another property or a
  property's type changed: every month;
- a reconnection closed on C: the month of C - 14 days on;
- a support plan starting S (and its agencies): S's month on (in force on later months' last days);
- a GP registration or appointment dated D: D's month on;
- a person's primary_care_relevant flag: the month of their earliest contact on.

A month is worked out from one consistent state of the records: whoever stores it holds an
exclusive advisory lock that every trigger takes shared before forgetting (`LOCK_KEY`), so a
change made while a month is being worked out either is seen by it or forgets it afterwards.
Storing is only tried (never waited for): while records are being changed the months are still
worked out, for the page, just not kept. The app runs at READ COMMITTED, PostgreSQL's default,
under which a trigger's DELETE sees months stored by a transaction that committed before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction

from mars.dates import add_months, first_of_month, month_bounds
from reporting import kpis, report
from reporting.models import KeptMonth

# pg_advisory_xact_lock's key for "the kept months are being stored" ("KEPT" in ASCII).
LOCK_KEY = 0x4B455054
# The months before this one that the dashboard's trend shows.
MONTHS_REFILLED = report.TREND_MONTHS - 1


def settled(month: date, as_of: date) -> bool:
    """Whether a month's figures can no longer change with time: as of the day after its last
    day's 14-day window, no member's window is open and every exit counted has happened."""
    _, last = month_bounds(month)
    return as_of >= last + timedelta(days=kpis.WINDOW_DAYS)


def _as_of(figures: dict[str, Any], as_of: date) -> dict[str, Any]:
    # A settled month's figures are the same as of any later day: only the date shown differs.
    return {**figures, "as_of": as_of.isoformat()}


def figures_for_months(months: Sequence[date], as_of: date) -> dict[date, dict[str, Any]]:
    """Every contract figure of each month, as of one date, exactly as kpis.figures_for_months
    gives them: settled months read from those kept (one query), the others worked out together
    (kpis.figures_for_months, once), the settled ones among them then kept."""
    firsts = [first_of_month(month) for month in months]
    settled_months = [month for month in firsts if settled(month, as_of)]
    found = {
        kept.month: _as_of(kept.figures, as_of)
        for kept in KeptMonth.objects.filter(month__in=settled_months)
    }
    missing = [month for month in firsts if month not in found]
    if missing:
        found.update(_work_out(missing, as_of))
    return {month: found[month] for month in firsts}


def _work_out(months: list[date], as_of: date) -> dict[date, dict[str, Any]]:
    """The months' figures from the records; the settled ones kept when nobody is changing them."""
    to_keep = [month for month in months if settled(month, as_of)]
    if not to_keep:
        return kpis.figures_for_months(months, as_of)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            (locked,) = cursor.fetchone()
        worked_out = kpis.figures_for_months(months, as_of)
        if locked:
            _keep({month: worked_out[month] for month in to_keep})
    return worked_out


def _keep(figures: dict[date, dict[str, Any]]) -> None:
    # Two viewers at once: the month is unique and the second's row is dropped, not doubled.
    KeptMonth.objects.bulk_create(
        [KeptMonth(month=month, figures=found) for month, found in figures.items()],
        ignore_conflicts=True,
    )


def refill(this_month: date, as_of: date, months: Sequence[date] | None = None) -> list[date]:
    """Work out and keep the settled months missing among `months` (by default the
    MONTHS_REFILLED before `this_month`); the months kept. Run again, it does nothing."""
    wanted = months or [add_months(this_month, -back) for back in range(MONTHS_REFILLED, 0, -1)]
    firsts = [first_of_month(month) for month in wanted if settled(first_of_month(month), as_of)]
    kept = set(KeptMonth.objects.filter(month__in=firsts).values_list("month", flat=True))
    missing = [month for month in firsts if month not in kept]
    if missing:
        _work_out(missing, as_of)
    return sorted(set(KeptMonth.objects.filter(month__in=missing).values_list("month", flat=True)))
