"""Months computed together give each month's own figures, the past is looked into by person,
and the watch list reads only the last 14 days."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from accommodation.models import PropertyType
from mars.dates import add_months, local_date, month_bounds
from outreach.models import RECONNECTION_OUTCOMES, Contact
from reporting import kpis
from tests.factories import (
    AgencyFactory,
    ClientFactory,
    ContactFactory,
    HealthAccessFactory,
    InterventionFactory,
    PlacementFactory,
    PropertyFactory,
    SupportPlanFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)
AS_OF = date(2026, 11, 20)
ZONE = kpis.LONDON


def at(day: date, hour: int = 6) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


def a_busy_service(seed: int) -> None:
    """People seen over two years, some long before, with every kind of record the KPIs read."""
    rng = random.Random(seed)
    agency = AgencyFactory()
    types = [PropertyType.HOSTEL, PropertyType.NIGHT_SHELTER, PropertyType.HOUSING_FIRST]
    units = [UnitFactory(property=PropertyFactory(type=kind)) for kind in types]
    begin = date(2025, 1, 1)
    for n in range(30):
        person = ClientFactory(primary_care_relevant=rng.random() < 0.8)
        first = begin + timedelta(days=rng.randint(0, 640))
        day = first
        for _ in range(rng.randint(1, 8)):
            ContactFactory(
                client=person, at=at(day, rng.choice([0, 6, 23])), bedded_down=rng.random() < 0.8
            )
            day += timedelta(days=rng.randint(1, 50))
        if rng.random() < 0.4:
            PlacementFactory(
                client=person,
                unit=UnitFactory(property=rng.choice(units).property),
                start=first + timedelta(days=rng.randint(0, 20)),
            )
        if rng.random() < 0.3:
            InterventionFactory(
                client=person,
                opened=first,
                closed=first + timedelta(days=rng.randint(0, 16)),
                outcome=rng.choice(RECONNECTION_OUTCOMES),
            )
        if rng.random() < 0.4:
            SupportPlanFactory(
                client=person,
                start=first + timedelta(days=rng.randint(0, 30)),
                end=rng.choice([None, first + timedelta(days=rng.randint(40, 300))]),
                agencies=[agency] if n % 3 else [],
            )
        if rng.random() < 0.5:
            HealthAccessFactory(
                client=person,
                kind=rng.choice(["gp_registration", "dental"]),
                date=first + timedelta(days=rng.randint(0, 120)),
            )
        if n % 7 == 0:
            ContactFactory(client=None, description="in a doorway", at=at(first))


def rough_sleepers_by_the_letter(period: date) -> dict[str, set[int]]:
    """DESIGN.md's rough sleeper figures read literally from every bedded-down contact."""
    days: dict[int, set[date]] = defaultdict(set)
    for client_id, instant in (
        Contact.objects.bedded_down().identified().values_list("client_id", "at")
    ):
        days[client_id].add(local_date(instant))
    first, last = month_bounds(period)
    before = add_months(first, -1)
    seen = {c for c, d in days.items() if any(first <= x <= last for x in d)}
    new = {c for c in seen if min(days[c]) >= first}
    stock = {c for c in seen if any(before <= x < first for x in days[c])}
    return {"seen": seen, "new": new, "stock": stock, "returners": seen - new - stock}


@pytest.mark.parametrize("seed", [1, 2])
def test_months_computed_together_give_each_months_own_figures(seed: int) -> None:
    a_busy_service(seed)
    months = [add_months(OCTOBER, -back) for back in range(13, -1, -1)]
    together = kpis.figures_for_months(months, AS_OF)
    assert list(together) == months
    for month in months:
        assert together[month] == kpis.figures(month, AS_OF)
        found = kpis.cohorts(month, AS_OF)
        letter = rough_sleepers_by_the_letter(month)
        assert (found.seen, found.new, found.stock, found.returners) == (
            letter["seen"],
            letter["new"],
            letter["stock"],
            letter["returners"],
        )


def test_months_far_apart_are_each_their_own() -> None:
    a_busy_service(3)
    months = [date(2025, 2, 1), date(2025, 4, 1), date(2026, 9, 1)]
    together = kpis.figures_for_months([*months, date(2025, 4, 17)], AS_OF)
    assert together == {month: kpis.figures(month, AS_OF) for month in months}


def test_someone_seen_years_ago_is_a_returner_not_new() -> None:
    sam = ClientFactory()
    ContactFactory(client=sam, at=at(date(2020, 3, 2)))
    ContactFactory(client=sam, at=at(date(2026, 10, 12)))
    found = kpis.cohorts(OCTOBER, AS_OF)
    assert (found.new, found.returners) == (set(), {sam.pk})


def test_a_first_contact_that_was_not_bedded_down_does_not_make_someone_seen_before() -> None:
    sam = ClientFactory()
    ContactFactory(client=sam, at=at(date(2026, 8, 2)), bedded_down=False)
    ContactFactory(client=sam, at=at(date(2026, 10, 12)))
    found = kpis.cohorts(OCTOBER, AS_OF)
    assert found.new == {sam.pk}
    assert found.first_seen == {sam.pk: date(2026, 10, 12)}


def test_the_twelve_months_take_a_fixed_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    a_busy_service(4)
    months = [add_months(OCTOBER, -back) for back in range(11, -1, -1)]
    with django_assert_max_num_queries(3):
        kpis.figures_for_months(months, AS_OF)


def test_watch_list_holds_those_first_seen_in_the_last_14_days_who_have_not_left() -> None:
    today = date(2026, 11, 20)
    fresh, placed, old_hand, edge = (ClientFactory() for _ in range(4))
    ContactFactory(client=fresh, at=at(date(2026, 11, 17)))
    ContactFactory(client=fresh, at=at(date(2026, 11, 19)))
    ContactFactory(client=placed, at=at(date(2026, 11, 10)))
    PlacementFactory(client=placed, start=date(2026, 11, 12))
    ContactFactory(client=old_hand, at=at(date(2024, 5, 1)))
    ContactFactory(client=old_hand, at=at(date(2026, 11, 18)))
    ContactFactory(client=edge, at=at(date(2026, 11, 6), 0))
    watched = kpis.watch_list(today)
    assert watched == [
        kpis.Watched(edge.pk, date(2026, 11, 6), 0),
        kpis.Watched(fresh.pk, date(2026, 11, 17), 11),
    ]


def test_watch_list_leaves_out_someone_seen_the_day_before_the_window() -> None:
    sam = ClientFactory()
    ContactFactory(client=sam, at=at(date(2026, 11, 5), 23))
    ContactFactory(client=sam, at=at(date(2026, 11, 19)))
    assert kpis.watch_list(date(2026, 11, 20)) == []


def test_years_of_months_computed_together_give_each_months_own_figures() -> None:
    a_busy_service(5)
    months = [add_months(OCTOBER, -back) for back in range(kpis.RUN_MONTHS + 13, -1, -1)]
    together = kpis.figures_for_months(months, AS_OF)
    assert together == {month: kpis.figures(month, AS_OF) for month in months}
