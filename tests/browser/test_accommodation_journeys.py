import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accommodation.models import A2AReferral, Placement, ReferralStatus
from clients.models import ClientStatus
from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, PropertyFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_support_refers_the_panel_approves_and_the_coordinator_places(open_page):
    UserFactory(username="support", role=Role.SUPPORT, first_name="Sophie", last_name="Marsh")
    UserFactory(username="panel", role=Role.PANEL, first_name="Pat", last_name="Quinn")
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    mick = ClientFactory(first_name="Michael", last_name="O'Brien", known_as="Mick")
    hostel = PropertyFactory(name="Devonport House", type="hostel")
    UnitFactory(property=hostel, name="Bed 1")
    bed = UnitFactory(property=hostel, name="Bed 2")

    # A support worker on a phone refers Mick from his page.
    phone = open_page(PHONE)
    sign_in(phone, "support")
    phone.goto(mick.get_absolute_url())
    phone.get_by_role("link", name="Refer to the A2A panel").click()
    phone.get_by_label("Accommodation asked for").select_option("hostel")
    phone.get_by_label("Needs").fill("Alcohol support; ground floor")
    phone.get_by_label("Reasons").fill("Sleeping in the bus station, chest infection")
    phone.get_by_role("button", name="Send to the panel").click()
    expect(phone.get_by_text("Referral sent to the A2A panel.")).to_be_visible()
    referral = A2AReferral.objects.get()
    assert referral.referred_by.username == "support"
    assert phone.console_errors == []

    # A panel member finds it in the queue and approves it with a priority and reason.
    desk = open_page(DESKTOP)
    sign_in(desk, "panel")
    desk.get_by_role("link", name="Accommodation").click()
    desk.get_by_role("link", name="A2A panel").first.click()
    expect(desk.get_by_text("waiting 0 days")).to_be_visible()
    desk.get_by_role("link", name="Decide", exact=True).click()
    desk.get_by_label("Approve").check()
    desk.get_by_label("Priority").select_option("1")
    desk.get_by_label("Reason").fill("High risk in the cold; engages with Harbour")
    desk.get_by_role("button", name="Record decision").click()
    expect(desk.get_by_text("Decision recorded.")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPROVED and referral.priority == 1
    assert referral.decided_by.username == "panel"

    # The coordinator places him from the approved list.
    coordinator = open_page(DESKTOP)
    sign_in(coordinator, "coordinator")
    coordinator.goto("/accommodation/referrals/?show=approved")
    coordinator.get_by_role("link", name="Place", exact=True).click()
    expect(
        coordinator.get_by_role("heading", name=re.compile("Place Michael O'Brien"))
    ).to_be_visible()
    coordinator.get_by_label("Unit").select_option(value=str(bed.pk))
    planned = timezone.localdate() + timezone.timedelta(days=7)
    coordinator.get_by_label("Planned end").fill(planned.isoformat())
    coordinator.get_by_role("button", name="Place", exact=True).click()
    expect(coordinator.get_by_text("Placement recorded.")).to_be_visible()
    placement = Placement.objects.get()
    assert placement.unit == bed and placement.referral == referral
    mick.refresh_from_db()
    assert mick.status == ClientStatus.TEMPORARY_ACCOMMODATION

    # The board: Bed 2 is taken and due to end within 14 days; Bed 1 is still free.
    coordinator.goto("/accommodation/")
    free = coordinator.locator("#free")
    expect(free.get_by_role("link", name="Devonport House, Bed 1", exact=True)).to_be_visible()
    expect(free.get_by_role("link", name="Devonport House, Bed 2", exact=True)).to_have_count(0)
    expect(coordinator.locator("#ending").get_by_text("Michael O'Brien")).to_be_visible()

    # His page, on the phone: status, the placement, the referral and the timeline.
    phone.goto(mick.get_absolute_url())
    expect(phone.locator(".banner").get_by_text("Temporary accommodation")).to_be_visible()
    section = phone.locator("#accommodation")
    expect(section.get_by_role("link", name="Devonport House, Bed 2")).to_be_visible()
    expect(section.get_by_text("Placed")).to_be_visible()
    expect(phone.locator("#timeline").get_by_text("Moved in")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the person's page scrolls sideways on a phone"
    assert phone.console_errors == [] and coordinator.console_errors == []
