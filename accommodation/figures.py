"""Figures about accommodation: the availability board, MARS House voids and occupancy, and
Housing First tenancy sustainment. Pure reads; the pages, the API and the reports share them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max, OuterRef, Prefetch, QuerySet, Subquery

from accommodation.models import (
    EndReason,
    Placement,
    PlacementQuerySet,
    Property,
    PropertyType,
    Unavailability,
    Unit,
    UnitQuerySet,
)
from mars import access, reads
from mars.access import AnyUser
from mars.dates import add_months, month_bounds, parse_month, previous_month
from mars.numbers import percent

ENDING_SOON_DAYS = 14


# The availability board


@dataclass
class Board:
    today: date
    free: list[Unit]
    ending_soon: list[Placement]
    unavailable: list[tuple[Unit, Unavailability]]


def board(units: UnitQuerySet, placements: PlacementQuerySet, today: date) -> Board:
    """Units free today, placements planned to end within 14 days, units out of use today."""
    free = list(
        units.free_on(today).select_related("property__provider").order_by("property__name", "name")
    )
    ending = list(
        placements.current(today)
        .filter(
            planned_end__isnull=False, planned_end__lte=today + timedelta(days=ENDING_SOON_DAYS)
        )
        .select_related("client", "unit__property")
        .order_by("planned_end", "unit__property__name", "unit__name")
    )
    periods = (
        Unavailability.objects.filter(unit__in=units)
        .on(today)
        .select_related("unit__property")
        .order_by("unit__property__name", "unit__name")
    )
    return Board(today, free, ending, [(p.unit, p) for p in periods])


# MARS House voids


@dataclass
class RoomMonth:
    unit: Unit
    days: int  # days of the month counted (up to today)
    occupied: int
    unavailable: int
    void: int  # empty and available

    @property
    def available(self) -> int:
        return self.days - self.unavailable

    @property
    def occupancy(self) -> float | None:
        return percent(self.occupied, self.available)


@dataclass
class VoidReport:
    month: date
    rooms: list[RoomMonth]
    days: int

    @property
    def void_days(self) -> int:
        return sum(r.void for r in self.rooms)

    @property
    def occupied_days(self) -> int:
        return sum(r.occupied for r in self.rooms)

    @property
    def unavailable_days(self) -> int:
        return sum(r.unavailable for r in self.rooms)

    @property
    def available_days(self) -> int:
        return sum(r.available for r in self.rooms)

    @property
    def occupancy(self) -> float | None:
        return percent(self.occupied_days, self.available_days)


def requested_void_report(user: AnyUser, month: str | None, today: date) -> VoidReport:
    """The void report a person asks for, on the page, in its CSV or from the API: the MARS House
    rooms they may see, for the month given as YYYY-MM (last month when none is). A month that
    is not one raises mars.dates.MonthError."""
    units = access.visible(user, Unit.objects.all()).filter(property__type=PropertyType.MARS_HOUSE)
    chosen = parse_month(month) if month else previous_month(today)
    return void_report(units, chosen, today)


def _covered(start: date, end: date | None, first: date, last: date) -> set[date]:
    """The days of first..last inside [start, end)."""
    day, stop = max(start, first), min(end - timedelta(days=1) if end else last, last)
    days = set()
    while day <= stop:
        days.add(day)
        day += timedelta(days=1)
    return days


def void_report(units: QuerySet[Unit], month: date, today: date) -> VoidReport:
    """Per room, the days of a month it was occupied, out of use, and void (empty and available).

    Days after today are not counted; a day with someone in the room counts as occupied even if
    part of the room was out of use; occupancy = occupied days / available days.
    """
    first, last = month_bounds(month)
    last = min(last, today)
    rooms: list[RoomMonth] = []
    if last < first:
        return VoidReport(month=first, rooms=[], days=0)
    # One prefetch a call: the checker types the querysets of a call's prefetches as one.
    units = (
        units.select_related("property")
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.overlapping(first, last + timedelta(days=1)),
                to_attr="month_placements",
            )
        )
        .prefetch_related(
            Prefetch(
                "unavailable_periods",
                queryset=Unavailability.objects.overlapping(first, last + timedelta(days=1)),
                to_attr="month_periods",
            )
        )
    )
    days = (last - first).days + 1
    for unit in units.order_by("property__name", "name"):
        occupied: set[date] = set()
        for p in unit.month_placements:  # type: ignore[attr-defined]  # Prefetch to_attr
            occupied |= _covered(p.start, p.end, first, last)
        out: set[date] = set()
        for u in unit.month_periods:  # type: ignore[attr-defined]  # Prefetch to_attr
            out |= _covered(u.start, u.end, first, last)
        out -= occupied
        rooms.append(
            RoomMonth(
                unit=unit,
                days=days,
                occupied=len(occupied),
                unavailable=len(out),
                void=days - len(occupied) - len(out),
            )
        )
    return VoidReport(month=first, rooms=rooms, days=days)


@dataclass
class EmptyRoom:
    unit: Unit
    since: date | None  # None: nobody has been placed in it and it was never out of use


def empty_rooms(units: UnitQuerySet, today: date) -> list[EmptyRoom]:
    """Rooms empty and available today, and since when (the later of the last person leaving and
    the room coming back into use)."""
    # One query: the dashboard shows the rooms on every view.
    back_in_use = (
        Unavailability.objects.filter(unit=OuterRef("pk"), end__lte=today)
        .order_by()
        .values("unit")
        .annotate(last=Max("end"))
        .values("last")
    )
    free = (
        units.free_on(today)
        .select_related("property")
        .annotate(last_left=Max("placements__end"), back_in_use=Subquery(back_in_use))
        .order_by("property__name", "name")
    )
    rooms = []
    for unit in free:
        dates = [d for d in (unit.last_left, unit.back_in_use) if d]  # type: ignore[attr-defined]  # annotated above
        rooms.append(EmptyRoom(unit=unit, since=max(dates) if dates else None))
    return sorted(rooms, key=lambda r: (r.since or date.min, str(r.unit)))


def mars_house_units() -> UnitQuerySet:
    return Unit.objects.filter(property__type=PropertyType.MARS_HOUSE, active=True)


def mars_houses() -> QuerySet[Property]:
    return Property.objects.filter(type=PropertyType.MARS_HOUSE, active=True)


# Housing First sustainment

SUSTAINMENT_POINTS = (6, 12)


@dataclass
class Tenancy:
    """A Housing First tenancy: its first placement and the chain of moves that followed."""

    placement: Placement
    placements: list[Placement]
    end: date | None
    end_reason: str
    at: dict[int, str] = field(default_factory=dict)  # months -> sustained/ended/died/not yet

    @property
    def start(self) -> date:
        return self.placement.start

    @property
    def current(self) -> Placement:
        return self.placements[-1]


SUSTAINED, ENDED, DIED, NOT_YET = "sustained", "ended", "died", "not yet"


def outcome_at(start: date, end: date | None, end_reason: str, months: int, today: date) -> str:
    """Whether a tenancy was still going N months after it began.

    A tenancy that has not reached the point is "not yet"; one ended by the tenant's death before
    it is left out of the rate ("died"), as Housing First evaluations in England do.
    """
    point = add_months(start, months)
    if end is not None and end < point:
        return DIED if end_reason == EndReason.DECEASED else ENDED
    if point > today:
        return NOT_YET
    return SUSTAINED


def tenancies(placements: PlacementQuerySet, today: date) -> list[Tenancy]:
    """Housing First tenancies, a move between Housing First homes kept as one tenancy."""
    rows = list(
        placements.housing_first()
        .select_related("client", "unit__property__provider")
        .order_by("client_id", "start", "id")
    )
    reads.note((p.client_id for p in rows), "housing first tenancies")
    by_client: dict[int, list[Placement]] = defaultdict(list)
    for p in rows:
        by_client[p.client_id].append(p)
    result = []
    for chain in by_client.values():
        current: list[Placement] = []
        for p in chain:
            continues = (
                current
                and current[-1].end_reason == EndReason.TRANSFERRED
                and current[-1].end == p.start
            )
            if continues:
                current.append(p)
                continue
            if current:
                result.append(_tenancy(current, today))
            current = [p]
        if current:
            result.append(_tenancy(current, today))
    return sorted(result, key=lambda t: (t.start, t.placement.pk), reverse=True)


def _tenancy(chain: list[Placement], today: date) -> Tenancy:
    last = chain[-1]
    tenancy = Tenancy(
        placement=chain[0], placements=chain, end=last.end, end_reason=last.end_reason
    )
    for months in SUSTAINMENT_POINTS:
        tenancy.at[months] = outcome_at(
            tenancy.start, tenancy.end, tenancy.end_reason, months, today
        )
    return tenancy


@dataclass
class SustainmentRate:
    months: int
    sustained: int
    reached: int

    @property
    def percent(self) -> float | None:
        return percent(self.sustained, self.reached)


def sustainment_rates(tenancies: list[Tenancy]) -> list[SustainmentRate]:
    """Of the tenancies that reached 6 (12) months, the share still going then (deaths left out)."""
    rates = []
    for months in SUSTAINMENT_POINTS:
        outcomes = [t.at[months] for t in tenancies]
        rates.append(
            SustainmentRate(
                months=months,
                sustained=outcomes.count(SUSTAINED),
                reached=outcomes.count(SUSTAINED) + outcomes.count(ENDED),
            )
        )
    return rates
