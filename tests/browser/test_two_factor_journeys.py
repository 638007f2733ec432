"""Two-factor sign-in in the browser: a new support worker sets up an authenticator app (the test
computes its codes), keeps the recovery codes, signs out, and signs in again with a fresh code; the
coordinator then sees the visit under "Who has looked at this record"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import PASSWORD, ClientFactory, UserFactory
from tests.twofactor import code_from_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_with_password(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_new_support_worker_sets_up_two_factor_and_signs_in_again_with_a_fresh_code(
    open_page, viewport
):
    UserFactory(username="support", role=Role.SUPPORT, first_name="Sade", last_name="Okafor")
    sam = ClientFactory(first_name="Sam", last_name="Example")
    page = open_page(viewport)

    sign_in_with_password(page, "support")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    key = page.locator("#otp-key").inner_text()
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    assert page.locator("#otp-key").inner_text() == key  # nothing lost

    page.wait_for_timeout(1100)  # django-otp's throttle: a second after one wrong code
    page.get_by_label("Code from your authenticator app").fill(code_from_key(key))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_text("they are shown only this once")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.get_by_role("link", name="I have kept them safe: continue").click()
    expect(page).to_have_url(re.compile(r"/$"))

    if viewport is PHONE:
        page.get_by_text("Menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to MARS")).to_be_visible()

    page.goto(f"/people/{sam.pk}/")
    page.get_by_label("Username").fill("support")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(
        page.get_by_role("heading", name="Enter the code from your authenticator app")
    ).to_be_visible()
    # The code used at set-up was this 30 seconds' one, and a code works once: the app's next.
    page.get_by_label("Enter the code from your authenticator app").fill(
        code_from_key(key, steps_ahead=1)
    )
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(rf"/people/{sam.pk}/$"))
    expect(page.get_by_role("heading", name=re.compile("Sam Example"))).to_be_visible()
    assert page.console_errors == []

    UserFactory(username="coordinator", role=Role.COORDINATOR)
    coordinator = open_page(viewport)
    sign_in(coordinator, "coordinator")
    coordinator.goto(f"/people/{sam.pk}/")
    looked = coordinator.locator("#looked-at")
    expect(looked.get_by_role("heading", name="Who has looked at this record")).to_be_visible()
    visit = looked.get_by_role("listitem").filter(has_text="person page")
    expect(visit.get_by_text("Sade Okafor")).to_be_visible()
    assert coordinator.console_errors == []
