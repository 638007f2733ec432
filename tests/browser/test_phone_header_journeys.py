"""On a phone the navigation folds behind a Menu button, so the first screen shows the page's main
action; the dashboard's charts show their figures. On a desktop the navigation lies open."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_menu_opens_and_closes_and_the_dashboard_charts_show_values(open_page):
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    page = open_page(PHONE)
    sign_in(page, "coordinator")

    main_nav = page.get_by_role("navigation", name="Main")
    menu = page.locator("summary", has_text="Menu")
    expect(main_nav).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 80, "the header fills the phone's screen"

    menu.click()
    expect(main_nav.get_by_role("link", name="Public reports")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    menu.click()
    expect(main_nav).to_be_hidden()

    menu.click()
    main_nav.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(main_nav).to_be_hidden()
    chart = page.locator("figure.trend").first
    values = chart.locator("text.bar-value")
    expect(values).to_have_count(12)
    expect(values.last).to_be_visible()
    expect(chart.locator("text.axis").first).to_have_text(re.compile(r"^0%?$"))
    if os.environ.get("MARS_SCREENSHOTS"):
        page.screenshot(
            path=os.environ["MARS_SCREENSHOTS"] + "/dashboard-phone.png", full_page=True
        )
    expect(chart.get_by_role("table")).to_have_count(1)
    expect(chart.get_by_role("table").get_by_role("row")).to_have_count(13)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.console_errors == []


def test_on_a_desktop_the_navigation_lies_open_without_a_menu_button(open_page):
    UserFactory(username="coordinator", role=Role.COORDINATOR)
    page = open_page(DESKTOP)
    sign_in(page, "coordinator")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard")
    ).to_be_visible()
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    if os.environ.get("MARS_SCREENSHOTS"):
        page.screenshot(path=os.environ["MARS_SCREENSHOTS"] + "/home-desktop.png")
