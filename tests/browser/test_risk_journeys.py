import re

import pytest
from playwright.sync_api import expect

from mars.roles import Role
from risk.models import PlanStatus, RiskPlan
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, RiskAssessmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_support_drafts_a_plan_with_an_alert_and_the_coordinator_approves_it(open_page):
    support = UserFactory(
        username="support", role=Role.SUPPORT, first_name="Sophie", last_name="Marsh"
    )
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    mick = ClientFactory(first_name="Michael", last_name="O'Brien", known_as="Mick")
    RiskAssessmentFactory(client=mick, assessor=support, levels={"to_staff": "medium"})

    # The support worker, on a phone, writes the plan from Mick's page and submits it.
    phone = open_page(PHONE)
    sign_in(phone, "support")
    phone.goto(mick.get_absolute_url())
    phone.get_by_role("link", name="Write a risk plan").click()
    phone.get_by_label("How the risks are managed").fill("Approach in pairs; let him wake first.")
    phone.locator("#id_alerts-0-kind").select_option("dog_on_site")
    phone.locator("#id_alerts-0-detail").fill("Staffie, keep on lead")
    phone.locator("#id_actions-0-description").fill("Offer a Harbour assessment")
    phone.locator("#id_actions-0-owner").select_option(label="Sophie Marsh")
    phone.get_by_role("button", name="Save draft").click()
    expect(phone.get_by_text("Risk plan saved.")).to_be_visible()
    phone.get_by_role("button", name="Submit for approval").click()
    expect(phone.get_by_text("Submitted: a coordinator will approve it")).to_be_visible()
    plan = RiskPlan.objects.get()
    assert plan.status == PlanStatus.SUBMITTED and plan.submitted_by == support

    # She cannot approve her own plan: no button, and the approval page is refused.
    expect(phone.get_by_role("link", name="Approve", exact=True)).to_have_count(0)
    expect(
        phone.get_by_text("You cannot approve or return a plan you wrote or submitted")
    ).to_be_visible()
    refused = phone.goto(f"/risk/plans/{plan.pk}/approve/")
    assert refused is not None and refused.status == 403
    # Not in force yet: no alert on his page.
    phone.goto(mick.get_absolute_url())
    expect(phone.locator(".banner .risk-alert")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The coordinator, at a desk, finds it waiting and approves it.
    desk = open_page(DESKTOP)
    sign_in(desk, "coordinator")
    desk.get_by_role("link", name="1 risk plan to approve").click()
    desk.get_by_role("link", name=re.compile("O.Brien .*: version 1")).click()
    desk.get_by_role("link", name="Approve", exact=True).click()
    desk.get_by_label("Comment").fill("Agreed.")
    desk.get_by_role("button", name="Approve", exact=True).click()
    expect(desk.get_by_text("Approved: the plan and its alerts are in force.")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by.username == "coordinator"
    assert desk.console_errors == []

    # Now the alert is on his page and in search results, for the support worker on the phone.
    phone.goto(mick.get_absolute_url())
    expect(phone.locator(".banner").get_by_text("Staffie, keep on lead")).to_be_visible()
    phone.goto("/people/?q=Mick")
    expect(phone.locator(".results").get_by_text("Dog on site")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert all("403" in error for error in phone.console_errors)  # only the refused page
