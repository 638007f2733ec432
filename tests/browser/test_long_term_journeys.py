"""The coordinator opens the long-term list from the navigation, sees who is long-term and in
which months, opens one person; then sets a target on the dashboard and sees the long-term
trend against it. On a desktop and on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mars.dates import add_months, day_start
from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seen_months_ago(person, *backs: int) -> None:  # type: ignore[no-untyped-def]
    """Bedded down this month (a minute ago) and on the 5th of each month `backs` before it."""
    ContactFactory(client=person, at=timezone.now() - dt.timedelta(minutes=1))
    today = timezone.localdate()
    for back in backs:
        day = add_months(today.replace(day=5), -back)
        ContactFactory(client=person, at=day_start(day) + dt.timedelta(hours=6))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_coordinator_follows_the_long_term_list_to_a_person_and_sets_a_target(
    open_page, viewport: dict[str, int]
) -> None:
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    gary = ClientFactory(first_name="Gary", last_name="Tonkin")
    seen_months_ago(gary, 1, 2, 3, 4)
    seen_months_ago(ClientFactory(first_name="Ann", last_name="Able"), 1, 2, 3)
    seen_months_ago(ClientFactory(first_name="Bob", last_name="Short"), 1, 2)
    last_month = add_months(timezone.localdate().replace(day=1), -1)

    page = open_page(viewport)
    sign_in(page, "coordinator")
    if viewport is PHONE:
        page.locator("summary", has_text="Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("navigation", name="Reporting pages").get_by_role(
        "link", name="Long-term"
    ).click()
    expect(page.get_by_role("heading", name="Long-term rough sleeping")).to_be_visible()
    expect(page.get_by_text("2 people long-term in")).to_be_visible()
    cards = page.locator("ul.long-term > li")
    # Most months out first: Gary (4 of the 12 months before) above Ann (3); Bob's 2 are not enough.
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Gary Tonkin")
    expect(cards.nth(0)).to_contain_text("4 of 12 months")
    expect(cards.nth(0).locator(".month-row li.seen")).to_have_count(4)
    expect(cards.nth(1)).to_contain_text("Ann Able")
    expect(page.get_by_text("Bob Short")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    cards.nth(0).get_by_role("link", name="Gary Tonkin").click()
    expect(page.get_by_role("heading", name="Gary Tonkin")).to_be_visible()
    assert f"/people/{gary.pk}/" in page.url

    page.goto("/reports/")
    section = page.locator("section", has=page.locator("#long-term-heading"))
    expect(section.get_by_text("No target set for long-term rough sleeping.")).to_be_visible()
    # Gary alone was long-term last month: the baseline is 1, and half of it, 0, the target.
    expect(section.get_by_label("Baseline month")).to_have_value(f"{last_month:%Y-%m}")
    section.get_by_role("button", name="Save target").click()
    expect(page.get_by_text("Long-term target saved.")).to_be_visible()
    section = page.locator("section", has=page.locator("#long-term-heading"))
    expect(section).to_contain_text(f"from 1 in {last_month:%B %Y}")
    expect(section.locator("figcaption")).to_contain_text("a straight course from 1 in")
    expect(section.locator(".course-point, .course-line")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    section.get_by_role("link", name="The target and its history").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.locator(".history-list")).to_contain_text("Set")
    assert page.console_errors == []
