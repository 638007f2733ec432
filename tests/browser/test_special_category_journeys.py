"""Special category data on a need-to-know basis: a support worker who is not the key worker
reads that health information is held, breaks glass with a reason and reads it; the coordinator
is told."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from clients.models import HealthAccess
from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Ambulance crew at the hostel ask about his treatment"


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_support_worker_breaks_glass_and_the_coordinator_is_told(open_page, size):
    keyworker = UserFactory(username="keyworker", role=Role.SUPPORT)
    UserFactory(username="support", role=Role.SUPPORT, first_name="Pat", last_name="Worker")
    UserFactory(username="coordinator", role=Role.COORDINATOR)
    sam = ClientFactory(
        first_name="Sam", last_name="Example", key_worker=keyworker, support_needs=["drugs"]
    )
    HealthAccess.objects.create(
        client=sam, kind="hepatitis_c", date=date(2026, 10, 4), outcome="Treatment started"
    )

    page = open_page(size)
    sign_in(page, "support")
    page.goto(f"/people/{sam.pk}/")
    health = page.locator("#health")
    expect(health.get_by_text("1 health access record held")).to_be_visible()
    expect(page.get_by_text("Hepatitis C")).to_have_count(0)
    expect(page.get_by_text("Health, offending or immigration needs: held")).to_be_visible()

    page.get_by_role("link", name="See restricted information (urgent)").first.click()
    expect(page).to_have_url(re.compile(r"/break-glass/$"))
    page.get_by_label("Reason").fill("urgent")
    page.get_by_role("button", name="See restricted information").click()
    expect(page.get_by_text("at least 15 characters")).to_be_visible()
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="See restricted information").click()

    expect(page).to_have_url(re.compile(rf"/people/{sam.pk}/$"))
    expect(page.get_by_text("The coordinator has been told")).to_be_visible()
    expect(page.locator("#health").get_by_role("link", name="Hepatitis C")).to_be_visible()
    expect(page.get_by_text("Treatment started")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]

    coordinator = open_page(size)
    sign_in(coordinator, "coordinator")
    coordinator.goto("/notifications/")
    expect(coordinator.get_by_text(re.compile(r"Break glass: Pat Worker"))).to_be_visible()
    coordinator.goto("/people/break-glass/")
    expect(coordinator.get_by_text(REASON)).to_be_visible()
    expect(coordinator.get_by_role("link", name=re.compile("Sam Example"))).to_be_visible()
    assert page.console_errors == [] and coordinator.console_errors == []
