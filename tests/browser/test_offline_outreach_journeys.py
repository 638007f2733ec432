"""Outreach with no signal (issue 21): the phone keeps what the worker saves until it can send it,
sends each entry once whatever happens to the network, brings refusals back for correction, and
leaves nothing behind after sign-out."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from clients.services import merge_clients
from mars.roles import Role
from outreach.models import Contact, OutreachSession
from tests.browser.conftest import PHONE, go_offline, go_online, sign_in
from tests.factories import PASSWORD, ClientFactory, ContactFactory, UserFactory, plan_in_force
from tests.twofactor import code_for, give_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Read through the page's own store (static/js/phone-store.js): opening the database from the
# test would create it without its stores.
PEOPLE_KEPT = "() => window.MarsPhone.store.get('meta', 'people').then((m) => Boolean(m))"
PHONE_STORE_GONE = "() => indexedDB.databases().then((l) => !l.some((d) => d.name == 'mars-phone'))"
SHELL_GONE = (
    "() => caches.keys().then((names) => !names.some((n) => n.startsWith('mars-outreach-')))"
)
QUEUED = "() => window.MarsPhone.store.all('queue')"
USER_KEPT = "() => window.MarsPhone.store.get('meta', 'user').then((m) => Boolean(m))"

# Every tap (a click event anywhere, on every page the tab opens), kept in the tab's
# sessionStorage so that it survives the navigations of the journey.
TAP_COUNTER = """document.addEventListener("click", () => {
  const taps = Number(sessionStorage.getItem("mars-test-taps") || 0);
  sessionStorage.setItem("mars-test-taps", String(taps + 1));
}, true);"""

# The moment Save is pressed with no signal, as the phone's clock has it: fixed, and before the
# server's now (the contact is made when it is sent, later).
PRESSED = dt.datetime(2025, 6, 1, 6, 12, 30, tzinfo=dt.UTC)


# Every page and file the kept log page needs is in the service worker's cache.
SHELL_KEPT = """async () => {
  const names = (await caches.keys()).filter((n) => n.startsWith('mars-outreach-'));
  if (!names.length) return false;
  const cache = await caches.open(names[0]);
  const page = await cache.match('/outreach/log/', {ignoreVary: true});
  if (!page) return false;
  const html = await page.text();
  const files = /<(?:script|link)[^>]+(?:src|href)="(\\/static\\/[^"]+)"/g;
  const wanted = [...html.matchAll(files)].map((m) => m[1]);
  for (const path of ['/outreach/', '/outreach/sessions/start/', ...wanted]) {
    if (!(await cache.match(path, {ignoreVary: true}))) return false;
  }
  return true;
}"""


def ready_for_the_street(page: Any) -> None:
    """The outreach home opened with a signal: the service worker keeps the shell (every file
    the log page loads) and the phone holds the list of people and who is signed in."""
    page.goto("/outreach/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(SHELL_KEPT)
    page.wait_for_function(PEOPLE_KEPT)
    page.wait_for_function(USER_KEPT)


def sign_in_again(page: Any, user: Any) -> None:
    """From the sign-in page the phone's link opened (next: /outreach/log/), with both factors."""
    device = give_authenticator(user)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.get_by_label("Enter the code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/outreach/log/")


def status(page: Any) -> Any:
    return page.locator("[data-phone-count]")


def pick(page: Any, typed: str, name: str) -> None:
    """Find someone on the phone's list and choose them."""
    page.get_by_label("Find the person on this phone's list").click()
    page.get_by_label("Find the person on this phone's list").fill(typed)
    page.get_by_role("button", name=re.compile(name)).click()


def test_an_outreach_worker_logs_with_no_signal_and_everything_arrives_once(open_page):
    owen = UserFactory(username="outreach", role=Role.OUTREACH, first_name="Owen", last_name="Hale")
    coordinator = UserFactory(username="coordinator", role=Role.COORDINATOR)
    mick = ClientFactory(first_name="Michael", last_name="O'Brien", known_as="Mick")
    robyn = ClientFactory(first_name="Robyn", last_name="Hart")
    dee = ClientFactory(first_name="Dee", last_name="Walsh")
    dee_again = ClientFactory(first_name="Dee", last_name="Walsh", known_as="DJ")
    for person in (mick, robyn, dee, dee_again):
        ContactFactory(client=person, worker=owen)  # seen lately: on the phone's list
    plan_in_force(mick, alerts=[("dog_on_site", "Staffie"), ("medical", "Seizures")])
    before = set(Contact.objects.values_list("pk", flat=True))
    page = open_page(PHONE)
    page.add_init_script(TAP_COUNTER)
    sign_in(page, "outreach")
    ready_for_the_street(page)

    # The first screen of the outreach home holds the three main actions.
    for name in ("Start today's session", "Log a contact", "Log a sighting"):
        box = page.get_by_role("link", name=name, exact=True).bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], name

    # Today's session, started with a signal.
    page.get_by_role("link", name="Start today's session").click()
    page.get_by_label("Area or route").fill("Hoe and Barbican")
    page.get_by_role("button", name="Start session").click()
    expect(page.get_by_role("link", name="Today's session: Hoe and Barbican")).to_be_visible()
    session = OutreachSession.objects.get()
    assert list(session.staff.all()) == [owen]

    # No signal. What is saved is kept with the moment Save was pressed, not when it is sent.
    # From the outreach home's search box, counting every tap.
    go_offline(page.context)
    page.clock.set_fixed_time(PRESSED)
    page.goto("/outreach/")
    page.evaluate("() => sessionStorage.setItem('mars-test-taps', '0')")
    page.get_by_label("Find a person to log a contact").click()
    page.get_by_label("Find a person to log a contact").fill("mick")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="Log a contact")).to_be_visible()
    assert page.url.endswith("/outreach/log/?q=mick")
    expect(page.get_by_label("Find the person on this phone's list")).to_have_value("mick")
    expect(page.get_by_role("link", name="Not on this list? Search all people")).to_be_hidden()
    page.get_by_role("button", name=re.compile("Michael O'Brien")).click()
    expect(page.locator("[data-who-chosen]")).to_contain_text("Dog on site")
    expect(page.locator("[data-who-chosen]")).not_to_contain_text("Medical")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved on this phone: Contact: Mick O'Brien.")).to_be_visible()
    taps = int(page.evaluate("() => sessionStorage.getItem('mars-test-taps')"))
    print(f"\nTaps from the outreach home to a contact with Mick, offline: {taps}")
    assert 3 <= taps <= 5
    expect(status(page)).to_have_text("Saved on this phone: 1 waiting to send")

    # The next entry starts with no place (the last one's would be wrong), in the same session.
    expect(page.get_by_label("Location")).to_have_value("")
    expect(page.get_by_label("Session")).to_have_value(str(session.pk))
    page.get_by_label("Location").fill("Tinside steps")
    pick(page, "robyn", "Robyn Hart")
    page.get_by_role("checkbox", name=re.compile("Bedded down")).check()
    page.get_by_role("button", name="Save", exact=True).click()
    pick(page, "walsh", dee.reference)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Not on the list: log an unidentified sighting").click()
    page.get_by_label("Description").fill("Young man, red hoodie, black dog")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(status(page)).to_have_text("Saved on this phone: 4 waiting to send")
    expect(page.get_by_label("Location")).to_have_value("")

    # The page opens again with no signal, and the four are still there.
    page.reload()
    expect(status(page)).to_have_text("Saved on this phone: 4 waiting to send")
    assert set(Contact.objects.values_list("pk", flat=True)) == before

    # Meanwhile, in the office, Dee's two records are found to be one.
    merge_clients(dee, dee_again, by=coordinator)

    # The signal comes back; the first answer is lost on the way (the contact was made).
    cut = []

    def cut_off_first_answer(route: Any) -> None:
        if route.request.method == "POST" and not cut:
            cut.append(route.request.headers["idempotency-key"])
            route.fetch()
            route.abort()
        else:
            route.continue_()

    page.context.route("**/api/contacts/", cut_off_first_answer)
    go_online(page.context)
    for _ in range(100):
        if cut:
            break
        page.wait_for_timeout(100)
    expect(page.locator("[data-phone-status]")).not_to_have_attribute("aria-busy", "true")
    assert cut and Contact.objects.exclude(pk__in=before).count() == 1
    expect(status(page)).to_have_text("Saved on this phone: 4 waiting to send")

    # Sent again with the same key: the first answer comes back, no second contact.
    page.get_by_role("button", name="Send now").click()
    expect(status(page)).to_have_text(
        "3 sent to MARS. Saved on this phone: 1 not sent, needing correction"
    )
    new = Contact.objects.exclude(pk__in=before)
    assert sorted(c.client.full_name if c.client else c.description for c in new) == [
        "Michael O'Brien",
        "Robyn Hart",
        "Young man, red hoodie, black dog",
    ]
    assert {c.session for c in new} == {session}
    logged = new.get(client=mick)
    assert logged.at == PRESSED
    assert logged.created_at > logged.at
    assert new.get(client=robyn).bedded_down
    assert new.get(client=robyn).location == "Tinside steps"
    assert new.get(client=mick).location == ""

    # The refused one comes back for correction, the reason given with the field's label, then
    # beside the person, and in the summary that takes the focus and links to the field.
    refused = page.locator("[data-phone-refused]")
    expect(refused.get_by_role("heading", name="Not sent: needs correcting")).to_be_visible()
    expect(refused).to_contain_text("Person: ")
    refused.get_by_role("link", name="Contact: Dee Walsh").click()
    expect(page.get_by_role("heading", name="Correct and send again")).to_be_visible()
    expect(page.locator(".phone-who .errorlist")).to_contain_text("may have been merged")
    summary = page.locator("[data-form-errors]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("^Person: "))).to_have_attribute(
        "href", "#errors-for-client"
    )
    page.get_by_role("button", name="Choose someone else").click()
    page.get_by_label("Find the person on this phone's list").fill("walsh")
    expect(page.locator("[data-who-results] button")).to_have_count(1)  # the list is fresh
    # With a signal, everyone in MARS is a link away.
    expect(page.get_by_role("link", name="Not on this list? Search all people")).to_have_attribute(
        "href", "/people/?q=walsh"
    )
    page.get_by_role("button", name=re.compile(dee_again.reference)).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("[data-phone-saved]")).to_have_text("Sent to MARS: Contact: DJ Walsh.")
    expect(status(page)).to_have_text("1 sent to MARS")
    assert Contact.objects.exclude(pk__in=before).count() == 4
    corrected = Contact.objects.exclude(pk__in=before).get(client=dee_again)
    assert corrected.at == PRESSED

    # Signing out leaves nothing of it on the phone.
    page.locator("#main-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    assert page.evaluate(PHONE_STORE_GONE)
    assert page.evaluate(SHELL_GONE)


def test_a_session_that_expired_offline_keeps_the_queue_until_the_worker_signs_in_again(
    open_page,
):
    owen = UserFactory(username="outreach", role=Role.OUTREACH)
    mary = UserFactory(username="mary", role=Role.OUTREACH)
    coordinator = UserFactory(username="coordinator", role=Role.COORDINATOR)
    mick = ClientFactory(first_name="Michael", last_name="O'Brien", known_as="Mick")
    dee = ClientFactory(first_name="Dee", last_name="Walsh")
    dee_again = ClientFactory(first_name="Dee", last_name="Walsh", known_as="DJ")
    for person in (mick, dee, dee_again):
        ContactFactory(client=person, worker=owen)
    before = set(Contact.objects.values_list("pk", flat=True))
    page = open_page(PHONE)
    sign_in(page, "outreach")
    ready_for_the_street(page)

    go_offline(page.context)
    page.goto(f"/outreach/log/?client={mick.pk}")
    expect(page.locator("[data-who-chosen]")).to_contain_text("Michael O'Brien")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(status(page)).to_have_text("Saved on this phone: 1 waiting to send")

    # Out of signal longer than the session lasts.
    Session.objects.all().delete()
    go_online(page.context)
    expect(page.get_by_text("Sign in again to send them")).to_be_visible()
    expect(status(page)).to_have_text("Saved on this phone: 1 waiting to send")
    assert set(Contact.objects.values_list("pk", flat=True)) == before

    # A colleague signing in on this phone does not send it as theirs.
    page.get_by_role("link", name="sign in").click()
    sign_in_again(page, mary)
    expect(page.locator("[data-phone-waiting-list]")).to_contain_text(
        "Contact: Mick O'Brien: Saved by another worker on this phone"
    )
    expect(status(page)).to_have_text("Saved on this phone: 1 waiting to send")
    assert set(Contact.objects.values_list("pk", flat=True)) == before
    page.context.clear_cookies()

    # Signing in again, second factor and all, brings the worker back to the page, which sends.
    page.goto("/accounts/login/?next=/outreach/log/")
    sign_in_again(page, owen)
    expect(status(page)).to_have_text("1 sent to MARS")
    assert Contact.objects.exclude(pk__in=before).get().client == mick

    # Entries still unsent at sign-out are dropped only if the worker says so.
    go_offline(page.context)
    for description in ("Dee by the bins", "Dee again, later"):
        pick(page, "walsh", dee.reference)
        page.get_by_text("Time, kind, place on the map, needs and notes").click()
        page.get_by_label("Notes").fill(description)
        page.get_by_role("button", name="Save", exact=True).click()
    merge_clients(dee, dee_again, by=coordinator)
    go_online(page.context)
    expect(status(page)).to_have_text("Saved on this phone: 2 not sent, needing correction")
    asked: list[str] = []

    def answer(accept: bool) -> None:
        def dialog(d: Any) -> None:
            asked.append(d.message)
            d.accept() if accept else d.dismiss()

        page.once("dialog", dialog)

    def until_asked(count: int) -> None:
        for _ in range(100):
            if len(asked) == count:
                return
            page.wait_for_timeout(100)

    answer(accept=False)
    page.locator("#main-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    until_asked(1)
    expect(page.get_by_role("button", name="Sign out")).to_be_enabled()
    assert page.url.endswith("/outreach/log/")
    assert asked[-1] == (
        "2 entries saved on this phone have not been sent. Sign out and delete them?"
    )

    # One is discarded (after a question), the other left for the sign-out to drop.
    page.locator("#main-menu > summary").click()
    page.locator("[data-phone-refused]").get_by_role("link").first.click()
    expect(page.get_by_label("Notes")).to_have_value(re.compile("Dee"))
    answer(accept=False)
    page.get_by_role("button", name="Discard", exact=True).click()
    until_asked(2)
    expect(status(page)).to_have_text("Saved on this phone: 2 not sent, needing correction")
    answer(accept=True)
    page.get_by_role("button", name="Discard", exact=True).click()
    expect(status(page)).to_have_text("Saved on this phone: 1 not sent, needing correction")
    assert asked[-1].startswith("Discard “Contact: Dee Walsh”?")
    answer(accept=True)
    page.locator("#main-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    assert asked[-1] == "1 entry saved on this phone has not been sent. Sign out and delete it?"
    assert page.evaluate(PHONE_STORE_GONE)
    assert page.evaluate(SHELL_GONE)


def test_a_session_started_offline_goes_first_and_its_contacts_wait_for_it(open_page):
    owen = UserFactory(username="outreach", role=Role.OUTREACH, first_name="Owen", last_name="Hale")
    mick = ClientFactory(first_name="Michael", last_name="O'Brien", known_as="Mick")
    ContactFactory(client=mick, worker=owen)
    before = set(Contact.objects.values_list("pk", flat=True))
    page = open_page(PHONE)
    sign_in(page, "outreach")
    ready_for_the_street(page)

    # With no signal the session is kept on the phone, with an end before its start (a slip).
    go_offline(page.context)
    page.get_by_role("link", name="Start today's session").click()
    page.get_by_label("Area or route").fill("Royal Parade")
    page.get_by_label("Start").fill("06:00")
    page.get_by_text("End time, other partners and notes").click()
    page.get_by_label("End").fill("05:00")
    page.get_by_role("button", name="Start session").click()
    waiting = page.get_by_role("link", name="Today's session: Royal Parade (waiting to send)")
    expect(waiting).to_be_visible()

    # A contact logged meanwhile carries that session.
    page.get_by_role("link", name="Log a contact").click()
    expect(page.get_by_label("Session")).to_have_value(re.compile("^queued:"))
    expect(page.get_by_label("Session").locator("option:checked")).to_have_text(
        "Today's session (waiting to send)"
    )
    pick(page, "mick", "Michael O'Brien")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(status(page)).to_have_text("Saved on this phone: 2 waiting to send")

    # The session is refused; the contact waits for it and says why.
    go_online(page.context)
    expect(status(page)).to_have_text(
        "Saved on this phone: 1 waiting to send, 1 not sent, needing correction"
    )
    expect(page.locator("[data-phone-waiting-list]")).to_contain_text(
        "Contact: Mick O'Brien: Waits for today's session, which was not accepted"
    )
    assert not OutreachSession.objects.exists()
    assert set(Contact.objects.values_list("pk", flat=True)) == before

    # Corrected, the session goes first and the contact follows with its new id.
    page.locator("[data-phone-refused]").get_by_role("link", name="Session: Royal Parade").click()
    expect(page.get_by_role("heading", name="Correct and send again")).to_be_visible()
    beside = page.locator(".field:has(#id_end_time) .errorlist")
    expect(beside).to_be_visible()
    print(f"\nA session ending before it starts, as the phone shows it: {beside.inner_text()}")
    page.get_by_label("End").fill("09:00")
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/outreach/")
    expect(status(page)).to_have_text("")
    session = OutreachSession.objects.get()
    assert (session.area, str(session.start_time), str(session.end_time)) == (
        "Royal Parade",
        "06:00:00",
        "09:00:00",
    )
    assert Contact.objects.exclude(pk__in=before).get().session == session


def test_the_phone_drops_its_list_of_people_after_a_day_on_any_page(open_page):
    owen = UserFactory(username="outreach", role=Role.OUTREACH)
    ContactFactory(client=ClientFactory(first_name="Michael", last_name="O'Brien"), worker=owen)
    page = open_page(PHONE)
    sign_in(page, "outreach")
    ready_for_the_street(page)
    people = "() => window.MarsPhone.store.all('people').then((p) => p.length)"
    assert page.evaluate(people) == 1
    # The list's keep_until passes (24 hours after it was fetched).
    page.evaluate(
        """() => window.MarsPhone.store.get('meta', 'people').then((m) =>
            window.MarsPhone.store.put('meta', {...m, keep_until: '2000-01-01T00:00:00Z'}))"""
    )
    page.goto("/people/")
    page.wait_for_function(f"() => ({people})().then((n) => n === 0)")
    assert page.evaluate("() => window.MarsPhone.store.get('meta', 'people')") is None


def log_sighting(page: Any, description: str) -> None:
    page.get_by_role("button", name="Not on the list: log an unidentified sighting").click()
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Save", exact=True).click()


def test_a_kept_page_saves_for_the_worker_the_phone_knows_and_refuses_with_no_one(open_page):
    owen = UserFactory(username="outreach", role=Role.OUTREACH)
    page = open_page(PHONE)
    sign_in(page, "outreach")
    ready_for_the_street(page)
    go_offline(page.context)
    page.goto("/outreach/log/")
    # The page kept by the service worker names no one: the entry is the stored worker's.
    assert page.evaluate("() => !document.querySelector('meta[name=\"mars-user\"]')")
    log_sighting(page, "Man in a green coat")
    expect(status(page)).to_have_text("Saved on this phone: 1 waiting to send")
    assert [e["user"] for e in page.evaluate(QUEUED)] == [str(owen.pk)]

    # With no one known on the phone (signed out), nothing is saved, and the page says why.
    page.evaluate("() => window.MarsPhone.store.remove('meta', 'user')")
    log_sighting(page, "Woman with a pram")
    expect(page.get_by_role("alert")).to_contain_text(
        "Signed out: sign in (with a signal) to log contacts on this phone"
    )
    expect(page.get_by_label("Description")).to_have_value("Woman with a pram")
    assert len(page.evaluate(QUEUED)) == 1


def test_signing_out_needs_a_signal_and_keeps_a_colleagues_entries(open_page):
    UserFactory(username="outreach", role=Role.OUTREACH)
    mary = UserFactory(username="mary", role=Role.OUTREACH)
    ContactFactory(client=ClientFactory(first_name="Michael", last_name="O'Brien"))
    page = open_page(PHONE)
    sign_in(page, "outreach")
    ready_for_the_street(page)
    page.goto("/outreach/log/")
    # An entry Mary saved on this phone before her session expired.
    page.evaluate(
        """(mary) => window.MarsPhone.store.put('queue', {key: 'marys', user: mary,
            state: 'waiting', kind: 'contact', url: '/api/contacts/', page: '/outreach/log/',
            label: 'Sighting: by the bins', order: 1, body: {client: null, description: 'x'}})""",
        str(mary.pk),
    )
    go_offline(page.context)
    log_sighting(page, "Man in a green coat")

    # No signal: nothing is deleted, and the worker is still signed in.
    page.locator("#main-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("[data-sign-out-note]")).to_have_text(
        "Signing out needs a signal. Nothing has been deleted."
    )
    assert page.url.endswith("/outreach/log/")
    assert len(page.evaluate(QUEUED)) == 2
    assert page.evaluate(PEOPLE_KEPT)

    # With a signal the worker's own entry is sent; MARS does not answer the sign-out: nothing
    # is deleted either.
    go_online(page.context)
    expect(status(page)).to_have_text(re.compile("1 sent to MARS"))
    page.context.route("**/accounts/logout/", lambda route: route.fulfill(status=502))
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("[data-sign-out-note]")).to_have_text(
        "Sign-out did not reach MARS: nothing has been deleted. Try again."
    )
    assert page.evaluate(PEOPLE_KEPT)
    assert not page.evaluate(SHELL_GONE)

    # Signed out: what was the worker's goes (the list of people, the kept pages); Mary's entry
    # stays for her.
    page.context.unroute("**/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    assert page.evaluate(SHELL_GONE)
    assert not page.evaluate(PHONE_STORE_GONE)
    kept = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open('mars-phone');
            open.onsuccess = () => {
                const tx = open.result.transaction(['queue', 'people', 'meta']);
                const all = (name) => new Promise((r) => {
                    const q = tx.objectStore(name).getAll();
                    q.onsuccess = () => r(q.result);
                });
                Promise.all([all('queue'), all('people'), all('meta')]).then(resolve);
            };
        })"""
    )
    assert [[e["key"] for e in kept[0]], kept[1], kept[2]] == [["marys"], [], []]


def test_a_double_tap_on_save_keeps_one_entry_and_a_failed_write_keeps_the_form(open_page):
    UserFactory(username="outreach", role=Role.OUTREACH)
    page = open_page(PHONE)
    sign_in(page, "outreach")
    ready_for_the_street(page)
    go_offline(page.context)
    page.goto("/outreach/log/?sighting=1")
    page.get_by_label("Description").fill("Man in a green coat")
    page.get_by_role("button", name="Save", exact=True).dblclick()
    expect(status(page)).to_have_text("Saved on this phone: 1 waiting to send")
    expect(page.get_by_label("Description")).to_have_value("")
    assert len(page.evaluate(QUEUED)) == 1

    # The phone's storage refuses the write (full): the worker is told, and nothing is lost.
    page.evaluate(
        """() => {
            const store = window.MarsPhone.store;
            const put = store.put;
            const full = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            store.put = (name, value) => name === 'queue' ? Promise.reject(full) : put(name, value);
        }"""
    )
    page.get_by_label("Description").fill("Woman with a pram")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Not saved on this phone: The quota has been exceeded."
    )
    expect(page.get_by_label("Description")).to_have_value("Woman with a pram")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_enabled()
    assert len(page.evaluate(QUEUED)) == 1


def test_what_the_server_answers_decides_whether_an_entry_waits_or_is_refused(open_page):
    UserFactory(username="outreach", role=Role.OUTREACH)
    page = open_page(PHONE)
    sign_in(page, "outreach")
    ready_for_the_street(page)
    answers: list[tuple[int, dict[str, str]]] = [(503, {})]

    def answer(route: Any) -> None:
        code, body = answers[-1]
        route.fulfill(status=code, json=body)

    page.context.route("**/api/contacts/", answer)
    page.goto("/outreach/log/")
    log_sighting(page, "Man in a green coat")
    waiting = page.locator("[data-phone-waiting-list]")
    expect(waiting).to_contain_text("The server could not take it just now (503)")
    expect(status(page)).to_have_text("Saved on this phone: 1 waiting to send")

    answers.append((429, {"detail": "Request was throttled."}))
    page.get_by_role("button", name="Send now").click()
    expect(waiting).to_contain_text("(429)")

    # A 403 about signing in keeps it, and says so.
    answers.append((403, {"detail": "Authentication credentials were not provided."}))
    page.get_by_role("button", name="Send now").click()
    expect(status(page)).to_contain_text("MARS needs you to sign in again")
    expect(page.get_by_text("Sign in again to send them")).to_be_visible()

    # No signal: "Send now" says what will happen.
    go_offline(page.context)
    page.get_by_role("button", name="Send now").click()
    expect(status(page)).to_have_text(
        "No signal: they will be sent when there is one. Saved on this phone: 1 waiting to send"
    )

    # Any other refusal is the entry's: it comes back with the server's reason (sent when the
    # signal comes back).
    answers.append((403, {"detail": "You may not log contacts for this team."}))
    go_online(page.context)
    expect(status(page)).to_have_text("Saved on this phone: 1 not sent, needing correction")
    expect(page.locator("[data-phone-refused]")).to_contain_text(
        "You may not log contacts for this team."
    )


def test_the_list_of_people_is_not_fetched_on_every_page(open_page):
    owen = UserFactory(username="outreach", role=Role.OUTREACH)
    ContactFactory(client=ClientFactory(first_name="Michael", last_name="O'Brien"), worker=owen)
    page = open_page(PHONE)
    fetched: list[str] = []
    page.context.on(
        "request",
        lambda r: fetched.append(r.url) if "/api/outreach/people-for-phone/" in r.url else None,
    )
    sign_in(page, "outreach")
    ready_for_the_street(page)
    expect(page.locator("[data-phone-status]")).not_to_have_attribute("aria-busy", "true")
    assert len(fetched) == 1
    for path in ("/outreach/log/", "/outreach/", "/outreach/sessions/start/", "/outreach/log/"):
        page.goto(path)
        expect(page.locator("[data-phone-status]")).to_be_attached()
    page.evaluate("() => window.MarsPhone.people.refreshIfOld()")
    assert len(fetched) == 1

    # More than an hour old: fetched again.
    page.evaluate(
        """() => window.MarsPhone.store.get('meta', 'people').then((m) =>
            window.MarsPhone.store.put('meta', {...m, fetched_at: '2000-01-01T00:00:00Z',
                                                keep_until: '2999-01-01T00:00:00Z'}))"""
    )
    with page.context.expect_event("request", lambda r: "/people-for-phone/" in r.url):
        page.goto("/outreach/log/")
    page.wait_for_function(
        "() => window.MarsPhone.store.get('meta', 'people').then((m) => m.fetched_at > '2001')"
    )
    assert len(fetched) == 2


def test_entries_waiting_on_the_server_are_tried_again_every_30_seconds(open_page):
    UserFactory(username="outreach", role=Role.OUTREACH)
    page = open_page(PHONE)
    sign_in(page, "outreach")
    ready_for_the_street(page)
    down = [True]

    def answer(route: Any) -> None:
        if down[0]:
            route.fulfill(status=503, json={})
        else:
            route.continue_()

    page.context.route("**/api/contacts/", answer)
    page.clock.install(time=PRESSED)
    page.goto("/outreach/log/")
    log_sighting(page, "Man in a green coat")
    expect(page.locator("[data-phone-waiting-list]")).to_contain_text("(503)")
    down[0] = False
    page.clock.run_for(29_000)
    expect(status(page)).to_have_text("Saved on this phone: 1 waiting to send")
    assert not Contact.objects.exists()
    page.clock.run_for(2_000)
    expect(status(page)).to_have_text("1 sent to MARS")
    assert Contact.objects.get().description == "Man in a green coat"
