"""The contract KPIs exactly as ../shared/DESIGN.md defines them, for a period and an as-of date.

One computation (`cohorts`) finds the people behind every figure with a handful of queries per
period, whatever the number of people; `figures` counts them into the contract's JSON shape, and
the dashboard's drill-down lists the same people. All days are local days in Europe/London.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate

from accommodation.models import Placement, PropertyType
from clients.models import HealthAccess, HealthAccessKind, SupportPlan
from mars.dates import day_bounds, day_start, first_of_month, month_bounds, previous_month
from mars.numbers import percent
from outreach.models import Contact, Intervention, InterventionOutcome

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


def period_label(period: date) -> str:
    return f"{period:%Y-%m}"


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
    first, last = month_bounds(period)
    result = Cohorts(period=first, as_of=as_of)
    _rough_sleepers(result, first, last)
    _left_streets(result, first, last, as_of)
    _supported_accommodation(result, first, last)
    _reconnections(result, first, last)
    result.support_plans = set(
        SupportPlan.objects.in_force_on(last)
        .filter(agencies__isnull=False)
        .order_by()
        .values_list("client_id", flat=True)
        .distinct()
    )
    _primary_care(result, first, last)
    return result


def figures(period: date, as_of: date) -> dict[str, Any]:
    """Every contract figure for the month, as of the date, in DESIGN.md's JSON shape."""
    return cohorts(period, as_of).figures()


def figures_for_months(months: Sequence[date], as_of: date) -> dict[date, dict[str, Any]]:
    """Every contract figure of each month (first days), as of one date: `figures` for each."""
    return {first_of_month(month): figures(month, as_of) for month in months}


def _rough_sleepers(result: Cohorts, first: date, last: date) -> None:
    # Seen in P: a bedded-down contact on a local day of P. One grouped query gives each such
    # person's first-ever bedded-down day and whether they were also seen in P-1.
    this_start, this_end = day_bounds(first, last)
    before_start = day_start(previous_month(first))
    in_period = Contact.objects.bedded_down().filter(at__gte=this_start, at__lt=this_end)
    people = (
        Contact.objects.bedded_down()
        .filter(client_id__in=in_period.values("client_id"))
        .values("client_id")
        .annotate(
            first_seen=Min(local_day("at")),
            in_period=Count("id", filter=Q(at__gte=this_start, at__lt=this_end)),
            in_previous=Count("id", filter=Q(at__gte=before_start, at__lt=this_start)),
        )
        .filter(in_period__gt=0)
    )
    for row in people:
        client_id, first_seen = row["client_id"], row["first_seen"]
        result.seen.add(client_id)
        if first_seen >= first:
            result.new.add(client_id)
            result.first_seen[client_id] = first_seen
        elif row["in_previous"]:
            result.stock.add(client_id)
        else:
            result.returners.add(client_id)
    result.unidentified_sightings = (
        Contact.objects.bedded_down().unidentified().on_days(first, last).count()
    )


def _exits(members: dict[int, date], first: date, last: date) -> dict[int, list[date]]:
    """Days from first to last on which each member moved into a placement of any type or
    closed a reconnection as reconnected: the ways off the streets the 14-day figure counts."""
    exits: dict[int, list[date]] = defaultdict(list)
    for client_id, day in Placement.objects.filter(
        client_id__in=members, start__gte=first, start__lte=last
    ).values_list("client_id", "start"):
        exits[client_id].append(day)
    for client_id, closed in (
        Intervention.objects.reconnections()
        .filter(
            client_id__in=members,
            outcome=InterventionOutcome.RECONNECTED,
            closed__gte=first,
            closed__lte=last,
        )
        .values_list("client_id", "closed")
    ):
        if closed is not None:
            exits[client_id].append(closed)
    return exits


def _left_within_window(seen_on: date, exits: list[date]) -> bool:
    return any(seen_on <= day <= seen_on + timedelta(days=WINDOW_DAYS) for day in exits)


def _left_streets(result: Cohorts, first: date, last: date, as_of: date) -> None:
    # Left the streets: a placement of any type starts, or a reconnection closes as reconnected,
    # on a day in [d, d + 14], d being the person's first-seen day.
    # Only what had happened by the as-of date: a placement booked to start later has not yet
    # taken anyone off the streets.
    members = result.first_seen
    exits = _exits(members, first, min(last + timedelta(days=WINDOW_DAYS), as_of))
    for client_id, seen_on in members.items():
        if _left_within_window(seen_on, exits[client_id]):
            result.left.add(client_id)
        elif as_of < seen_on + timedelta(days=WINDOW_DAYS):
            result.window_open.add(client_id)


@dataclass(frozen=True)
class Watched:
    client_id: int
    first_seen: date
    days_left: int


def watch_list(today: date) -> list[Watched]:
    """Everyone first seen rough sleeping in the last 14 days who has not left the streets,
    with the days left in their window (0: today is the last), most urgent first."""
    since = today - timedelta(days=WINDOW_DAYS)
    members = dict(
        Contact.objects.bedded_down()
        .identified()
        .values("client_id")
        .annotate(first_seen=Min(local_day("at")))
        .filter(first_seen__gte=since)
        .values_list("client_id", "first_seen")
    )
    exits = _exits(members, since, today)
    watched = [
        Watched(client_id, seen_on, (seen_on + timedelta(days=WINDOW_DAYS) - today).days)
        for client_id, seen_on in members.items()
        if not _left_within_window(seen_on, exits[client_id])
    ]
    return sorted(watched, key=lambda w: (w.days_left, w.client_id))


def _supported_accommodation(result: Cohorts, first: date, last: date) -> None:
    # A placement starting in P in supported accommodation, for someone with a bedded-down
    # contact in the 365 days up to and including the start day (start - 364 .. start).
    lookback = timedelta(days=LOOKBACK_DAYS - 1)
    starts = list(
        Placement.objects.in_types(*SUPPORTED_TYPES)
        .filter(start__gte=first, start__lte=last)
        .values_list("client_id", "start")
    )
    if not starts:
        return
    since, until = day_bounds(first - lookback, last)
    seen_on: dict[int, set[date]] = defaultdict(set)
    for client_id, day in (
        Contact.objects.bedded_down()
        .filter(client_id__in={client_id for client_id, _ in starts}, at__gte=since, at__lt=until)
        .annotate(day=local_day("at"))
        .order_by()
        .values_list("client_id", "day")
        .distinct()
    ):
        seen_on[client_id].add(day)
    for client_id, start in starts:
        if any(start - lookback <= day <= start for day in seen_on[client_id]):
            result.supported_accommodation.add(client_id)


def _reconnections(result: Cohorts, first: date, last: date) -> None:
    # Exempt outcomes are left out of both parts.
    for client_id, outcome in (
        Intervention.objects.reconnections()
        .filter(closed__gte=first, closed__lte=last, outcome__in=RECONNECTION_COUNTED)
        .values_list("client_id", "outcome")
    ):
        result.reconnection_closed.add(client_id)
        if outcome == InterventionOutcome.RECONNECTED:
            result.reconnected.add(client_id)


def _primary_care(result: Cohorts, first: date, last: date) -> None:
    # Denominator: primary care relevant and any contact (of any kind) in P. Numerator: of
    # those, a GP registration or appointment on or before the last day of P.
    start, end = day_bounds(first, last)
    contacted = (
        Contact.objects.filter(at__gte=start, at__lt=end, client__primary_care_relevant=True)
        .order_by()
        .values_list("client_id", flat=True)
        .distinct()
    )
    result.primary_care_relevant_contacted = set(contacted)
    result.primary_care_accessed = set(
        HealthAccess.objects.filter(
            client_id__in=result.primary_care_relevant_contacted,
            kind__in=GP_KINDS,
            date__lte=last,
        )
        .order_by()
        .values_list("client_id", flat=True)
        .distinct()
    )
