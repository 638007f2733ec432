import re

import pytest
from playwright.sync_api import expect

from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_coordinator_sees_who_has_looked_at_a_record_and_what_they_read(open_page, size):
    UserFactory(username="support", role=Role.SUPPORT, first_name="Pat", last_name="Worker")
    UserFactory(username="coordinator", role=Role.COORDINATOR)
    sam = ClientFactory(first_name="Sam", last_name="Example")

    worker = open_page(size)
    sign_in(worker, "support")
    worker.goto(f"/people/{sam.pk}/")
    expect(worker.get_by_role("heading", name="Who has looked at this record")).to_have_count(0)

    page = open_page(size)
    sign_in(page, "coordinator")
    page.goto(f"/people/{sam.pk}/")
    looked = page.locator("#looked-at")
    expect(looked.get_by_role("heading", name="Who has looked at this record")).to_be_visible()
    # Pat's home page listed Sam among the people added lately: a read too.
    visit = looked.get_by_role("listitem").filter(has_text="person page")
    expect(visit.get_by_text("Pat Worker")).to_be_visible()

    page.goto("/access-log/")
    page.get_by_label("Member of staff").select_option(label="Pat Worker")
    page.get_by_role("button", name="Show their reads").click()
    expect(page).to_have_url(re.compile(r"/access-log/\?user="))
    read = page.get_by_role("listitem").filter(has_text="person page")
    expect(read.get_by_role("link", name=re.compile("Sam Example"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    assert page.console_errors == []
