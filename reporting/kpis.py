"""The contract KPIs exactly as ../shared/DESIGN.md defines them, for a period and an as-of date.

One computation finds the people behind every figure of one month, or of several months together
(the dashboard's trend), with a fixed handful of queries whatever the number of people or months;
`figures` counts them into the contract's JSON shape, and the dashboard's drill-down (`cohorts`)
lists the same people. All days are local days in Europe/London.

A month's cost follows the people seen around it, not the size of the archive: every look into
the past ("was this person seen before?", "a bedded-down contact in the year before a
placement", "a GP registration by the month's end") is a probe of an index by person, never a
read of anyone's whole history. The statements that need such probes are written in SQL; bench/
kpis.py checks them against a hand-written statement of the same figures.
"""

from __future__ import annotations

import zoneinfo
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models.functions import TruncDate

from accommodation.models import Placement, Property, PropertyType, Unit
from clients.models import Client, HealthAccess, HealthAccessKind, SupportPlan
from mars.dates import (
    add_months,
    day_start,
    first_of_month,
    month_bounds,
    next_month,
    previous_month,
)
from mars.numbers import percent
from outreach.models import Contact, Intervention, InterventionKind, InterventionOutcome

LONDON = zoneinfo.ZoneInfo("Europe/London")
WINDOW_DAYS = 14
LOOKBACK_DAYS = 365
RUN_MONTHS = 60
SUPPORTED_TYPES = [
    PropertyType.HOSTEL,
    PropertyType.SUPPORTED_HOUSING,
    PropertyType.MARS_HOUSE,
    PropertyType.HOUSING_FIRST,
]
RECONNECTION_COUNTED = [
    InterventionOutcome.RECONNECTED,
    InterventionOutcome.DECLINED,
    InterventionOutcome.FAILED,
]
GP_KINDS = [HealthAccessKind.GP_REGISTRATION, HealthAccessKind.GP_APPOINTMENT]
CONTACT = Contact._meta.db_table
CLIENT = Client._meta.db_table
HEALTH_ACCESS = HealthAccess._meta.db_table
PLACEMENT = Placement._meta.db_table
UNIT = Unit._meta.db_table
PROPERTY = Property._meta.db_table
INTERVENTION = Intervention._meta.db_table
SUPPORT_PLAN = SupportPlan._meta.db_table
PLAN_AGENCIES = SupportPlan.agencies.through._meta.db_table


def period_label(period: date) -> str:
    return f"{period:%Y-%m}"


def _london_day(instant: datetime) -> date:
    return instant.astimezone(LONDON).date()


def local_day(field_name: str) -> TruncDate:
    """The Europe/London date of an instant, computed by the database (clock changes included)."""
    return TruncDate(field_name, tzinfo=LONDON)


@dataclass
class Cohorts:
    """The people (client ids) behind each figure of one period, as of one date."""

    period: date
    as_of: date
    seen: set[int] = field(default_factory=set)
    new: set[int] = field(default_factory=set)
    stock: set[int] = field(default_factory=set)
    returners: set[int] = field(default_factory=set)
    unidentified_sightings: int = 0
    first_seen: dict[int, date] = field(default_factory=dict)
    left: set[int] = field(default_factory=set)
    window_open: set[int] = field(default_factory=set)
    supported_accommodation: set[int] = field(default_factory=set)
    reconnection_closed: set[int] = field(default_factory=set)
    reconnected: set[int] = field(default_factory=set)
    support_plans: set[int] = field(default_factory=set)
    primary_care_relevant_contacted: set[int] = field(default_factory=set)
    primary_care_accessed: set[int] = field(default_factory=set)

    @property
    def left_streets_cohort(self) -> set[int]:
        """Members counted by the 14-day figure: first seen in P, windows open at as-of left out."""
        return self.new - self.window_open

    def figures(self) -> dict[str, Any]:
        """The contract's JSON, key for key."""
        left_denominator = len(self.left_streets_cohort)
        return {
            "period": period_label(self.period),
            "as_of": self.as_of.isoformat(),
            "rough_sleepers": {
                "seen": len(self.seen),
                "new": len(self.new),
                "stock": len(self.stock),
                "returners": len(self.returners),
                "unidentified_sightings": self.unidentified_sightings,
            },
            "left_streets_within_14_days": {
                "numerator": len(self.left),
                "denominator": left_denominator,
                "percent": percent(len(self.left), left_denominator),
                "window_open": len(self.window_open),
            },
            "supported_accommodation_access": {"count": len(self.supported_accommodation)},
            "reconnected": {
                "numerator": len(self.reconnected),
                "denominator": len(self.reconnection_closed),
                "percent": percent(len(self.reconnected), len(self.reconnection_closed)),
            },
            "multi_agency_support_plans": {"count": len(self.support_plans)},
            "primary_care_access": {
                "numerator": len(self.primary_care_accessed),
                "denominator": len(self.primary_care_relevant_contacted),
                "percent": percent(
                    len(self.primary_care_accessed), len(self.primary_care_relevant_contacted)
                ),
            },
        }


def cohorts(period: date, as_of: date) -> Cohorts:
    """Everyone behind every figure for the calendar month `period`, as of `as_of`."""
    first = first_of_month(period)
    return _cohorts_of_months([first], as_of)[first]


def figures(period: date, as_of: date) -> dict[str, Any]:
    """Every contract figure for the month, as of the date, in DESIGN.md's JSON shape."""
    return cohorts(period, as_of).figures()


def figures_for_months(months: Sequence[date], as_of: date) -> dict[date, dict[str, Any]]:
    """Every contract figure of each month (first days), as of one date, the months computed
    together: the same answers as `figures` month by month, for about the cost of one."""
    return {month: found.figures() for month, found in _cohorts_of_months(months, as_of).items()}


def _cohorts_of_months(months: Sequence[date], as_of: date) -> dict[date, Cohorts]:
    wanted = sorted({first_of_month(month) for month in months})
    result: dict[date, Cohorts] = {}
    for run in _runs(wanted):
        result.update(_Run(run, as_of).cohorts())
    return result


def _runs(months: list[date]) -> list[list[date]]:
    """Sorted months in runs read together: a month's figures read the month before it too, so a
    gap of one month costs nothing, and a longer gap starts a new run (no reading the years
    between two far-apart months). A run spans at most RUN_MONTHS months, so that its buckets
    are bits of a 64-bit integer."""
    runs: list[list[date]] = []
    for month in months:
        if (
            runs
            and month <= add_months(runs[-1][-1], 2)
            and month < add_months(runs[-1][0], RUN_MONTHS)
        ):
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


class _Run:
    """The figures of sorted months close together, from one read of their contacts and one of
    the other records dated in them.

    The window is every month from the one before the first to the last. Each month of it is a
    bucket (1 for the month before the first), found by the database from the instants the
    months begin, so the local (Europe/London) month of a contact costs one comparison. A set of
    buckets is an integer's bits (bucket b is 1 << b), so the database hands over, per person,
    the months they were seen or contacted in, and the people who share a set of months (most
    do: seen in one month, or two in a row) are added to each month's figures together.
    """

    def __init__(self, months: list[date], as_of: date) -> None:
        self.months = months
        self.as_of = as_of
        span: list[date] = []
        month = previous_month(months[0])
        while month <= months[-1]:
            span.append(month)
            month = next_month(month)
        self.bounds = [day_start(month) for month in [*span, next_month(months[-1])]]
        # The last day of each bucket's month, bucket b at b - 1.
        self.ends = [month_bounds(month)[1] for month in span]
        self.result = {
            span.index(month) + 1: Cohorts(period=month, as_of=as_of) for month in months
        }
        self.first = months[0]
        self.last = month_bounds(months[-1])[1]
        # Exits count up to 14 days after a first-seen day, and only once they have happened.
        self.exits_until = min(self.last + timedelta(days=WINDOW_DAYS), as_of)
        self.known: dict[int, list[int]] = {}

    def cohorts(self) -> dict[date, Cohorts]:
        self._count_contacts(self._contacts())
        self._count_records(self._records())
        return {result.period: result for result in self.result.values()}

    def _buckets(self, months: int) -> list[int]:
        """The buckets of the run's months among a set's bits."""
        found = self.known.get(months)
        if found is None:
            found = self.known[months] = [bucket for bucket in self.result if months >> bucket & 1]
        return found

    def _add(self, members: dict[int, list[int]], figure: str) -> None:
        """Add the people of each set of months to the figure of each of those months."""
        for months, people in members.items():
            for bucket in self._buckets(months):
                getattr(self.result[bucket], figure).update(people)

    def _contacts(self) -> list[tuple[Any, ...]]:
        # One statement, one row per person contacted in the window (not one per contact, nor
        # per person and month): the buckets they were contacted in and seen in, and the instant
        # they were first seen in the window. Each row then carries probes by index, scalar
        # subqueries (the planner may turn an EXISTS into a hashed read of a whole table, and a
        # join into a read of every person): whether someone first seen in the window after its
        # first bucket had a bedded-down contact before it ("new" in a month means none before
        # it: within the window the buckets say so), their primary-care relevance and, for the
        # relevant, their first GP registration or appointment. Nobody's whole history is read.
        # OFFSET 0 keeps a subquery's column computed once (inlined, each use would repeat it).
        # The unidentified sightings, counted per bucket, come from their own small index.
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH people AS ("
                " SELECT client_id, bit_or(bit) AS contacted,"
                " bit_or(bit) FILTER (WHERE bedded_down) AS seen,"
                " min(at) FILTER (WHERE bedded_down) AS first_at"
                " FROM (SELECT client_id, bedded_down, at,"
                " 1::bigint << width_bucket(at, %(bounds)s::timestamptz[]) AS bit"
                f" FROM {CONTACT} WHERE client_id IS NOT NULL AND at >= %(since)s"
                " AND at < %(until)s OFFSET 0) window_contacts"
                # Someone contacted only in the month before the first counts in no month.
                " GROUP BY client_id HAVING bit_or(bit) > 3)"
                " SELECT client_id, contacted, seen, first_day, relevant, before,"
                f" CASE WHEN relevant THEN (SELECT min(h.date) FROM {HEALTH_ACCESS} h"
                " WHERE h.client_id = probed.client_id AND h.kind = ANY(%(gp)s)) END"
                " FROM (SELECT client_id, contacted, seen,"
                " (first_at AT TIME ZONE %(zone)s)::date AS first_day,"
                f" (SELECT c.primary_care_relevant FROM {CLIENT} c WHERE c.id = p.client_id)"
                " AS relevant,"
                f" CASE WHEN seen & 2 = 0 THEN (SELECT true FROM {CONTACT} e"
                " WHERE e.client_id = p.client_id AND e.bedded_down AND e.at < %(since)s"
                " LIMIT 1) END AS before"
                " FROM people p OFFSET 0) probed"
                " UNION ALL"
                " SELECT NULL, width_bucket(at, %(bounds)s::timestamptz[]), count(*),"
                " NULL, NULL, NULL, NULL"
                f" FROM {CONTACT} WHERE client_id IS NULL AND bedded_down"
                " AND at >= %(since)s AND at < %(until)s GROUP BY 2",
                {
                    "bounds": self.bounds,
                    "zone": LONDON.key,
                    "since": self.bounds[0],
                    "until": self.bounds[-1],
                    "gp": GP_KINDS,
                },
            )
            return cursor.fetchall()

    def _count_contacts(self, rows: list[tuple[Any, ...]]) -> None:
        ends = self.ends
        seen: dict[int, list[int]] = defaultdict(list)
        stock: dict[int, list[int]] = defaultdict(list)
        relevant_contacted: dict[int, list[int]] = defaultdict(list)
        accessed: dict[int, list[int]] = defaultdict(list)
        for client_id, contacted_in, seen_in, first_day, relevant, before, first_gp in rows:
            if client_id is None:
                if contacted_in in self.result:
                    self.result[contacted_in].unidentified_sightings = seen_in
                continue
            if relevant:
                relevant_contacted[contacted_in].append(client_id)
                if first_gp is not None:
                    # Contacted in a month that ends on or after the first GP access.
                    by_then = -(2 << bisect_left(ends, first_gp))
                    accessed[contacted_in & by_then].append(client_id)
            if not seen_in:
                continue
            seen[seen_in].append(client_id)
            # Seen in a month and in the month before it.
            stock[seen_in & seen_in << 1].append(client_id)
            if not before:
                # First seen in the earliest bucket seen in, when nothing before the window.
                found = self.result.get((seen_in & -seen_in).bit_length() - 1)
                if found is not None:
                    found.new.add(client_id)
                    found.first_seen[client_id] = first_day
        self._add(seen, "seen")
        self._add(stock, "stock")
        self._add(relevant_contacted, "primary_care_relevant_contacted")
        self._add(accessed, "primary_care_accessed")
        for result in self.result.values():
            result.returners = result.seen - result.new - result.stock

    def _records(self) -> list[tuple[Any, ...]]:
        # The other records dated in the window, in one statement: placements starting in it
        # (exits of any type; supported ones with whether the person has a bedded-down contact in
        # the 365 days up to and including the start, start - 364 .. start, one index probe
        # each), reconnections closed in it, and support plans with an agency in force on some
        # month's last day.
        until = max(self.last, self.exits_until)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 'placement', p.client_id, p.start, NULL::date,"
                " CASE WHEN p.start <= %(last)s AND t.type = ANY(%(supported)s) THEN EXISTS"
                f" (SELECT 1 FROM {CONTACT} c WHERE c.client_id = p.client_id AND c.bedded_down"
                " AND c.at >= (p.start - %(lookback)s)::timestamp AT TIME ZONE %(zone)s"
                " AND c.at < (p.start + 1)::timestamp AT TIME ZONE %(zone)s) END"
                f" FROM {PLACEMENT} p JOIN {UNIT} u ON u.id = p.unit_id"
                f" JOIN {PROPERTY} t ON t.id = u.property_id"
                " WHERE p.start >= %(first)s AND p.start <= %(until)s"
                " UNION ALL"
                " SELECT 'reconnection', i.client_id, i.closed, NULL, i.outcome = %(reconnected)s"
                f" FROM {INTERVENTION} i WHERE i.kind = %(reconnection)s"
                " AND i.outcome = ANY(%(counted)s) AND i.closed >= %(first)s"
                " AND i.closed <= %(until)s"
                " UNION ALL"
                " SELECT 'plan', s.client_id, s.start, s.\"end\", NULL"
                f" FROM {SUPPORT_PLAN} s WHERE s.start <= %(last)s"
                ' AND (s."end" IS NULL OR s."end" >= %(first_end)s)'
                f" AND EXISTS (SELECT 1 FROM {PLAN_AGENCIES} a WHERE a.supportplan_id = s.id)",
                {
                    "first": self.first,
                    "last": self.last,
                    "until": until,
                    "first_end": month_bounds(self.first)[1],
                    "supported": SUPPORTED_TYPES,
                    "lookback": LOOKBACK_DAYS - 1,
                    "zone": LONDON.key,
                    "reconnected": InterventionOutcome.RECONNECTED.value,
                    "reconnection": InterventionKind.RECONNECTION.value,
                    "counted": RECONNECTION_COUNTED,
                },
            )
            return cursor.fetchall()

    def _count_records(self, rows: list[tuple[Any, ...]]) -> None:
        ends, last, exits_until = self.ends, self.last, self.exits_until
        exits: dict[int, list[date]] = defaultdict(list)
        plans: dict[int, list[int]] = defaultdict(list)
        for kind, client_id, day, end, flag in rows:
            if kind == "plan":
                # In force on the last day of each month from the first to end on or after its
                # start to the last to end on or before its end.
                months = -(2 << bisect_left(ends, day))
                if end is not None:
                    months &= (2 << bisect_right(ends, end)) - 1
                plans[months].append(client_id)
                continue
            if day <= exits_until and (kind == "placement" or flag):
                exits[client_id].append(day)
            found = self.result.get(bisect_left(ends, day) + 1) if day <= last else None
            if found is None:
                continue
            if kind == "placement":
                if flag:
                    found.supported_accommodation.add(client_id)
            else:
                found.reconnection_closed.add(client_id)
                if flag:
                    found.reconnected.add(client_id)
        self._add(plans, "support_plans")
        # Left the streets: a placement of any type starts, or a reconnection closes as
        # reconnected, on a day in [d, d + 14], d being the person's first-seen day, and only
        # once it has happened (a placement booked to start after the as-of date has not yet
        # taken anyone off the streets). The window is open at the as-of date while
        # as_of < d + 14.
        opened_after = self.as_of - timedelta(days=WINDOW_DAYS)
        for result in self.result.values():
            for client_id, seen_on in result.first_seen.items():
                days = exits.get(client_id)
                if days and _left_within_window(seen_on, days):
                    result.left.add(client_id)
                elif seen_on > opened_after:
                    result.window_open.add(client_id)


def _exits(first: date, last: date) -> dict[int, list[date]]:
    """Days from first to last on which anyone moved into a placement of any type or closed a
    reconnection as reconnected: the ways off the streets the 14-day figure counts."""
    exits: dict[int, list[date]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT client_id, start FROM {PLACEMENT} WHERE start >= %s AND start <= %s"
            f" UNION ALL SELECT client_id, closed FROM {INTERVENTION} WHERE kind = %s"
            " AND outcome = %s AND closed >= %s AND closed <= %s",
            [
                first,
                last,
                InterventionKind.RECONNECTION.value,
                InterventionOutcome.RECONNECTED.value,
                first,
                last,
            ],
        )
        for client_id, day in cursor.fetchall():
            exits[client_id].append(day)
    return exits


def _left_within_window(seen_on: date, exits: list[date]) -> bool:
    return any(seen_on <= day <= seen_on + timedelta(days=WINDOW_DAYS) for day in exits)


@dataclass(frozen=True)
class Watched:
    client_id: int
    first_seen: date
    days_left: int


def watch_list(today: date) -> list[Watched]:
    """Everyone first seen rough sleeping in the last 14 days who has not left the streets,
    with the days left in their window (0: today is the last), most urgent first."""
    since = today - timedelta(days=WINDOW_DAYS)
    # First seen on or after `since`: a bedded-down contact from then on and none before, one
    # probe of the bedded-down index per person seen since (the archive is never read).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seen.client_id, seen.first_at FROM (SELECT client_id, min(at) AS first_at"
            f" FROM {CONTACT} WHERE bedded_down AND client_id IS NOT NULL AND at >= %s"
            " GROUP BY client_id) seen"
            f" WHERE NOT EXISTS (SELECT 1 FROM {CONTACT} e WHERE e.client_id = seen.client_id"
            " AND e.bedded_down AND e.at < %s)",
            [day_start(since), day_start(since)],
        )
        members = {client_id: _london_day(first_at) for client_id, first_at in cursor.fetchall()}
    exits = _exits(since, today)
    watched = [
        Watched(client_id, seen_on, (seen_on + timedelta(days=WINDOW_DAYS) - today).days)
        for client_id, seen_on in members.items()
        if not _left_within_window(seen_on, exits[client_id])
    ]
    return sorted(watched, key=lambda w: (w.days_left, w.client_id))
