"""Housing First: tenancy sustainment at 6 and 12 months, and the rate across tenancies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accommodation import figures
from accommodation.models import Placement
from mars.roles import Role
from tests.factories import ClientFactory, PlacementFactory, PropertyFactory, UnitFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)


def flat(name: str = "Flat 1"):  # type: ignore[no-untyped-def]
    return UnitFactory(property=PropertyFactory(type="housing_first"), name=name)


@pytest.mark.parametrize(
    ("start", "end", "reason", "at_6", "at_12"),
    [
        (dt.date(2025, 1, 10), None, "", "sustained", "sustained"),
        (dt.date(2025, 1, 10), dt.date(2025, 9, 1), "eviction", "sustained", "ended"),
        (dt.date(2025, 1, 10), dt.date(2025, 5, 1), "abandoned", "ended", "ended"),
        (dt.date(2026, 3, 1), None, "", "sustained", "not yet"),
        (dt.date(2026, 8, 1), None, "", "not yet", "not yet"),
        (dt.date(2026, 8, 1), dt.date(2026, 9, 1), "prison", "ended", "ended"),
        (dt.date(2025, 1, 10), dt.date(2025, 3, 1), "deceased", "died", "died"),
        (dt.date(2025, 5, 22), dt.date(2025, 11, 22), "planned_move_on", "sustained", "ended"),
    ],
)
def test_outcome_at_6_and_12_months(start, end, reason, at_6, at_12):
    assert figures.outcome_at(start, end, reason, 6, TODAY) == at_6
    assert figures.outcome_at(start, end, reason, 12, TODAY) == at_12


def test_a_move_between_housing_first_homes_keeps_one_tenancy():
    person = ClientFactory()
    first = PlacementFactory(
        client=person,
        unit=flat("Flat 1"),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 4, 1),
        end_reason="transferred",
    )
    PlacementFactory(client=person, unit=flat("Flat 2"), start=dt.date(2025, 4, 1))
    [tenancy] = figures.tenancies(Placement.objects.all(), TODAY)
    assert tenancy.placement == first and len(tenancy.placements) == 2
    assert tenancy.at == {6: "sustained", 12: "sustained"}


def test_rates_count_only_tenancies_that_reached_the_point_and_leave_out_deaths():
    for start, end, reason in [
        (dt.date(2025, 1, 1), None, ""),
        (dt.date(2025, 1, 1), dt.date(2025, 9, 1), "eviction"),
        (dt.date(2025, 1, 1), dt.date(2025, 2, 1), "deceased"),
        (dt.date(2026, 10, 1), None, ""),
    ]:
        PlacementFactory(unit=flat(), start=start, end=end, end_reason=reason)
    PlacementFactory(unit=UnitFactory(), start=dt.date(2025, 1, 1))  # a hostel: not Housing First
    rates = figures.sustainment_rates(figures.tenancies(Placement.objects.all(), TODAY))
    six, twelve = rates
    assert (six.sustained, six.reached, six.percent) == (2, 2, 100.0)
    assert (twelve.sustained, twelve.reached, twelve.percent) == (1, 2, 50.0)


def test_the_tenancy_page_and_the_list_show_sustainment(as_role):
    unit = UnitFactory(property=PropertyFactory(type="housing_first", name="12 Alma Road"))
    placement = PlacementFactory(unit=unit, start=dt.date(2025, 1, 1))
    browser = as_role(Role.SUPPORT)
    page = browser.get(placement.get_absolute_url()).content.decode()
    assert "Housing First tenancy" in page and "At 6 months" in page and "Sustained" in page
    listing = browser.get(reverse("accommodation:housing_first")).content.decode()
    assert "12 Alma Road" in listing and "100.0%" in listing
