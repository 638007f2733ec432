"""The installable outreach app: its service worker's script and version, its manifest, the
offline page, and the shell pages the worker keeps."""

from __future__ import annotations

import json
import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client as HttpClient
from django.urls import NoReverseMatch, reverse

from mars import notifications
from mars.roles import Role
from outreach import app_shell
from tests.clock import ORDINARY_DAY
from tests.factories import OutreachSessionFactory

pytestmark = pytest.mark.django_db

SHELL = {"HTTP_X_MARS_SHELL": "1"}


@pytest.fixture(autouse=True)
def fresh_version():  # type: ignore[no-untyped-def]
    app_shell.version.cache_clear()
    yield
    app_shell.version.cache_clear()


def _listed(script: str, name: str) -> list[str]:
    match = re.search(rf"^const {name} = (.*);$", script, re.MULTILINE)
    assert match, f"{name} not in the worker"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_the_worker_is_javascript_that_the_browser_checks_each_time_with_no_sign_in(
    client: HttpClient,
) -> None:
    response = client.get("/outreach/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    # Under the CSP like every response: the worker's own fetches may go to this site only.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = response.content.decode()
    assert f'const VERSION = "{app_shell.version()}";' in script
    assert 'const SCOPE = "/outreach/";' in script


def test_a_signed_in_request_for_the_worker_is_not_stored_either(as_role) -> None:  # type: ignore[no-untyped-def]
    response = as_role(Role.OUTREACH).get("/outreach/sw.js")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_the_manifest_installs_the_outreach_pages_with_no_sign_in(client: HttpClient) -> None:
    response = client.get("/outreach/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "MARS outreach"
    assert manifest["short_name"] == "MARS"
    assert manifest["start_url"] == manifest["scope"] == "/outreach/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b4f6c"
    css = Path("static/css/mars.css").read_text()
    assert "--brand: #0b4f6c" in css and "--bg: #f6f8fa" in css
    assert manifest["background_color"] == "#f6f8fa"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]


def test_the_offline_page_needs_no_sign_in_and_links_what_works_offline(
    client: HttpClient,
) -> None:
    response = client.get("/outreach/offline/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "You are offline" in page
    for link in ["/outreach/log/", "/outreach/log/?sighting=1", "/outreach/sessions/start/"]:
        assert f'href="{link}"' in page


def test_the_shell_holds_the_four_outreach_pages_and_static_files_only() -> None:
    assert app_shell.page_urls() == [
        "/outreach/",
        "/outreach/log/",
        "/outreach/sessions/start/",
        "/outreach/offline/",
    ]
    assert all(url.startswith("/static/") for url in app_shell.asset_urls())


def test_the_worker_lists_the_shell_it_keeps(client: HttpClient) -> None:
    script = client.get("/outreach/sw.js").content.decode()
    assert _listed(script, "PAGES") == app_shell.page_urls()
    assert _listed(script, "ASSETS") == app_shell.asset_urls()


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR])
def test_every_file_a_shell_page_loads_is_kept_with_it(as_role, role: Role) -> None:  # type: ignore[no-untyped-def]
    browser = as_role(role)
    kept = set(app_shell.asset_urls())
    for page in app_shell.page_urls():
        html = browser.get(page, **SHELL).content.decode()
        loaded = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html))
        assert loaded, page
        assert loaded <= kept, f"{page} loads {loaded - kept}: add them to app_shell.ASSETS"


def test_a_shell_page_that_does_not_exist_is_an_error_not_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app_shell, "PAGES", [*app_shell.PAGES, "outreach:no_such_page"])
    with pytest.raises(NoReverseMatch):
        app_shell.page_urls()


@pytest.mark.parametrize("path", ["/outreach/", "/outreach/log/", "/outreach/sessions/start/"])
def test_a_shell_page_names_no_one(client: HttpClient, make_user, path: str) -> None:  # type: ignore[no-untyped-def]
    owen = make_user(Role.OUTREACH, first_name="Owenna", last_name="Trevithick")
    notifications.notify([owen], key="test-shell", subject="A report for you")
    browser = client
    browser.force_login(owen)
    online = browser.get(path).content.decode()
    assert f'<meta name="mars-user" content="{owen.pk}">' in online
    assert '<span class="who">Owenna Trevithick</span>' in online
    assert 'class="notice-count"' in online
    kept = browser.get(path, **SHELL).content.decode()
    assert "mars-user" not in kept
    assert 'class="who"' not in kept and "Owenna Trevithick</span>" not in kept
    assert 'class="notice-count"' not in kept


@pytest.mark.time_machine(ORDINARY_DAY)
def test_the_log_page_chooses_todays_session_online_but_not_in_the_shell(as_role) -> None:  # type: ignore[no-untyped-def]
    browser = as_role(Role.OUTREACH)
    owen = browser.get("/outreach/").wsgi_request.user
    session = OutreachSessionFactory(area="Hoe and Barbican", staff=[owen])
    online = browser.get("/outreach/log/").context["form"]
    assert online.initial["session"] == session
    kept = browser.get("/outreach/log/", **SHELL)
    assert kept.context["form"].initial.get("session") is None
    assert f'<option value="{session.pk}" selected>' not in kept.content.decode()


def test_the_version_is_stable_while_nothing_changes() -> None:
    assert app_shell.compute_version() == app_shell.compute_version()
    assert app_shell.version() == app_shell.version() == app_shell.compute_version()


def test_the_version_changes_with_a_shell_files_contents() -> None:
    before = app_shell.compute_version()
    original = app_shell.read

    def css_changed(path: Path) -> bytes:
        content = original(path)
        return content + b"\n.new {}" if path.name == "mars.css" else content

    with mock.patch.object(app_shell, "read", css_changed):
        assert app_shell.compute_version() != before


def test_the_version_changes_with_a_shell_pages_template() -> None:
    before = app_shell.compute_version()
    original = app_shell.read

    def home_changed(path: Path) -> bytes:
        content = original(path)
        return (
            content + b"<p>New</p>" if path.as_posix().endswith("outreach/home.html") else content
        )

    with mock.patch.object(app_shell, "read", home_changed):
        assert app_shell.compute_version() != before


def test_the_version_changes_with_the_files_addresses(settings) -> None:  # type: ignore[no-untyped-def]
    before = app_shell.compute_version()
    settings.STATIC_URL = "/static-v2/"
    assert app_shell.compute_version() != before


def test_the_version_is_computed_once_per_process(client: HttpClient) -> None:
    with mock.patch.object(app_shell, "compute_version", return_value="first") as compute:
        assert 'const VERSION = "first";' in client.get("/outreach/sw.js").content.decode()
        compute.return_value = "second"
        assert 'const VERSION = "first";' in client.get("/outreach/sw.js").content.decode()
    assert compute.call_count == 1


def test_a_shell_request_leaves_a_pending_message_for_the_next_page(as_role) -> None:  # type: ignore[no-untyped-def]
    browser = as_role(Role.OUTREACH)
    browser.post(reverse("notifications_read"))
    kept = browser.get("/outreach/", **SHELL).content.decode()
    assert "marked read" not in kept
    assert 'class="messages"' not in kept
    shown = browser.get("/outreach/").content.decode()
    assert "0 notifications marked read." in shown


def test_outreach_pages_link_the_app_and_other_pages_do_not(as_role) -> None:  # type: ignore[no-untyped-def]
    browser = as_role(Role.OUTREACH)
    outreach = browser.get("/outreach/").content.decode()
    assert '<link rel="manifest" href="/outreach/manifest.webmanifest">' in outreach
    assert '<meta name="theme-color" content="#0b4f6c">' in outreach
    assert 'rel="apple-touch-icon"' in outreach
    assert 'data-worker="/outreach/sw.js" data-scope="/outreach/"' in outreach
    people = browser.get("/people/").content.decode()
    assert "manifest" not in people and "outreach-app-register" not in people


@pytest.mark.parametrize("path", ["/outreach/", "/outreach/offline/", "/people/"])
def test_pages_are_never_stored_by_the_browser(as_role, path: str) -> None:  # type: ignore[no-untyped-def]
    browser = as_role(Role.OUTREACH)
    for headers in [{}, SHELL]:
        response = browser.get(path, **headers)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store, private"
