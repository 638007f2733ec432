"""The coordinator opens a hotspot's page and sees its months; the hotspot list on a map, its
tiles from a test tile server that Playwright answers (no outside network)."""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, sign_in
from tests.clock import ORDINARY_DAY, london
from tests.factories import ClientFactory, ContactFactory, HotspotFactory, UserFactory
from tests.funds.files import image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILE_SERVER = "http://127.0.0.1:9"


@pytest.fixture
def tile_server(settings):  # type: ignore[no-untyped-def]
    """MAP_TILE_URL set as the settings would start with it: the CSP allows its origin."""
    settings.MAP_TILE_URL = TILE_SERVER + "/tiles/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Test tiles"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"].append(TILE_SERVER)
    settings.CONTENT_SECURITY_POLICY = policy


def serve_tiles(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Answer the tile server's requests with a small PNG; return the URLs asked for."""
    asked: list[str] = []
    tile = image("PNG")

    def answer(route) -> None:  # type: ignore[no-untyped-def]
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=tile)

    page.route(re.compile(r"^http://127\.0\.0\.1:9/"), answer)
    return asked


def test_the_coordinator_sees_a_hotspots_months_and_the_hotspots_on_a_map(
    open_page, tile_server, time_machine, axe_script
):
    time_machine.move_to(ORDINARY_DAY, tick=True)
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    bus = HotspotFactory(
        name="Bus station", latitude=Decimal("50.37490"), longitude=Decimal("-4.13520")
    )
    HotspotFactory(
        name="Pannier market", latitude=Decimal("50.37230"), longitude=Decimal("-4.14360")
    )
    HotspotFactory(name="Old quarry")  # no coordinates: in the list, not on the map
    sam = ClientFactory(first_name="Sam", last_name="Example")
    alex = ClientFactory(first_name="Alex", last_name="Hart")
    ContactFactory(client=sam, hotspot=bus, at=london(2027, 4, 3, 6))
    ContactFactory(client=sam, hotspot=bus, at=london(2027, 5, 3, 6))
    ContactFactory(client=alex, hotspot=bus, at=london(2027, 5, 9, 6))
    ContactFactory(
        client=None, description="woman with a grey dog", hotspot=bus, at=london(2027, 5, 10, 6)
    )
    ContactFactory(client=alex, hotspot=bus, at=london(2027, 6, 14, 6))

    # At her desk, the list shows the two hotspots with coordinates on the map.
    desk = open_page(DESKTOP)
    asked = serve_tiles(desk)
    sign_in(desk, "coordinator")
    desk.goto("/outreach/hotspots/")
    region = desk.get_by_role("region", name=re.compile("Map of the hotspots"))
    expect(region).to_be_visible()
    expect(desk.locator(".leaflet-marker-icon")).to_have_count(2)
    expect(desk.get_by_role("button", name="Bus station")).to_be_visible()
    expect(desk.get_by_text("not on the map (no coordinates)")).to_be_visible()
    expect(desk.locator(".leaflet-tile-loaded").first).to_be_visible()
    assert asked and all(url.startswith(TILE_SERVER + "/tiles/") for url in asked)
    expect(desk.locator(".leaflet-control-attribution")).to_contain_text("© Test tiles")

    # A marker leads to the hotspot's page.
    desk.get_by_role("button", name="Bus station").click()
    desk.locator(".leaflet-popup").get_by_role("link", name="Bus station").click()
    expect(desk.get_by_role("heading", name="Bus station", level=1)).to_be_visible()
    months = desk.get_by_role("table", name=re.compile("by month"))
    expect(months.get_by_role("row", name=re.compile(r"^May 2027 2 1$"))).to_be_visible()
    expect(months.get_by_role("row", name=re.compile(r"^April 2027 1 0$"))).to_be_visible()
    expect(desk.get_by_role("img", name=re.compile("People seen bedded down here"))).to_be_visible()
    sightings = desk.get_by_role("heading", name="Sightings this month (June 2027)")
    expect(sightings).to_be_visible()
    expect(desk.get_by_role("link", name=re.compile("Alex Hart"))).to_be_visible()
    assert desk.console_errors == []

    # On a phone the same pages fit the screen and pass the accessibility checks.
    phone = open_page(PHONE, bypass_csp=True)
    serve_tiles(phone)
    sign_in(phone, "coordinator")
    for url in ("/outreach/hotspots/", bus.get_absolute_url()):
        phone.goto(url)
        if url.endswith("/hotspots/"):
            expect(phone.locator(".leaflet-marker-icon")).to_have_count(2)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
        for viewport in (PHONE, DESKTOP):
            phone.set_viewport_size(viewport)
            assert axe_violations(phone, axe_script) == [], (url, viewport)
        phone.set_viewport_size(PHONE)
