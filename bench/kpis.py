"""KPI speed against the floor: the month's contract figures from one hand-written SQL statement.

Prints, through bench.goals.goal, in the same run:
- kpi month / SQL floor: `kpis.figures` for one month against `FLOOR_SQL` (checked equal, key for
  key, for that month and each month of the trend: the script stops loudly if they differ);
- 12-month trend / one month: `kpis.figures_for_months` over 12 months against one month;
- late month / early month: the same month with six years of history behind it, then with one
  year: the history is copied without everything dated more than 12 months before the month into
  a schema of its own, put first on the search path, inside the transaction that is rolled back
  (deleting rows in the transaction would leave them in the tables and indexes for every scan to
  step over, so it would not measure one year of history);
- watch list late / early: the 14-day watch list on the same two databases.

With BENCH_NATIONAL=1 it measures the data already in the database (bench/national.py loads it)
and changes nothing; otherwise it seeds its own (BENCH_KPI_PEOPLE, default 20,000 people, about
12 contacts each over six years, skewed: most seen a few times, a long tail weekly for years).
Everything happens in one transaction that is rolled back.
"""

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accommodation.models import Placement, Property, PropertyType, Unit  # noqa: E402
from bench.goals import goal  # noqa: E402
from clients.models import Agency, Client, HealthAccess, SupportPlan  # noqa: E402
from mars.dates import add_months, day_start, month_bounds, next_month  # noqa: E402
from mars.numbers import percent  # noqa: E402
from outreach.models import Contact, Intervention  # noqa: E402
from reporting import kpis  # noqa: E402

NATIONAL = os.environ.get("BENCH_NATIONAL") == "1"
PEOPLE = int(os.environ.get("BENCH_KPI_PEOPLE", "20000"))
CONTACTS_EACH = 12  # on average: most people far fewer, a long tail far more
PERIOD = date(2026, 10, 1)
AS_OF = date(2026, 11, 20)
HISTORY_FROM = date(2020, 11, 1)  # six years before the as-of date
KEPT_MONTHS = 12  # the early measurement keeps this many months of history before the month


class Rollback(Exception):
    pass


def timed(label: str, run: Callable[[], object], repeat: int = 5, floor: float = 0) -> float:
    """Print the median and worst time (and, given a floor, the median as a multiple of it)."""
    samples = []
    with CaptureQueriesContext(connection) as queries:
        run()
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    ratio = f"   {median / floor:6.1f} x floor" if floor else ""
    print(
        f"{label:<44} median {median:8.1f} ms   max {max(samples):8.1f} ms"
        f"   {len(queries)} queries{ratio}"
    )
    return median


def alternated(
    run: Callable[[], object], against: Callable[[], object], repeat: int = 9
) -> tuple[float, float, float, float]:
    """Median times of two computations run turn about (on a machine others load, both meet the
    same load), with the lowest and highest ratio of a pair."""
    first, second, ratios = [], [], []
    run()
    against()
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        middle = time.perf_counter()
        against()
        first.append(middle - start)
        second.append(time.perf_counter() - middle)
        ratios.append(first[-1] / second[-1])
    return (
        statistics.median(first) * 1000,
        statistics.median(second) * 1000,
        min(ratios),
        max(ratios),
    )


def read_the_month() -> None:
    """What any month's figures must at least do: read the month's contacts once (bench/rsdf.py's
    floor)."""
    start, end = day_start(PERIOD), day_start(next_month(PERIOD))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT client_id) FROM outreach_contact "
            "WHERE at >= %s AND at < %s",
            [start, end],
        )
        cursor.fetchall()


# Every contract figure of one month in one statement, written from DESIGN.md's definitions
# directly (not from the engine): seen in P, first seen (no bedded-down contact before P), seen in
# P-1, and so on, each a count. Parameters: P's first and last days and their instants, P-1's
# first instant, the as-of date.
FLOOR_SQL = """
WITH month AS (
    SELECT client_id, min(at) FILTER (WHERE bedded_down) AS first_at,
        count(*) FILTER (WHERE bedded_down) AS sightings
    FROM outreach_contact
    WHERE at >= %(start)s AND at < %(end)s
    GROUP BY client_id
), kinds AS (
    SELECT m.client_id, m.first_at,
        EXISTS (SELECT 1 FROM outreach_contact e WHERE e.client_id = m.client_id
                AND e.bedded_down AND e.at < %(start)s) AS before,
        EXISTS (SELECT 1 FROM outreach_contact e WHERE e.client_id = m.client_id
                AND e.bedded_down AND e.at >= %(previous)s AND e.at < %(start)s) AS in_previous
    FROM month m WHERE m.client_id IS NOT NULL AND m.sightings > 0
), new AS (
    SELECT client_id, (first_at AT TIME ZONE 'Europe/London')::date AS d
    FROM kinds WHERE NOT before
), exits AS (
    SELECT n.d, (
        EXISTS (SELECT 1 FROM accommodation_placement p WHERE p.client_id = n.client_id
                AND p.start >= n.d AND p.start <= least(n.d + 14, %(as_of)s))
        OR EXISTS (SELECT 1 FROM outreach_intervention i WHERE i.client_id = n.client_id
                AND i.kind = 'reconnection' AND i.outcome = 'reconnected'
                AND i.closed >= n.d AND i.closed <= least(n.d + 14, %(as_of)s))
    ) AS left_streets
    FROM new n
), reconnections AS (
    SELECT client_id, bool_or(outcome = 'reconnected') AS reconnected
    FROM outreach_intervention
    WHERE kind = 'reconnection' AND closed >= %(first)s AND closed <= %(last)s
        AND outcome IN ('reconnected', 'declined', 'failed')
    GROUP BY client_id
), contacted AS (
    SELECT m.client_id FROM month m
    WHERE m.client_id IS NOT NULL
        AND (SELECT p.primary_care_relevant FROM clients_client p WHERE p.id = m.client_id)
)
SELECT
    (SELECT count(*) FROM kinds),
    (SELECT count(*) FROM kinds WHERE NOT before),
    (SELECT count(*) FROM kinds WHERE in_previous),
    (SELECT count(*) FROM kinds WHERE before AND NOT in_previous),
    (SELECT coalesce(sum(sightings), 0) FROM month WHERE client_id IS NULL),
    (SELECT count(*) FROM exits WHERE left_streets),
    (SELECT count(*) FROM exits WHERE NOT left_streets AND %(as_of)s < d + 14),
    (SELECT count(DISTINCT p.client_id)
        FROM accommodation_placement p
        JOIN accommodation_unit u ON u.id = p.unit_id
        JOIN accommodation_property t ON t.id = u.property_id
        WHERE p.start >= %(first)s AND p.start <= %(last)s
            AND t.type IN ('hostel', 'supported_housing', 'mars_house', 'housing_first')
            AND EXISTS (SELECT 1 FROM outreach_contact c WHERE c.client_id = p.client_id
                AND c.bedded_down
                AND c.at >= (p.start - 364)::timestamp AT TIME ZONE 'Europe/London'
                AND c.at < (p.start + 1)::timestamp AT TIME ZONE 'Europe/London')),
    (SELECT count(*) FILTER (WHERE reconnected) FROM reconnections),
    (SELECT count(*) FROM reconnections),
    (SELECT count(DISTINCT s.client_id) FROM clients_supportplan s
        WHERE s.start <= %(last)s AND (s.end IS NULL OR s.end >= %(last)s)
            AND EXISTS (SELECT 1 FROM clients_supportplan_agencies a
                WHERE a.supportplan_id = s.id)),
    (SELECT count(*) FROM contacted c WHERE EXISTS (SELECT 1 FROM clients_healthaccess h
        WHERE h.client_id = c.client_id AND h.kind IN ('gp_registration', 'gp_appointment')
            AND h.date <= %(last)s)),
    (SELECT count(*) FROM contacted)
"""


def floor_figures(period: date, as_of: date) -> dict[str, Any]:
    """The month's figures from FLOOR_SQL, in the contract's JSON shape."""
    first, last = month_bounds(period)
    with connection.cursor() as cursor:
        cursor.execute(
            FLOOR_SQL,
            {
                "start": day_start(first),
                "end": day_start(last + timedelta(days=1)),
                "previous": day_start(add_months(first, -1)),
                "first": first,
                "last": last,
                "as_of": as_of,
            },
        )
        row = cursor.fetchone()
    (seen, new, stock, returners, unidentified, left, window_open) = row[:7]
    supported, reconnected, closed, plans, accessed, contacted = row[7:]
    denominator = new - window_open
    return {
        "period": f"{first:%Y-%m}",
        "as_of": as_of.isoformat(),
        "rough_sleepers": {
            "seen": seen,
            "new": new,
            "stock": stock,
            "returners": returners,
            "unidentified_sightings": unidentified,
        },
        "left_streets_within_14_days": {
            "numerator": left,
            "denominator": denominator,
            "percent": percent(left, denominator),
            "window_open": window_open,
        },
        "supported_accommodation_access": {"count": supported},
        "reconnected": {
            "numerator": reconnected,
            "denominator": closed,
            "percent": percent(reconnected, closed),
        },
        "multi_agency_support_plans": {"count": plans},
        "primary_care_access": {
            "numerator": accessed,
            "denominator": contacted,
            "percent": percent(accessed, contacted),
        },
    }


def check_equal(engine: dict[str, Any], floor: dict[str, Any], what: str) -> None:
    """Fail loudly when the engine and the hand-written statement disagree."""
    if engine != floor:
        print(f"MISMATCH for {what}:\n  engine {engine}\n  floor  {floor}")
        raise SystemExit(f"bench/kpis.py: the engine and the SQL floor disagree on {what}")


def _copy(rows: list[tuple[Any, ...]], table: str, columns: list[str]) -> None:
    """Write rows with COPY (the seed is scaffolding, not the import under test)."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _history(rng: random.Random, last_day: date) -> list[date]:
    """The days one person is seen, skewed as outreach data is: most a few times over a few weeks,
    some for a few months, a long tail about weekly for years."""
    span_days = (last_day - HISTORY_FROM).days
    roll = rng.random()
    if roll < 0.68:
        count, gap = rng.randint(1, 4), 7
    elif roll < 0.92:
        count, gap = rng.randint(5, 20), 10
    else:
        count, gap = rng.randint(50, 150), 7
    first = HISTORY_FROM + timedelta(days=rng.randint(0, span_days))
    days, day = [], first
    for _ in range(count):
        if day > last_day:
            break
        days.append(day)
        day += timedelta(days=rng.randint(1, 2 * gap))
    return days


CONTACT_COLUMNS = [
    *["client_id", "description", "at", "kind", "bedded_down", "verification", "created_at"],
    *["worker_id", "location", "engagement", "needs_observed", "notes", "sensitive"],
]


def seed(rng: random.Random) -> None:
    """PEOPLE people over six years up to the day before AS_OF, with placements (of every type),
    reconnections, support plans with agencies, and health access."""
    worker = get_user_model().objects.create(username="bench-worker")
    agency = Agency.objects.create(key="bench-agency", name="Bench agency")
    properties = [
        Property.objects.create(key=f"bench-{kind}", name=f"Bench {kind}", type=kind)
        for kind in PropertyType.values
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('clients_client', 'id')) "
            "FROM generate_series(1, %s)",
            [PEOPLE],
        )
        ids = [row[0] for row in cursor.fetchall()]
    Client.objects.bulk_create(
        (
            Client(
                id=pk,
                reference=Client.reference_for(pk),
                first_name=f"P{pk}",
                primary_care_relevant=rng.random() < 0.9,
            )
            for pk in ids
        ),
        batch_size=5000,
    )
    last_day = AS_OF - timedelta(days=1)
    now = day_start(AS_OF)
    contacts: list[tuple[Any, ...]] = []
    placed: list[tuple[int, date, date | None]] = []
    interventions, plans, health = [], [], []
    for pk in ids:
        days = _history(rng, last_day)
        for day in days:
            at: datetime = day_start(day) + timedelta(hours=6, minutes=rng.randint(0, 120))
            bedded = rng.random() < 0.85
            contacts.append((pk, "", at, "street_outreach" if bedded else "office", bedded, bedded))
            if rng.random() < 0.02:
                contacts.append(
                    (None, "person in a sleeping bag", at, "street_outreach", True, True)
                )
        seen, roll = days[0], rng.random()
        if roll < 0.4:
            start = seen + timedelta(days=rng.randint(0, 40))
            if start <= last_day:
                end = start + timedelta(days=rng.randint(10, 400))
                placed.append((pk, start, end if end <= last_day and rng.random() < 0.7 else None))
        if roll > 0.9:
            closed = seen + timedelta(days=rng.randint(0, 20))
            if closed <= last_day:
                interventions.append(
                    Intervention(
                        client_id=pk,
                        kind="reconnection",
                        opened=seen,
                        closed=closed,
                        outcome=rng.choice(["reconnected", "declined", "failed", "exempt"]),
                        worker=worker,
                    )
                )
        if rng.random() < 0.3:
            start = seen + timedelta(days=rng.randint(0, 60))
            end = start + timedelta(days=rng.randint(30, 700))
            plans.append(
                SupportPlan(client_id=pk, start=start, end=end if rng.random() < 0.8 else None)
            )
        if rng.random() < 0.5:
            kind = rng.choice(["gp_registration", "gp_appointment", "dental"])
            on = min(seen + timedelta(days=rng.randint(0, 300)), last_day)
            health.append(HealthAccess(client_id=pk, kind=kind, date=on))
    # In the order a team logging day by day writes them (a month's contacts lie together).
    contacts.sort(key=lambda row: row[2])
    _copy(
        [
            (
                *row[:5],
                "seen_by_worker" if row[5] else "",
                now,
                worker.pk,
                "",
                "engaged",
                [],
                "",
                False,
            )
            for row in contacts
        ],
        "outreach_contact",
        CONTACT_COLUMNS,
    )
    units = Unit.objects.bulk_create(
        (
            Unit(property=properties[n % len(properties)], name=f"Unit {n}")
            for n in range(len(placed))
        ),
        batch_size=10000,
    )
    Placement.objects.bulk_create(
        (
            Placement(
                client_id=pk,
                unit=unit,
                start=start,
                end=end,
                end_reason="planned_move_on" if end else "",
            )
            for unit, (pk, start, end) in zip(units, placed, strict=True)
        ),
        batch_size=10000,
    )
    Intervention.objects.bulk_create(interventions, batch_size=10000)
    made = SupportPlan.objects.bulk_create(plans, batch_size=10000)
    SupportPlan.agencies.through.objects.bulk_create(
        (
            SupportPlan.agencies.through(supportplan_id=plan.pk, agency_id=agency.pk)
            for plan in made
            if rng.random() < 0.8
        ),
        batch_size=10000,
    )
    HealthAccess.objects.bulk_create(health, batch_size=10000)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE outreach_contact; ANALYZE accommodation_placement; "
            "ANALYZE outreach_intervention; ANALYZE clients_supportplan; ANALYZE clients_client; "
            "ANALYZE clients_healthaccess; ANALYZE clients_supportplan_agencies"
        )


# The early database: the same tables with nothing dated before the cut (a row is kept while its
# latest date is on or after it: an ongoing placement or plan is the present, not history).
EARLY_ROWS = {
    "outreach_contact": "at >= %(cut_at)s",
    "accommodation_placement": "coalesce(\"end\", '9999-12-31') >= %(cut)s",
    "outreach_intervention": "coalesce(closed, opened) >= %(cut)s",
    "clients_supportplan": "coalesce(\"end\", '9999-12-31') >= %(cut)s",
    "clients_healthaccess": "date >= %(cut)s",
}


def make_early(cut: date) -> None:
    """Copy the dated tables, less everything before `cut`, into schema `early`, first on the
    search path from now to the end of the transaction."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA early")
        tables = [*EARLY_ROWS, "clients_supportplan_agencies"]
        for table in tables:
            cursor.execute(f"CREATE TABLE early.{table} (LIKE public.{table} INCLUDING ALL)")
        for table, kept in EARLY_ROWS.items():
            cursor.execute(
                f"INSERT INTO early.{table} SELECT * FROM public.{table} WHERE {kept}",
                {"cut": cut, "cut_at": day_start(cut)},
            )
        cursor.execute(
            "INSERT INTO early.clients_supportplan_agencies SELECT a.* FROM"
            " public.clients_supportplan_agencies a JOIN early.clients_supportplan s"
            " ON s.id = a.supportplan_id"
        )
        for table in tables:
            cursor.execute(f"ANALYZE early.{table}")
        cursor.execute("SET LOCAL search_path TO early, public")


def national_dates() -> tuple[date, date]:
    """The national data's last full month and as-of date: the month before its latest contact,
    as of that contact's day."""
    latest = Contact.objects.order_by("-at").values_list("at", flat=True).first()
    if latest is None:
        raise SystemExit("BENCH_NATIONAL=1 but the database holds no contacts")
    as_of = latest.astimezone(kpis.LONDON).date()
    return add_months(as_of.replace(day=1), -1), as_of


def measure(period: date, as_of: date) -> None:
    months = [add_months(period, -back) for back in range(11, -1, -1)]
    figures = kpis.figures(period, as_of)
    check_equal(figures, floor_figures(period, as_of), f"{period:%Y-%m}")
    trend = kpis.figures_for_months(months, as_of)
    for month in months:
        check_equal(trend[month], floor_figures(month, as_of), f"{month:%Y-%m} in the trend")
    print(f"{period:%Y-%m} as of {as_of}: {figures['rough_sleepers']}")
    print("the engine's figures equal the SQL floor's for the month and each month of the trend")
    if os.environ.get("BENCH_SHOW_QUERIES"):
        with CaptureQueriesContext(connection) as queries:
            kpis.figures(period, as_of)
        for query in queries:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")

    # Measured in the same run, so that runs on a busy or a quiet machine compare.
    floor = timed("SQL floor: the month's figures", lambda: floor_figures(period, as_of), 9)
    one_month = timed("one month's figures", lambda: kpis.figures(period, as_of), 9, floor=floor)
    timed(
        "12-month trend (figures_for_months)",
        lambda: kpis.figures_for_months(months, as_of),
        5,
        floor=floor,
    )
    watch = timed("14-day watch list", lambda: kpis.watch_list(as_of), 9, floor=floor)

    cut = add_months(period, -KEPT_MONTHS)
    started = time.perf_counter()
    make_early(cut)
    print(
        f"early copy: history from {cut} on only ({Contact.objects.count()} contacts)"
        f" in {time.perf_counter() - started:.1f} s"
    )
    check_equal(
        kpis.figures(period, as_of), floor_figures(period, as_of), f"{period:%Y-%m}, early copy"
    )
    early = timed("one month, one year of history", lambda: kpis.figures(period, as_of), 9)
    early_watch = timed("watch list, one year of history", lambda: kpis.watch_list(as_of), 9)

    goal("kpi month / SQL floor", one_month / floor, 1.5, "x")
    trend_turn, month_turn, lowest, highest = alternated(
        lambda: kpis.figures_for_months(months, as_of), lambda: kpis.figures(period, as_of)
    )
    print(
        f"trend and one month turn about: {trend_turn:.1f} ms / {month_turn:.1f} ms"
        f" = {trend_turn / month_turn:.2f} x (pairs {lowest:.2f} .. {highest:.2f} x)"
    )
    goal("12-month trend / one month", trend_turn / month_turn, 3, "x")
    goal("late month / early month", one_month / early, 1.3, "x")
    goal("watch list late / early", watch / early_watch, 1.3, "x")


def main() -> None:
    rng = random.Random(1)
    try:
        with transaction.atomic():
            if NATIONAL:
                period, as_of = national_dates()
                print(f"national data: {Contact.objects.count()} contacts")
            else:
                started = time.perf_counter()
                seed(rng)
                period, as_of = PERIOD, AS_OF
                print(
                    f"seeded {PEOPLE} people, {Contact.objects.count()} contacts over six years"
                    f" in {time.perf_counter() - started:.1f} s"
                )
            measure(period, as_of)
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
