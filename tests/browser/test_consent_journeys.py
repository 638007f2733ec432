"""A referral the person's consent does not cover: refused with the reason, then made on
safeguarding grounds, which the coordinator then sees."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Referral
from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import AgencyFactory, ClientFactory, ConsentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_support_worker_refers_to_the_police_on_safeguarding_when_consent_does_not_cover_it(
    open_page,
):
    UserFactory(username="support", role=Role.SUPPORT, first_name="Sian", last_name="Evans")
    UserFactory(username="coordinator", role=Role.COORDINATOR)
    AgencyFactory(key="police", name="Met Police", kind="police")
    sam = ClientFactory(first_name="Sam", last_name="Example")
    ConsentFactory(client=sam, scopes=["health", "housing"])
    today = timezone.localdate()

    page = open_page(PHONE)
    sign_in(page, "support")
    page.goto(f"/people/{sam.pk}/")
    expect(page.get_by_text(re.compile(r"Valid until .*, covers health, housing"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("link", name="New referral").click()
    page.get_by_label("Direction").select_option("out")
    page.get_by_label("Agency").select_option(label="Met Police")
    page.get_by_label("Referred on").fill(today.isoformat())
    page.get_by_label("Reason", exact=True).fill("Threatened with a knife at the hostel")
    page.get_by_role("button", name="Save").click()

    expect(
        page.get_by_text(
            "Sam's consent does not cover sharing with Met Police (police) "
            "(it covers health, housing)."
        )
    ).to_be_visible()
    expect(page.get_by_label("Reason", exact=True)).to_have_value(
        "Threatened with a knife at the hostel"
    )
    assert not Referral.objects.exists()
    page.get_by_label("Lawful basis if consent does not cover this").select_option("safeguarding")
    page.get_by_label("Reason for sharing without consent").fill(
        "Serious risk of harm tonight; police must know where he sleeps."
    )
    page.get_by_role("button", name="Save").click()

    referral = Referral.objects.get()
    expect(page).to_have_url(re.compile(rf"/referrals/{referral.pk}/$"))
    expect(page.get_by_text("Shared with Met Police without consent")).to_be_visible()
    expect(page.get_by_text(re.compile("Safeguarding: Serious risk of harm"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.console_errors == []

    lead = open_page(DESKTOP)
    sign_in(lead, "coordinator")
    lead.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Sharing without consent"
    ).click()
    expect(lead.get_by_role("link", name=re.compile("Sam Example .*: Met Police"))).to_be_visible()
    expect(lead.get_by_text(re.compile("Safeguarding · .* · by Sian Evans"))).to_be_visible()
