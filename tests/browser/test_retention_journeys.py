"""The coordinator retires a test person whose records are past the retention schedule: the
retention page lists them and why, they anonymise them now, and the person page shows the
anonymised record."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client
from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_coordinator_runs_retention_on_a_test_person_and_their_page_shows_it(
    open_page: Any, size: dict[str, int]
) -> None:
    # Seven years and a season before today, whichever day the suite runs as.
    old = timezone.now().replace(hour=10) - dt.timedelta(days=7 * 365 + 90)
    seen = f"{timezone.localtime(old):%d/%m/%Y}"
    UserFactory(username="coordinator", role=Role.COORDINATOR)
    person = ClientFactory(first_name="Testy", last_name="Record", phone="07700 900999")
    Client.objects.filter(pk=person.pk).update(created_at=old)
    ContactFactory(client=person, at=old, notes="Testy's sister lives in Leeds")

    page = open_page(size)
    sign_in(page, "coordinator")
    page.goto("/privacy/retention/")
    expect(
        page.get_by_role("heading", name=re.compile("Anonymised at the next run"))
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Testy Record")
    expect(row.get_by_text(f"contact on {seen}")).to_be_visible()

    page.goto(f"/people/{person.pk}/")
    page.locator("#retention").get_by_role("link", name="Anonymise now").click()
    expect(page.get_by_text(f"Due: last activity (contact) on {seen}")).to_be_visible()
    page.get_by_label("Why anonymise this person now?").fill("A test record")
    page.get_by_role("button", name="Anonymise now").click()
    # Not confirmed: refused beside the box, and the reason typed is still there.
    expect(page.get_by_label("Why anonymise this person now?")).to_have_value("A test record")
    page.get_by_label(re.compile("I understand this removes")).check()
    page.get_by_role("button", name="Anonymise now").click()

    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    expect(
        page.get_by_role("heading", name=re.compile(f"Anonymised person {person.reference}"))
    ).to_be_visible()
    expect(page.locator("#retention").get_by_text("were removed from this record")).to_be_visible()
    expect(page.get_by_text("Testy")).to_have_count(0)
    expect(page.get_by_text("07700 900999")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    assert page.console_errors == []
