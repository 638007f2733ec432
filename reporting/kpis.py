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
    between two far-apart months)."""
    runs: list[list[date]] = []
    for month in months:
        if runs and month <= add_months(runs[-1][-1], 2):
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


class _Run:
    """The figures of sorted months close together, from one read of their contacts and one of
    the other records dated in them.

    The window is every month from the one before the first to the last. Each month of it is a
    bucket (1 for the month before the first), found by the database from the instants the
    months begin, so the local (Europe/London) month of a contact costs one comparison.
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
        self.result = {
            span.index(month) + 1: Cohorts(period=month, as_of=as_of) for month in months
        }
        self.first = months[0]
        self.last = month_bounds(months[-1])[1]
        # Exits count up to 14 days after a first-seen day, and only once they have happened.
        self.exits_until = min(self.last + timedelta(days=WINDOW_DAYS), as_of)

    def cohorts(self) -> dict[date, Cohorts]:
        self._contacts()
        self._records()
        return {result.period: result for result in self.result.values()}

    def _contacts(self) -> None:
        # One statement. One pass over the window's contacts gives, per person and month, the
        # first bedded-down local day (none: contacted, not seen) and, for no one, the
        # unidentified sightings. Then, per person, probes by index (scalar subqueries, which the
        # planner keeps as probes; a join would read the whole people table): whether someone
        # first seen in the window after its first month had a bedded-down contact before it
        # ("new" in a month means none before it: within the window the buckets say so), their
        # primary-care relevance and their first GP registration or appointment. Nobody's whole
        # history is read.
        bedded_down: dict[int, dict[int, date]] = defaultdict(dict)
        contacted: dict[int, set[int]] = defaultdict(set)
        seen_before: set[int] = set()
        relevant: set[int] = set()
        first_gp: dict[int, date] = {}
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH months AS MATERIALIZED ("
                " SELECT client_id, width_bucket(at, %(bounds)s::timestamptz[]) AS bucket,"
                " (min(at) FILTER (WHERE bedded_down) AT TIME ZONE %(zone)s)::date AS first_day,"
                " count(*) FILTER (WHERE bedded_down) AS sightings"
                f" FROM {CONTACT} WHERE at >= %(since)s AND at < %(until)s GROUP BY 1, 2"
                "), people AS ("
                " SELECT client_id, max(bucket) AS latest,"
                " min(bucket) FILTER (WHERE first_day IS NOT NULL) AS earliest"
                " FROM months WHERE client_id IS NOT NULL GROUP BY client_id)"
                " SELECT client_id, bucket, first_day, sightings, NULL, NULL, NULL FROM months"
                " UNION ALL"
                " SELECT p.client_id, NULL, NULL, NULL,"
                f" (SELECT c.primary_care_relevant FROM {CLIENT} c WHERE c.id = p.client_id),"
                f" CASE WHEN p.earliest > 1 THEN EXISTS (SELECT 1 FROM {CONTACT} e"
                " WHERE e.client_id = p.client_id AND e.bedded_down AND e.at < %(since)s) END,"
                f" (SELECT min(h.date) FROM {HEALTH_ACCESS} h"
                " WHERE h.client_id = p.client_id AND h.kind = ANY(%(gp)s))"
                " FROM people p WHERE p.latest > 1",
                {
                    "bounds": self.bounds,
                    "zone": LONDON.key,
                    "since": self.bounds[0],
                    "until": self.bounds[-1],
                    "gp": GP_KINDS,
                },
            )
            for (
                client_id,
                bucket,
                first_day,
                sightings,
                is_relevant,
                before,
                gp_on,
            ) in cursor.fetchall():
                if bucket is None:
                    if before:
                        seen_before.add(client_id)
                    if is_relevant:
                        relevant.add(client_id)
                    if gp_on is not None:
                        first_gp[client_id] = gp_on
                elif client_id is None:
                    if bucket in self.result:
                        self.result[bucket].unidentified_sightings = sightings
                else:
                    contacted[bucket].add(client_id)
                    if first_day is not None:
                        bedded_down[client_id][bucket] = first_day
        earliest = {client_id: min(seen) for client_id, seen in bedded_down.items()}
        for client_id, seen in bedded_down.items():
            for bucket, first_day in seen.items():
                result = self.result.get(bucket)
                if result is None:
                    continue
                result.seen.add(client_id)
                if earliest[client_id] == bucket and client_id not in seen_before:
                    result.new.add(client_id)
                    result.first_seen[client_id] = first_day
                elif bucket - 1 in seen:
                    result.stock.add(client_id)
                else:
                    result.returners.add(client_id)
        for bucket, result in self.result.items():
            last = month_bounds(result.period)[1]
            result.primary_care_relevant_contacted = contacted[bucket] & relevant
            result.primary_care_accessed = {
                client_id
                for client_id in result.primary_care_relevant_contacted
                if client_id in first_gp and first_gp[client_id] <= last
            }

    def _records(self) -> None:
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
            rows = cursor.fetchall()
        exits: dict[int, list[date]] = defaultdict(list)
        by_month = {result.period: result for result in self.result.values()}
        month_ends = [(result, month_bounds(result.period)[1]) for result in self.result.values()]
        for kind, client_id, day, end, flag in rows:
            if kind == "plan":
                for result, last in month_ends:
                    if day <= last and (end is None or end >= last):
                        result.support_plans.add(client_id)
                continue
            if day <= self.exits_until and (kind == "placement" or flag):
                exits[client_id].append(day)
            found = by_month.get(first_of_month(day)) if day <= self.last else None
            if found is None:
                continue
            if kind == "placement":
                if flag:
                    found.supported_accommodation.add(client_id)
            else:
                found.reconnection_closed.add(client_id)
                if flag:
                    found.reconnected.add(client_id)
        # Left the streets: a placement of any type starts, or a reconnection closes as
        # reconnected, on a day in [d, d + 14], d being the person's first-seen day, and only
        # once it has happened (a placement booked to start after the as-of date has not yet
        # taken anyone off the streets).
        for result in self.result.values():
            for client_id, seen_on in result.first_seen.items():
                if _left_within_window(seen_on, exits[client_id]):
                    result.left.add(client_id)
                elif self.as_of < seen_on + timedelta(days=WINDOW_DAYS):
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
