"""A hotspot's people seen per month over twelve months, this month's sightings, its coordinates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from mars.charts import scale_top
from mars.pages import PAGE_SIZE
from mars.roles import Role
from outreach import figures
from outreach.charts import hotspot_chart
from outreach.models import Hotspot
from tests.clock import ORDINARY_DAY, london
from tests.factories import ClientFactory, ContactFactory, HotspotFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 6, 16)  # ORDINARY_DAY in London


def months_by_label(hotspot: Hotspot) -> dict[str, tuple[int, int]]:
    return {
        m["label"]: (m["people"], m["unidentified"])
        for m in figures.hotspot_months(hotspot, today=TODAY)
    }


def unidentified(**kwargs: object):  # type: ignore[no-untyped-def]
    return ContactFactory(client=None, description="man in a green sleeping bag", **kwargs)


@pytest.mark.time_machine(ORDINARY_DAY)
def test_a_month_counts_distinct_people_and_unidentified_sightings_apart():
    hotspot = HotspotFactory(name="Bus station")
    sam, alex = ClientFactory(), ClientFactory()
    ContactFactory(client=sam, hotspot=hotspot, at=london(2027, 5, 3, 6))
    ContactFactory(client=sam, hotspot=hotspot, at=london(2027, 5, 20, 6))
    ContactFactory(client=alex, hotspot=hotspot, at=london(2027, 5, 21, 6))
    unidentified(hotspot=hotspot, at=london(2027, 5, 22, 6))
    unidentified(hotspot=hotspot, at=london(2027, 5, 23, 6))
    # Not bedded down, or somewhere else: not counted here.
    ContactFactory(hotspot=hotspot, at=london(2027, 5, 4, 6), bedded_down=False)
    ContactFactory(hotspot=HotspotFactory(name="Car park"), at=london(2027, 5, 4, 6))
    assert months_by_label(hotspot)["May 2027"] == (2, 2)


@pytest.mark.time_machine(ORDINARY_DAY)
def test_the_twelve_months_end_with_this_one_and_leave_older_ones_out():
    hotspot = HotspotFactory(name="Bus station")
    ContactFactory(hotspot=hotspot, at=london(2026, 7, 1, 6))  # the first of the twelve
    ContactFactory(hotspot=hotspot, at=london(2026, 6, 30, 6))  # thirteen months back
    ContactFactory(hotspot=hotspot, at=london(2027, 6, 16, 6))  # this morning
    months = figures.hotspot_months(hotspot, today=TODAY)
    assert months[0]["label"] == "July 2026"
    assert months[-1]["label"] == "June 2027"
    assert len(months) == 12
    assert months[0]["people"] == 1 and months[-1]["people"] == 1
    assert sum(m["people"] for m in months) == 2


@pytest.mark.time_machine(ORDINARY_DAY)
def test_months_are_london_months():
    hotspot = HotspotFactory(name="Bus station")
    # 00:30 on 1 May in London is still 30 April in UTC.
    ContactFactory(hotspot=hotspot, at=london(2027, 5, 1, 0, 30))
    # 23:30 on 31 March in London (BST) is 22:30 UTC, the same day either way; 23:30 on
    # 31 January (GMT) likewise; the boundary that moves is the one after midnight.
    ContactFactory(hotspot=hotspot, at=london(2027, 3, 31, 23, 30))
    counts = months_by_label(hotspot)
    assert counts["May 2027"] == (1, 0)
    assert counts["April 2027"] == (0, 0)
    assert counts["March 2027"] == (1, 0)


@pytest.mark.time_machine(ORDINARY_DAY)
def test_the_twelve_months_are_one_query(django_assert_num_queries):
    hotspot = HotspotFactory(name="Bus station")
    for month in range(1, 7):
        ContactFactory(hotspot=hotspot, at=london(2027, month, 2, 6))
        unidentified(hotspot=hotspot, at=london(2027, month, 3, 6))
    with django_assert_num_queries(1):
        figures.hotspot_months(hotspot, today=TODAY)


def test_the_chart_scale_rounds_up_and_draws_an_empty_year():
    assert [scale_top(n) for n in (0, 1, 3, 7, 12, 45, 101)] == [1, 1, 4, 10, 20, 50, 200]
    empty = [
        figures.HotspotMonth(month=dt.date(2027, m, 1), label="", people=0, unidentified=0)
        for m in range(1, 13)
    ]
    chart = hotspot_chart(empty)
    assert len(chart["months"]) == 12
    assert all(b["height"] == 0 for m in chart["months"] for b in m["bars"])
    full = [dict(month, people=8) for month in empty]
    tallest = hotspot_chart(full)["months"][0]["bars"][0]  # type: ignore[arg-type]
    assert tallest["height"] == 80.0  # 8 on a scale to 10


@pytest.mark.time_machine(ORDINARY_DAY)
@pytest.mark.parametrize(
    "role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR, Role.DIRECTOR, Role.ADMINISTRATOR]
)
def test_every_role_that_sees_a_hotspot_sees_its_months(as_role, role):
    hotspot = HotspotFactory(name="Bus station")
    ContactFactory(hotspot=hotspot, at=london(2027, 5, 3, 6))
    page = as_role(role).get(reverse("outreach:hotspot_detail", args=[hotspot.pk]))
    assert page.status_code == 200
    assert [m["people"] for m in page.context["months"]][-2:] == [1, 0]
    html = page.content.decode()
    assert "People seen here, last 12 months" in html
    assert '<th scope="row">May 2027</th><td class="num">1</td>' in html


@pytest.mark.time_machine(ORDINARY_DAY)
@pytest.mark.parametrize("role", [Role.PANEL, Role.RESETTLEMENT_MANAGER, Role.COMMISSIONER])
def test_roles_without_outreach_see_no_hotspot(as_role, role):
    hotspot = HotspotFactory(name="Bus station")
    page = as_role(role).get(reverse("outreach:hotspot_detail", args=[hotspot.pk]))
    assert page.status_code == 404


@pytest.mark.time_machine(ORDINARY_DAY)
def test_this_months_sightings_are_listed_and_last_months_are_not(as_role, sam):
    hotspot = HotspotFactory(name="Bus station")
    ContactFactory(client=sam, hotspot=hotspot, at=london(2027, 6, 2, 6))
    unidentified(hotspot=hotspot, at=london(2027, 6, 3, 6))
    older = ContactFactory(hotspot=hotspot, at=london(2027, 5, 30, 6))
    page = as_role(Role.COORDINATOR).get(reverse("outreach:hotspot_detail", args=[hotspot.pk]))
    sightings = list(page.context["sightings"])
    assert len(sightings) == 2 and older not in sightings
    html = page.content.decode()
    assert "Sightings this month (June 2027)" in html
    assert "Sam Example" in html and "Unidentified: man in a green sleeping bag" in html


@pytest.mark.time_machine(ORDINARY_DAY)
def test_this_months_sightings_page_through(as_role):
    hotspot = HotspotFactory(name="Bus station")
    for n in range(PAGE_SIZE + 2):
        ContactFactory(hotspot=hotspot, at=london(2027, 6, 1, 6) + dt.timedelta(minutes=n))
    browser = as_role(Role.OUTREACH)
    url = reverse("outreach:hotspot_detail", args=[hotspot.pk])
    assert len(browser.get(url).context["sightings"]) == PAGE_SIZE
    assert len(browser.get(url + "?page=2").context["sightings"]) == 2


@pytest.mark.time_machine(ORDINARY_DAY)
def test_reading_this_months_sightings_is_in_the_access_log(as_role, sam):
    hotspot = HotspotFactory(name="Bus station")
    ContactFactory(client=sam, hotspot=hotspot, at=london(2027, 6, 2, 6))
    as_role(Role.SUPPORT).get(reverse("outreach:hotspot_detail", args=[hotspot.pk]))
    event = AccessEvent.objects.get(username="support")
    assert event.people == [sam.pk]


@pytest.mark.time_machine(ORDINARY_DAY)
def test_the_administrator_sees_the_figures_but_no_one_in_them(as_role, sam):
    hotspot = HotspotFactory(name="Bus station")
    ContactFactory(client=sam, hotspot=hotspot, at=london(2027, 6, 2, 6))
    page = as_role(Role.ADMINISTRATOR).get(reverse("outreach:hotspot_detail", args=[hotspot.pk]))
    assert page.context["sightings"] is None
    assert page.context["months"][-1]["people"] == 1
    assert b"Sam Example" not in page.content
    assert not AccessEvent.objects.filter(people__contains=[sam.pk]).exists()


# Coordinates


def test_the_coordinator_gives_a_hotspot_coordinates_and_its_history_says_so(as_role):
    browser = as_role(Role.COORDINATOR)
    hotspot = HotspotFactory(name="Bus station")
    response = browser.post(
        reverse("outreach:hotspot_edit", args=[hotspot.pk]),
        {"name": "Bus station", "active": "on", "latitude": "50.37139", "longitude": "-4.14256"},
    )
    assert response.status_code == 302
    hotspot.refresh_from_db()
    assert (hotspot.latitude, hotspot.longitude) == (Decimal("50.37139"), Decimal("-4.14256"))
    page = browser.get(hotspot.get_absolute_url())
    assert dict(page.context["rows"])["Latitude, longitude"] == "50.37139, -4.14256"
    changes = page.context["history"][0].changes
    assert {c.field for c in changes} >= {"Latitude", "Longitude"}


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        ("50.37139", "", "longitude"),
        ("", "-4.14256", "latitude"),
        ("91", "-4.14256", "latitude"),
        ("50.37139", "-180.5", "longitude"),
        ("50.371391", "-4.14256", "latitude"),
    ],
)
def test_coordinates_come_in_range_as_a_pair(as_role, latitude, longitude, field):
    browser = as_role(Role.COORDINATOR)
    response = browser.post(
        reverse("outreach:hotspot_create"),
        {"name": "Bus station", "active": "on", "latitude": latitude, "longitude": longitude},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert form["name"].value() == "Bus station"  # nothing typed is lost
    assert not Hotspot.objects.exists()


def test_the_api_takes_and_refuses_coordinates(as_role):
    api = as_role(Role.COORDINATOR)
    url = reverse("hotspot-list")
    made = api.post(
        url,
        {"name": "Bus station", "latitude": "50.37139", "longitude": "-4.14256"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert (made.json()["latitude"], made.json()["longitude"]) == ("50.37139", "-4.14256")
    half = api.patch(
        reverse("hotspot-detail", args=[made.json()["id"]]),
        {"longitude": None},
        content_type="application/json",
    )
    assert half.status_code == 400
    assert "longitude" in half.json()
    far = api.post(
        url,
        {"name": "Car park", "latitude": "95", "longitude": "0"},
        content_type="application/json",
    )
    assert far.status_code == 400 and "latitude" in far.json()
