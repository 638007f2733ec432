"""The coordinator checks October's RSDF return: follows "nationality not known" to the person,
sets it, sees the gap close, marks the return checked, submits it with a reason for the gap left,
and downloads the XLSX; on a phone and on a desktop."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from clients.models import Client, Gender, PublicFunds
from mars.roles import Role
from reporting import returns
from reporting.models import ReturnStatus, RsdfReturn
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.clock import london
from tests.factories import ClientFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def october() -> None:
    """Three people out in October 2026: one with every fact known, one whose nationality and
    access to public funds are not known, one whose gender is not known; October's return open
    with its night chosen."""
    coordinator = UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora")
    people = [
        ClientFactory(first_name="Kim", last_name="Known", gender=Gender.FEMALE, nationality="GB"),
        ClientFactory(first_name="Nat", last_name="Unknown", gender=Gender.MALE, nationality=""),
        ClientFactory(
            first_name="Gil", last_name="Ungendered", gender=Gender.NOT_KNOWN, nationality="GB"
        ),
    ]
    for day, person in enumerate(people, start=10):
        if person.first_name != "Nat":
            person.public_funds = PublicFunds.ELIGIBLE
            person.save()
        ContactFactory(client=person, at=london(2026, 10, day, 6))
    record = returns.open_return(date(2026, 10, 1), by=coordinator)
    returns.change_return(
        record, night=date(2026, 10, 21), population=266900, notes="", by=coordinator
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_coordinator_closes_a_gap_checks_submits_and_downloads_the_return(
    open_page: Any, tmp_path: Any, viewport: dict[str, int]
) -> None:
    october()
    page = open_page(viewport)
    sign_in(page, "coordinator")
    if viewport is PHONE:
        page.locator("summary", has_text="Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="RSDF returns").click()
    page.get_by_role("link", name="October 2026").click()
    expect(page.get_by_role("heading", name="RSDF return for October 2026")).to_be_visible()
    expect(page.get_by_role("heading", name="Nationality not known: 1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    # Follow the gap to the person and set their nationality.
    page.get_by_role("link", name="Set Nat Unknown's nationality").click()
    page.get_by_label("Nationality", exact=True).select_option("IE")
    page.get_by_role("button", name="Save").click()
    # Saving comes back to the return, where the gap has closed; the other one is still there.
    expect(page.get_by_role("heading", name="RSDF return for October 2026")).to_be_visible()
    assert page.url.endswith(RsdfReturn.objects.get().get_absolute_url())
    assert Client.objects.get(first_name="Nat").nationality == "IE"
    expect(page.get_by_role("heading", name="Nationality not known: 1")).to_have_count(0)
    expect(page.get_by_role("heading", name="Gender not known: 1")).to_be_visible()
    expect(page.get_by_role("heading", name="Access to public funds not known: 1")).to_be_visible()

    page.get_by_role("button", name="Mark checked").click()
    expect(page.get_by_text("The return is marked checked.")).to_be_visible()
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "2 of the people counted have facts not known"
    )
    page.get_by_label("Why it is sent with gaps").fill("Gil would not say; asked again next time.")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_text("The return is submitted: its figures are kept.")).to_be_visible()
    record = RsdfReturn.objects.get()
    assert record.status == ReturnStatus.SUBMITTED
    assert record.figures["over_month"]["nationality"]["eea"] == 1
    expect(page.get_by_text("Gil would not say; asked again next time.").first).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLSX").click()
    saved = tmp_path / "return.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "rsdf-2026-10-submitted.xlsx"
    assert saved.read_bytes().startswith(b"PK")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert page.console_errors == []
