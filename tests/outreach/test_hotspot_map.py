"""The hotspot list on a map: Leaflet served by MARS, tiles from MAP_TILE_URL's server only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from mars.map_tiles import tile_origin
from mars.roles import Role
from tests.factories import HotspotFactory

TILES = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"


def on_map(name: str):  # type: ignore[no-untyped-def]
    return HotspotFactory(name=name, latitude=Decimal("50.37139"), longitude=Decimal("-4.14256"))


@pytest.mark.django_db
def test_with_no_tile_server_the_list_shows_without_a_map(as_role, settings):
    settings.MAP_TILE_URL = ""
    on_map("Bus station")
    html = as_role(Role.COORDINATOR).get(reverse("outreach:hotspot_list")).content.decode()
    assert "Bus station" in html
    assert "data-hotspot-map" not in html
    assert "leaflet" not in html.lower()
    assert "hotspot-map.js" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR, Role.DIRECTOR, Role.ADMINISTRATOR]
)
def test_with_a_tile_server_the_list_shows_its_hotspots_on_a_map(as_role, settings, role):
    settings.MAP_TILE_URL = TILES
    settings.MAP_TILE_ATTRIBUTION = "© Test <tiles>"
    on_map("Bus station")
    HotspotFactory(name="Car park")  # no coordinates: listed, not on the map
    html = as_role(role).get(reverse("outreach:hotspot_list")).content.decode()
    assert f'data-tiles="{TILES}"' in html
    assert 'data-attribution="© Test &lt;tiles&gt;"' in html
    assert "/static/leaflet/leaflet.js" in html and "/static/js/hotspot-map.js" in html
    assert 'data-name="Bus station"' in html
    assert 'data-latitude="50.37139" data-longitude="-4.14256"' in html
    assert 'data-name="Car park"' not in html
    assert "not on the map (no coordinates)" in html
    # The map is not the only way to the places: the list is its text alternative.
    assert (
        'aria-label="Map of the hotspots on this page (the list below gives the same places)"'
        in html
    )


@pytest.mark.django_db
def test_no_map_when_no_hotspot_has_coordinates(as_role, settings):
    settings.MAP_TILE_URL = TILES
    HotspotFactory(name="Car park")
    html = as_role(Role.OUTREACH).get(reverse("outreach:hotspot_list")).content.decode()
    assert "data-hotspot-map" not in html and "leaflet" not in html.lower()


def test_leaflet_is_served_by_mars_itself():
    for name in (
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "leaflet/images/marker-icon.png",
        "js/hotspot-map.js",
    ):
        assert finders.find(name), name


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("", None),
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png?key=abc", "https://*.tile.example.org"),
        ("http://127.0.0.1:8089/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8089"),
    ],
)
def test_the_tile_servers_origin_comes_from_the_url(url, origin):
    assert tile_origin(url) == origin


@pytest.mark.parametrize(
    "url",
    [
        "tile.example.org/{z}/{x}/{y}.png",
        "ftp://tiles.example.org/{z}",
        "https://{z}.example.org/x",
    ],
)
def test_a_tile_url_that_names_no_server_is_refused(url):
    with pytest.raises(ImproperlyConfigured):
        tile_origin(url)


def test_by_default_images_come_from_mars_alone():
    assert django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


def img_src_with(tile_url: str) -> list[str]:
    """The settings' img-src when started with this MAP_TILE_URL (a fresh interpreter: the
    settings read the environment once)."""
    env = {**os.environ, "DJANGO_DEBUG": "1", "MAP_TILE_URL": tile_url}
    code = (
        "import json, mars.settings as s; "
        "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_csp_allows_images_from_the_tile_server_and_no_other():
    assert img_src_with("https://tiles.example.org/{z}/{x}/{y}.png") == [
        "'self'",
        "data:",
        "https://tiles.example.org",
    ]
    assert img_src_with("") == ["'self'", "data:"]
