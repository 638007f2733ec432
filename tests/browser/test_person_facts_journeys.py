"""The facts England's rough sleeping return needs, in the browser (issue 20, item 1): the
coordinator fixes a nationality left as text, finding the country by what people call its
nationals, and records a person's leaving prison, on a phone and on a desktop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from clients.models import Client, Discharge
from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_coordinator_fixes_a_nationality_and_records_a_prison_release(open_page, viewport):  # type: ignore[no-untyped-def]
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    azad = ClientFactory(
        first_name="Azad", last_name="Rahimi", nationality="", nationality_as_recorded="Kurdish"
    )
    lee = ClientFactory(first_name="Lee", last_name="Harris", nationality="GB")
    page = open_page(viewport)
    sign_in(page, "coordinator")

    page.goto("/people/")
    page.get_by_role("link", name="Nationalities to fix: 1").click()
    expect(page.get_by_role("heading", name="Nationalities to fix")).to_be_visible()
    expect(page.get_by_text("Written as “Kurdish”")).to_be_visible()
    page.get_by_role("link", name="Set the country for Azad Rahimi").click()

    expect(page.get_by_text("Recorded before as “Kurdish”")).to_be_visible()
    find = page.get_by_label("Find a country by its name or nationality")
    nationality = page.get_by_label("Nationality", exact=True)
    # What people call a country's nationals finds it; the list itself stays a plain select.
    # Typing only narrows the list: what is saved changes when Enter or the list chooses.
    find.fill("Scottish")
    expect(page.get_by_text("Best match: United Kingdom")).to_be_visible()
    expect(nationality).to_have_value("")
    find.press("Enter")
    expect(nationality).to_have_value("GB")
    expect(page.get_by_text("United Kingdom chosen")).to_be_visible()
    find.fill("Iraqi")
    expect(nationality).to_have_value("GB")
    find.press("Enter")
    expect(nationality).to_have_value("IQ")
    find.fill("Kurdish")
    expect(page.get_by_text("No country found for “Kurdish”")).to_be_visible()
    nationality.select_option("IQ")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/people/nationalities-to-fix/$"))
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    expect(page.get_by_text("Nothing to fix")).to_be_visible()
    azad.refresh_from_db()
    assert (azad.nationality, azad.nationality_as_recorded) == ("IQ", "")
    if viewport is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(f"/people/{lee.pk}/")
    page.get_by_role("link", name="Record leaving an institution").click()
    page.get_by_label("Left", exact=True).select_option("prison")
    page.get_by_label("Date they left").fill("2026-10-12")
    page.get_by_label("Verified").check()
    page.get_by_label("Notes").fill("Released from HMP Exeter; probation confirmed.")
    if viewport is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Left prison on 12/10/2026")).to_be_visible()
    expect(page.locator(".history").get_by_text("by Cora Reid").first).to_be_visible()
    discharge = Discharge.objects.get(client=lee)
    assert (discharge.kind, discharge.evidence) == ("prison", "verified")

    # The same leaving again is a message beside the date, with what was typed kept.
    page.goto(f"/people/{lee.pk}/discharges/new/")
    page.get_by_label("Left", exact=True).select_option("prison")
    page.get_by_label("Date they left").fill("2026-10-12")
    page.get_by_label("Notes").fill("Twice?")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("is already recorded for this person")).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value("Twice?")

    page.goto(f"/people/{lee.pk}/")
    section = page.locator("#discharges")
    expect(section.get_by_role("link", name="Left prison")).to_be_visible()
    expect(page.get_by_text("United Kingdom").first).to_be_visible()
    assert Client.objects.get(pk=lee.pk).discharges.count() == 1
    if viewport is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.console_errors == []
