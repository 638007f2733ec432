import re

import pytest
from playwright.sync_api import expect

from clients.models import Client
from mars.roles import Role
from tests.browser.conftest import PHONE, sign_in
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outreach_worker_finds_obrien_and_is_warned_about_danny_price_on_a_phone(open_page):
    UserFactory(username="outreach", role=Role.OUTREACH)
    michael = ClientFactory(first_name="Michael", last_name="O'Brien")
    daniel = ClientFactory(first_name="Daniel", last_name="Price", date_of_birth="1984-03-12")
    page = open_page(PHONE)
    sign_in(page, "outreach")

    page.get_by_label("Find a person").fill("obrien")
    page.get_by_role("button", name="Search").click()
    result = page.get_by_role("link", name="Michael O'Brien", exact=True)
    expect(result).to_be_visible()
    expect(page.get_by_text(michael.reference).first).to_be_visible()
    # The result is on the first screen of the phone, above the fold.
    box = result.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"], box

    page.goto("/people/new/")
    page.get_by_label("First name").fill("Danny")
    page.get_by_label("Last name").fill("Price")
    page.get_by_role("button", name="Save").click()

    expect(
        page.get_by_role("heading", name="This person may already have a record")
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Daniel Price"))).to_be_visible()
    expect(page.get_by_text(daniel.reference)).to_be_visible()
    assert Client.objects.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.console_errors == []
