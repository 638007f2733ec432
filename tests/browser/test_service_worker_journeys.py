"""The installable outreach app in Chromium on a phone: what its service worker keeps (the outreach
shell, nothing else), what opens with no network, and how a new MARS replaces an old worker."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from mars.roles import Role
from outreach import app_shell
from tests.browser.conftest import PHONE, go_offline, go_online, sign_in
from tests.clock import ORDINARY_DAY
from tests.factories import ClientFactory, ContactFactory, OutreachSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each script below gives up after 15 s with an error, so a worker that never answers fails the
# test instead of hanging it.
WITHIN = """const within = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error("Timed out: " + what)), 15000))]);"""

WORKER_READY = """async () => {
    WITHIN
    const registration = await within(navigator.serviceWorker.ready, "the worker");
    for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return [registration.scope, registration.active.state, !!navigator.serviceWorker.controller];
}"""

# Every cache in the page's Cache Storage, with the paths of the requests it holds.
CACHE_STORAGE = """async () => {
    const held = {};
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        held[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
    }
    return held;
}"""

KEPT_PAGE = """async ([name, path]) => {
    const response = await (await caches.open(name)).match(path);
    return response ? await response.text() : null;
}"""

# Ask the worker to fetch the shell pages again, and wait for it to say it has.
REFRESH_SHELL = """async () => {
    const channel = new MessageChannel();
    const answered = new Promise((resolve) => {
        channel.port1.onmessage = (event) => resolve(event.data);
    });
    navigator.serviceWorker.controller.postMessage({type: "refresh-shell"}, [channel.port2]);
    WITHIN
    return await within(answered, "the shell refreshed");
}"""

UPDATE = """async (expected) => {
    const registration = await navigator.serviceWorker.getRegistration("/outreach/");
    WITHIN
    await within(registration.update(), "the update");
    for (let i = 0; i < 100; i++) {
        const names = await caches.keys();
        if (names.length === 1 && names[0] === expected && registration.active
            && registration.active.state === "activated" && !registration.installing
            && !registration.waiting) {
            return names;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return await caches.keys();
}"""


DELETE_CACHES = """async () => {
    for (const name of await caches.keys()) {
        await caches.delete(name);
    }
}"""

# Wait (15 s at most) until the cache holds every one of the paths; answer what it holds.
CACHE_HOLDS = """async ([name, paths]) => {
    for (let i = 0; i < 150; i++) {
        const cache = await caches.open(name);
        const held = (await cache.keys()).map((request) => new URL(request.url).pathname);
        if (paths.every((path) => held.includes(path)) || i === 149) {
            return held;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}"""

WORKER_READY, REFRESH_SHELL, UPDATE = (
    script.replace("WITHIN", WITHIN) for script in (WORKER_READY, REFRESH_SHELL, UPDATE)
)

# A day after the real one (Chromium keeps its own clock and drops cookies from the past).
DAY = ORDINARY_DAY


@pytest.fixture
def fresh_version():  # type: ignore[no-untyped-def]
    """The live server runs in this process: a test may change what the version is made of."""
    app_shell.version.cache_clear()
    yield
    app_shell.version.cache_clear()


def test_the_outreach_app_keeps_only_its_shell_opens_offline_and_replaces_itself_on_upgrade(
    open_page, fresh_version: None, monkeypatch: pytest.MonkeyPatch, time_machine
) -> None:
    time_machine.move_to(DAY, tick=True)
    owen = UserFactory(username="outreach", role=Role.OUTREACH, first_name="Owen")
    sam = ClientFactory(first_name="Sam", last_name="Trelawny")
    contact = ContactFactory(client=sam, worker=owen, at=DAY - dt.timedelta(hours=2))
    session = OutreachSessionFactory(area="Hoe and Barbican", date=DAY.date())
    tomorrow = DAY.date() + dt.timedelta(days=1)
    page = open_page(PHONE)
    context = page.context
    sign_in(page, "outreach")

    # Opening the outreach home sets the app up: the worker takes this page over at once.
    page.goto("/outreach/")
    assert page.evaluate(WORKER_READY)[1:] == ["activated", True]
    assert page.evaluate(WORKER_READY)[0].endswith("/outreach/")
    assert page.console_errors == []  # the manifest, the icons and the worker pass the CSP
    # Chromium reads the manifest without complaint and would offer to install the app, but for
    # Playwright's private window.
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getAppManifest")["errors"] == []
    installability = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in installability] == ["in-incognito"]
    # Pages read online, in and out of outreach, and the API, are not written to the cache.
    for path in [
        f"/people/{sam.pk}/",
        contact.get_absolute_url(),
        session.get_absolute_url(),
        "/outreach/sightings/",
        "/api/contacts/",
        "/outreach/",
    ]:
        assert page.goto(path).status == 200, path  # type: ignore[union-attr]

    version = app_shell.version()
    first = f"{app_shell.CACHE_PREFIX}{version}"
    held = page.evaluate(CACHE_STORAGE)
    assert list(held) == [first]
    assert sorted(held[first]) == sorted(app_shell.page_urls() + app_shell.asset_urls())
    assert all(p.startswith(("/outreach/", "/static/")) for p in held[first])
    kept_home = page.evaluate(KEPT_PAGE, [first, "/outreach/"])
    assert "Hoe and Barbican" in kept_home and "Trelawny" not in kept_home

    # No network: the shell opens, query and all; other outreach pages say they need the network.
    go_offline(context)
    page.goto("/outreach/")
    expect(page.get_by_role("heading", name="Outreach", exact=True)).to_be_visible()
    for path, title in [
        ("/outreach/log/", "Log a contact"),
        ("/outreach/log/?sighting=1", "Log an unidentified sighting"),
        ("/outreach/sessions/start/", "Start today's session"),
    ]:
        page.goto(path)
        expect(page.locator("main h1")).to_have_text(title)
        expect(page.get_by_role("heading", name="You are offline")).to_have_count(0)
    page.goto("/outreach/sightings/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_text("The page you asked for needs the network.")).to_be_visible()
    expect(page.get_by_role("link", name="Log a sighting")).to_have_attribute(
        "href", "/outreach/log/?sighting=1"
    )
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(f"/people/{sam.pk}/")  # outside /outreach/: the browser's own error
    page.wait_for_url(re.compile(r"^chrome-error://"))  # let it settle before going on

    # Offline means offline for the worker too: refreshing the shell gets nothing new.
    OutreachSessionFactory(area="Devonport Park", date=tomorrow)
    page.goto("/outreach/")
    assert page.evaluate(REFRESH_SHELL) == {"type": "shell-refreshed", "version": version}
    assert "Devonport Park" not in page.evaluate(KEPT_PAGE, [first, "/outreach/"])
    go_online(context)
    page.evaluate(REFRESH_SHELL)
    assert "Devonport Park" in page.evaluate(KEPT_PAGE, [first, "/outreach/"])

    # MARS is upgraded (a shell file changed: a new version) while a form is being filled.
    page.goto("/outreach/")
    page.get_by_label("Find a person to log a contact").fill("Mick")
    page.evaluate(
        "() => navigator.serviceWorker.addEventListener('controllerchange', "
        "() => { window.marsNewWorker = true; })"
    )
    original = app_shell.read

    def upgraded(path: Path) -> bytes:
        content = original(path)
        return content + b"\n/* 2.0 */" if path.name == "mars.css" else content

    monkeypatch.setattr(app_shell, "read", upgraded)
    app_shell.version.cache_clear()
    second = f"{app_shell.CACHE_PREFIX}{app_shell.version()}"
    assert second != first
    OutreachSessionFactory(area="Stonehouse Creek", date=tomorrow)
    assert page.evaluate(UPDATE, second) == [second]  # the old version's cache is gone
    held = page.evaluate(CACHE_STORAGE)
    assert sorted(held[second]) == sorted(app_shell.page_urls() + app_shell.asset_urls())
    # The new worker took over without reloading the form being filled.
    assert page.evaluate("() => window.marsNewWorker") is True
    expect(page.get_by_label("Find a person to log a contact")).to_have_value("Mick")

    # The next page is the new one, online and off.
    page.goto("/outreach/")
    expect(page.get_by_text("Stonehouse Creek")).to_be_visible()
    go_offline(context)
    page.goto("/outreach/")
    expect(page.get_by_text("Stonehouse Creek")).to_be_visible()
    go_online(context)


def test_a_shell_page_the_worker_may_not_have_is_not_kept_and_does_not_stop_the_app(
    open_page, fresh_version: None
) -> None:
    # Signed out, the outreach home redirects to sign in: the worker keeps the rest.
    page = open_page(PHONE)
    page.goto("/outreach/offline/")
    assert page.evaluate(WORKER_READY)[1:] == ["activated", True]
    name = f"{app_shell.CACHE_PREFIX}{app_shell.version()}"
    held = page.evaluate(CACHE_STORAGE)
    assert list(held) == [name]
    assert "/outreach/" not in held[name]
    assert sorted(held[name]) == sorted(["/outreach/offline/", *app_shell.asset_urls()])
    assert page.evaluate(REFRESH_SHELL)["type"] == "shell-refreshed"
    assert "/outreach/" not in page.evaluate(CACHE_STORAGE)[name]

    go_offline(page.context)
    page.goto("/outreach/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    go_online(page.context)


def _signed_in_with_the_shell(open_page):  # type: ignore[no-untyped-def]
    UserFactory(username="outreach", role=Role.OUTREACH)
    page = open_page(PHONE)
    sign_in(page, "outreach")
    page.goto("/outreach/")
    assert page.evaluate(WORKER_READY)[1:] == ["activated", True]
    name = f"{app_shell.CACHE_PREFIX}{app_shell.version()}"
    shell = app_shell.page_urls() + app_shell.asset_urls()
    assert sorted(page.evaluate(CACHE_HOLDS, [name, shell])) == sorted(shell)
    return page, name


def test_an_upgrade_while_signed_out_keeps_the_working_shell(
    open_page, fresh_version: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    page, _ = _signed_in_with_the_shell(open_page)
    page.context.clear_cookies()  # the session ends; the phone keeps its caches

    original = app_shell.read
    monkeypatch.setattr(
        app_shell,
        "read",
        lambda path: original(path) + (b"/* 2.0 */" if path.name == "mars.css" else b""),
    )
    app_shell.version.cache_clear()
    second = f"{app_shell.CACHE_PREFIX}{app_shell.version()}"
    assert page.evaluate(UPDATE, second) == [second]
    # The pages redirect to sign in now: the new version carries the old ones over.
    held = page.evaluate(CACHE_STORAGE)[second]
    assert sorted(held) == sorted(app_shell.page_urls() + app_shell.asset_urls())
    assert "Log a contact" in page.evaluate(KEPT_PAGE, [second, "/outreach/log/"])

    go_offline(page.context)
    page.goto("/outreach/log/")
    expect(page.locator("main h1")).to_have_text("Log a contact")
    go_online(page.context)


def test_an_upgrade_that_cannot_fetch_a_file_leaves_the_old_worker(
    open_page, fresh_version: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    page, first = _signed_in_with_the_shell(open_page)
    # The old cache lacks the file too, so no copy of it is to be had.
    page.evaluate(
        "async ([name, path]) => (await caches.open(name)).delete(path)",
        [first, "/static/js/locate.js"],
    )
    page.context.route("**/static/js/locate.js", lambda route: route.abort())
    original = app_shell.read
    monkeypatch.setattr(
        app_shell,
        "read",
        lambda path: original(path) + (b"/* 2.0 */" if path.name == "mars.css" else b""),
    )
    app_shell.version.cache_clear()
    # The install fails: its cache is dropped, the old worker and cache stay.
    assert page.evaluate(UPDATE, "no such cache") == [first]
    script = page.evaluate(
        "async () => (await navigator.serviceWorker.getRegistration('/outreach/')).active.scriptURL"
    )
    assert script.endswith("/outreach/sw.js")
    assert page.evaluate(
        "async () => !(await navigator.serviceWorker.getRegistration('/outreach/')).waiting"
    )
    page.context.unroute_all(behavior="ignoreErrors")


def test_a_page_opened_online_brings_back_a_deleted_shell(open_page, fresh_version: None) -> None:
    page, name = _signed_in_with_the_shell(open_page)
    page.evaluate(DELETE_CACHES)  # as sign-out does
    assert page.evaluate(CACHE_STORAGE) == {}
    page.goto("/outreach/sightings/")
    shell = app_shell.page_urls() + app_shell.asset_urls()
    assert sorted(page.evaluate(CACHE_HOLDS, [name, shell])) == sorted(shell)
    go_offline(page.context)
    page.goto("/outreach/sessions/start/")
    expect(page.locator("main h1")).to_have_text("Start today's session")
    go_online(page.context)


def test_a_shell_page_opens_from_the_phone_on_a_weak_signal_or_a_server_error(
    open_page, fresh_version: None
) -> None:
    page, _ = _signed_in_with_the_shell(open_page)
    context = page.context
    # The server answers "try later": the kept page opens instead.
    context.route(
        "**/outreach/sessions/start/",
        lambda route: route.fulfill(status=503, body="Service unavailable"),
    )
    page.goto("/outreach/sessions/start/")
    expect(page.locator("main h1")).to_have_text("Start today's session")
    # The network does not answer at all: after a few seconds the kept page opens.
    stalled = []
    context.route("**/outreach/log/", lambda route: stalled.append(route))
    page.goto("/outreach/log/")
    expect(page.locator("main h1")).to_have_text("Log a contact")
    assert stalled
    # Another page waits for the network as long as it takes (here: an error at once).
    context.route("**/outreach/sightings/", lambda route: route.fulfill(status=503, body="Down"))
    page.goto("/outreach/sightings/")
    expect(page.locator("body")).to_have_text("Down")
    context.unroute_all(behavior="ignoreErrors")
