"""Past months' contract figures, kept so the dashboard does not work the past out on every view.

A month is kept once its figures can no longer change with time: when every 14-day window opened
in it has closed (`settled`). After that its figures change only when a record they are worked
out from changes, and then the database itself forgets the month and every later one: statement
triggers on the tables the figures read (installed by migration 0007, SQL below) delete the kept
months from the earliest month the changed rows touch. A trigger sees every change, whichever
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

# Forget the kept months from the month of `earliest` on (every month for a very early day).
FORGET_FUNCTION = f"""
CREATE OR REPLACE FUNCTION reporting_kept_forget_from(earliest date) RETURNS void AS $$
BEGIN
    IF earliest IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock_shared({LOCK_KEY});
    DELETE FROM reporting_keptmonth WHERE month >= date_trunc('month', earliest)::date;
END;
$$ LANGUAGE plpgsql;
"""

EVERY_MONTH = "DATE '0001-01-01'"


def _changed_function(name: str, earliest: str, columns: Sequence[str], where: str = "") -> str:
    """A statement trigger's function: the earliest day the inserted, deleted or changed rows
    touch (`earliest`, an aggregate over rows `r`), for updates only rows whose `columns` changed;
    `where` narrows the rows (r.kind = ...)."""
    narrow = f"WHERE {where}" if where else ""
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in columns)
    both = ", ".join(columns)
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
DECLARE
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT {earliest} INTO earliest FROM new_rows r {narrow};
    ELSIF TG_OP = 'DELETE' THEN
        SELECT {earliest} INTO earliest FROM old_rows r {narrow};
    ELSE
        SELECT {earliest} INTO earliest FROM (
            SELECT o.id, {", ".join(f"o.{c}" for c in columns)} FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE {changed}
            UNION ALL
            SELECT n.id, {", ".join(f"n.{c}" for c in columns)} FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE {changed}
        ) AS r ({"id, " + both}) {narrow};
    END IF;
    PERFORM reporting_kept_forget_from(earliest);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


# (table, function, earliest day touched, columns the figures read, narrowing condition, events)
WATCHED: list[tuple[str, str, str, list[str], str, tuple[str, ...]]] = [
    (
        "outreach_contact",
        "reporting_kept_contact_changed",
        "min((r.at AT TIME ZONE 'Europe/London')::date)",
        ["at", "client_id", "bedded_down"],
        "",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    (
        "accommodation_placement",
        "reporting_kept_placement_changed",
        f"min(r.start) - {kpis.WINDOW_DAYS}",
        ["start", "client_id", "unit_id"],
        "",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    (
        "outreach_intervention",
        "reporting_kept_intervention_changed",
        f"min(r.closed) - {kpis.WINDOW_DAYS}",
        ["kind", "closed", "outcome", "client_id"],
        "r.kind = 'reconnection'",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    (
        "clients_supportplan",
        "reporting_kept_plan_changed",
        "min(r.start)",
        ["start", '"end"', "client_id"],
        "",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    (
        "clients_supportplan_agencies",
        "reporting_kept_plan_agencies_changed",
        # A plan already gone leaves no start to go by: every month.
        "min(coalesce((SELECT p.start FROM clients_supportplan p WHERE p.id = r.supportplan_id), "
        f"{EVERY_MONTH}))",
        ["supportplan_id", "agency_id"],
        "",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    (
        "clients_healthaccess",
        "reporting_kept_health_access_changed",
        "min(r.date)",
        ["kind", "date", "client_id"],
        "r.kind IN ('gp_registration', 'gp_appointment')",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    (
        "clients_client",
        "reporting_kept_client_changed",
        # A new person has no contacts yet, and one with contacts cannot be deleted (PROTECT).
        "min((SELECT min((c.at AT TIME ZONE 'Europe/London')::date) FROM outreach_contact c "
        "WHERE c.client_id = r.id))",
        ["primary_care_relevant"],
        "",
        ("UPDATE",),
    ),
    (
        "accommodation_unit",
        "reporting_kept_unit_changed",
        f"min({EVERY_MONTH})",
        ["property_id"],
        "",
        ("UPDATE",),
    ),
    (
        "accommodation_property",
        "reporting_kept_property_changed",
        f"min({EVERY_MONTH})",
        ["type"],
        "",
        ("UPDATE",),
    ),
]


def _trigger_sql(table: str, function: str, event: str) -> str:
    name = f"reporting_kept_{event.lower()}"
    tables = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    return (
        f'DROP TRIGGER IF EXISTS {name} ON "{table}";\n'
        f'CREATE TRIGGER {name} AFTER {event} ON "{table}" REFERENCING {tables} '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
    )


def install_sql() -> str:
    """The functions and triggers that forget kept months when their records change."""
    parts = [FORGET_FUNCTION]
    for table, function, earliest, columns, where, events in WATCHED:
        parts.append(_changed_function(function, earliest, columns, where))
        parts.extend(_trigger_sql(table, function, event) for event in events)
    return "\n".join(parts)


def remove_sql() -> str:
    parts: list[str] = []
    for table, function, _, _, _, events in WATCHED:
        parts.extend(
            f'DROP TRIGGER IF EXISTS reporting_kept_{event.lower()} ON "{table}";'
            for event in events
        )
        parts.append(f"DROP FUNCTION IF EXISTS {function}();")
    parts.append("DROP FUNCTION IF EXISTS reporting_kept_forget_from(date);")
    return "\n".join(parts)


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
