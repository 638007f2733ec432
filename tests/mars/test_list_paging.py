"""Lists that grew without bound now come 25 to a page, with the pager's link to the next, at a
cost that does not follow the list's length."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mars.roles import Role
from tests.clock import ORDINARY_DAY
from tests.factories import (
    AgencyFactory,
    ClientFactory,
    ContactFactory,
    HotspotFactory,
    PlacementFactory,
    PropertyFactory,
    ProviderFactory,
    SwepActivationFactory,
    UnitFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def agencies(n: int, start: int) -> None:
    for i in range(start, start + n):
        AgencyFactory(key=f"agency-{i}", name=f"Agency {i:03}")


def activations(n: int, start: int) -> None:
    for i in range(start, start + n):
        begins = timezone.now() - dt.timedelta(days=3 * (i + 1))
        SwepActivationFactory(starts=begins, ends=begins + dt.timedelta(days=1))


def people_seen(n: int, start: int) -> None:
    for i in range(start, start + n):
        ContactFactory(client=ClientFactory(last_name=f"Seen{i:03}"))


def tenancies(n: int, start: int) -> None:
    home = PropertyFactory(type="housing_first", name=f"Alma Road {start}")
    for i in range(start, start + n):
        PlacementFactory(
            unit=UnitFactory(property=home, name=f"Flat {i}"),
            start=dt.date(2026, 1, 1) + dt.timedelta(days=i),
        )


def hotspots(n: int, start: int) -> None:
    for i in range(start, start + n):
        HotspotFactory(name=f"Doorway {i:03}")


def providers(n: int, start: int) -> None:
    for i in range(start, start + n):
        ProviderFactory(name=f"Provider {i:03}")


def properties(n: int, start: int) -> None:
    for i in range(start, start + n):
        UnitFactory(property=PropertyFactory(name=f"House {i:03}"))


LISTS: list[tuple[str, str, Callable[[int, int], None], str]] = [
    ("clients:agency_list", Role.OUTREACH, agencies, "agencies"),
    ("outreach:swep_list", Role.OUTREACH, activations, "activations"),
    ("outreach:seen_recently", Role.OUTREACH, people_seen, "page"),
    ("accommodation:housing_first", Role.SUPPORT, tenancies, "tenancies"),
    ("outreach:hotspot_list", Role.OUTREACH, hotspots, "hotspots"),
    ("accommodation:provider_list", Role.OUTREACH, providers, "providers"),
    ("accommodation:property_list", Role.OUTREACH, properties, "page"),
]


@pytest.mark.parametrize(("name", "role", "make", "key"), LISTS, ids=[n for n, *_ in LISTS])
def test_a_long_list_shows_25_and_links_to_page_2_at_a_cost_that_does_not_grow(
    as_role, name, role, make, key
):
    browser = as_role(role)
    make(30, 0)
    url = reverse(name)
    browser.get(url)  # the session and caches warmed
    with CaptureQueriesContext(connection) as first:
        page = browser.get(url)
    assert len(page.context[key].object_list) == 25
    assert "page=2" in page.content.decode() and "Page 1 of 2" in page.content.decode()
    second = browser.get(url, {"page": 2})
    assert len(second.context[key].object_list) == 5
    make(30, 30)
    with CaptureQueriesContext(connection) as longer:
        browser.get(url)
    assert len(longer) == len(first)


def test_seen_recently_keeps_its_window_on_the_next_page(as_role):
    people_seen(30, 0)
    page = as_role(Role.OUTREACH).get(reverse("outreach:seen_recently"), {"days": 28})
    assert "?days=28&amp;page=2" in page.content.decode()
    assert "30 people" in page.content.decode()


def test_housing_first_keeps_its_search_on_the_next_page(as_role):
    tenancies(30, 0)
    page = as_role(Role.SUPPORT).get(reverse("accommodation:housing_first"), {"q": "Alma"})
    assert "?q=Alma&amp;page=2" in page.content.decode()
