"""A hotspot's twelve months in the API: the same counts as its page, to those who may see it."""

from __future__ import annotations

import pytest

from mars.roles import Role
from tests.clock import ORDINARY_DAY, london
from tests.factories import ClientFactory, ContactFactory, HotspotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


@pytest.fixture
def hotspot():
    hotspot = HotspotFactory(name="Bus station")
    sam = ClientFactory()
    ContactFactory(client=sam, hotspot=hotspot, at=london(2027, 5, 3, 6))
    ContactFactory(client=sam, hotspot=hotspot, at=london(2027, 5, 20, 6))
    ContactFactory(
        client=None, description="man in a green coat", hotspot=hotspot, at=london(2027, 5, 22, 6)
    )
    ContactFactory(hotspot=hotspot, at=london(2027, 6, 16, 6))
    return hotspot


def _months(client, hotspot):
    return client.get(f"/api/hotspots/{hotspot.pk}/months/")


@pytest.mark.parametrize(
    "role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR, Role.DIRECTOR, Role.ADMINISTRATOR]
)
def test_those_who_see_the_hotspot_page_get_its_months(as_role, role, hotspot):
    answer = _months(as_role(role), hotspot)
    assert answer.status_code == 200
    months = answer.json()
    assert len(months) == 12
    assert months[0] == {
        "month": "2026-07-01",
        "label": "July 2026",
        "people": 0,
        "unidentified": 0,
    }
    assert months[-2] == {
        "month": "2027-05-01",
        "label": "May 2027",
        "people": 1,
        "unidentified": 1,
    }
    assert months[-1]["label"] == "June 2027" and months[-1]["people"] == 1


@pytest.mark.parametrize("role", [Role.PANEL, Role.RESETTLEMENT_MANAGER, Role.COMMISSIONER])
def test_those_who_may_not_see_hotspots_do_not_find_its_months(as_role, role, hotspot):
    assert _months(as_role(role), hotspot).status_code == 404


def test_the_anonymous_get_no_months(client, hotspot):
    assert _months(client, hotspot).status_code == 403


def test_the_months_are_in_the_schema_as_a_list(as_role):
    paths = as_role(Role.COORDINATOR).get("/api/schema/", {"format": "json"}).json()["paths"]
    months = paths["/api/hotspots/{id}/months/"]["get"]
    answer = months["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["type"] == "array"
    assert answer["items"]["$ref"].endswith("/HotspotMonth")
    # Twelve months, whole: neither paged nor filtered like the hotspot list.
    assert [p["name"] for p in months["parameters"]] == ["id"]
