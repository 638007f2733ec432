"""List pages make a fixed number of queries: with eight of each record, a query per record
would pass the bound."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accommodation import services
from mars.roles import Role
from tests.factories import (
    A2AReferralFactory,
    MarsHouseReferralFactory,
    PlacementFactory,
    PropertyFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(mars_house, coordinator):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for n in range(8):
        prop = PropertyFactory(type="housing_first" if n % 2 else "hostel")
        unit = UnitFactory(property=prop)
        UnitFactory(property=prop)
        PlacementFactory(
            unit=unit,
            start=today - dt.timedelta(days=300),
            planned_end=today + dt.timedelta(days=n),
        )
        referral = A2AReferralFactory()
        if n % 3 == 0:
            services.decide_referral(referral, approve=True, reason="Yes", by=coordinator)
        MarsHouseReferralFactory()
    return mars_house


@pytest.mark.parametrize(
    "name",
    [
        "accommodation:board",
        "accommodation:referral_list",
        "accommodation:placement_list",
        "accommodation:housing_first",
        "accommodation:mars_house",
        "accommodation:property_list",
        "accommodation:voids",
    ],
)
def test_list_pages_make_a_fixed_number_of_queries(
    as_role, many, name, django_assert_max_num_queries
):
    browser = as_role(Role.COORDINATOR)
    # Alerts: two prefetches a list; and on every signed-in request the session's second-factor
    # device (django-otp), the signed-in session's row and the access log's row.
    with django_assert_max_num_queries(25):
        response = browser.get(
            reverse(name) + ("?show=decided" if name.endswith("referral_list") else "")
        )
    assert response.status_code == 200


def test_the_units_api_says_which_are_free_without_a_query_a_row(
    as_role, many, django_assert_max_num_queries
):
    browser = as_role(Role.COORDINATOR)
    with django_assert_max_num_queries(12):
        units = browser.get("/api/units/").json()["results"]
    assert len(units) >= 16
    free = {u["id"]: u["free_today"] for u in units}
    occupied = PlacementFactory._meta.model.objects.current().values_list("unit_id", flat=True)
    assert all(free[pk] is False for pk in occupied if pk in free)
    assert any(free.values())
