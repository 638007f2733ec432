"""Playwright journeys in Debian's Chromium against the live test server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.roles import restore_roles
from tests.twofactor import code_for, give_authenticator

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
# are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("MARS_CHROMIUM", "/usr/bin/chromium"))
# Fetched by `make install` (npm ci); see package.json.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# A journey stuck on a promise that never settles fails on its own after this many seconds
# instead of holding the whole run (pytest-timeout; the longest journey takes about a minute).
JOURNEY_SECONDS = 240
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(JOURNEY_SECONDS))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package."
        if os.environ.get("CI"):
            pytest.fail(message + " CI must run the browser journeys.")
        pytest.skip(message + " Browser journeys skipped.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    contexts = []

    def open_page(viewport: dict[str, int], *, bypass_csp: bool = False):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            viewport=viewport, locale="en-GB", base_url=live_server.url, bypass_csp=bypass_csp
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.console_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def roles(transactional_db: None) -> None:
    """Live-server tests flush the database, roles and all: put the roles back."""
    restore_roles()


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in with the password and a code from the user's authenticator (given them here, with a
    known key, if they have none: set-up itself is test_two_factor_journeys')."""
    from django.contrib.auth.models import User

    device = give_authenticator(User.objects.get(username=username))
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.get_by_label("Enter the code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/")


@pytest.fixture
def axe_script() -> Path:
    """axe-core's script, or a skip (a failure under CI) when `make install` could not fetch it."""
    if not AXE.exists():
        message = f"axe-core not found at {AXE}: run `make install` (needs npm)."
        if os.environ.get("CI"):
            pytest.fail(message + " CI must run the accessibility checks.")
        pytest.skip(message + " Accessibility checks skipped.")
    return AXE


def axe_violations(page, script: Path) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """axe-core's violations on the page as it is now (the page's context must bypass the CSP)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    return page.evaluate(  # type: ignore[no-any-return]
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(
            (v) => ({id: v.id, impact: v.impact, help: v.help,
                     targets: v.nodes.map((n) => n.target.join(" "))}))"""
    )


def go_offline(context) -> None:  # type: ignore[no-untyped-def]
    """Cut the browser context off the network: its pages and its service workers' own fetches.

    Early Playwright let a service worker's fetches through while "offline" in Chromium
    (microsoft/playwright#2311). Playwright 1.65 fails them too, so `set_offline` is enough;
    test_service_worker_journeys checks that it stays so (a worker refreshing its pages offline
    gets nothing from the server)."""
    context.set_offline(True)


def go_online(context) -> None:  # type: ignore[no-untyped-def]
    context.set_offline(False)
