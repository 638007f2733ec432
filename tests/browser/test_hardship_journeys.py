import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funds.models import FundKind, HardshipAssessment, RequestStatus
from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, sign_in
from tests.factories import ClientFactory, FundFactory, HardshipQuestionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_support_worker_assesses_a_hardship_payment_and_the_coordinator_authorises_it(
    open_page, axe_script
):
    support = UserFactory(
        username="support", role=Role.SUPPORT, first_name="Sophie", last_name="Marsh"
    )
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    FundFactory(
        name="Hardship",
        kind=FundKind.HARDSHIP,
        budget=Decimal("1200.00"),
        approval_threshold=Decimal("100.00"),
        hardship_largest_payment=Decimal("50.00"),
        hardship_most_payments=3,
    )
    HardshipQuestionFactory(text="Is the need immediate?", order=1)
    dan = ClientFactory(first_name="Daniel", last_name="Pascoe", known_as="Dan")

    # The support worker, on a phone, assesses the payment from Dan's page.
    phone = open_page(PHONE, bypass_csp=True)
    sign_in(phone, "support")
    phone.goto(dan.get_absolute_url())
    phone.get_by_role("link", name="Assess a hardship payment").click()
    expect(phone.get_by_text("Largest single payment: £50.00")).to_be_visible()
    phone.get_by_label("Circumstances").fill("Universal Credit sanctioned for four weeks.")
    for group, answer in [
        ("Benefits", "Tried"),
        ("Local welfare assistance", "Tried"),
        ("Food bank", "Tried"),
        ("Other funds or charities", "Not applicable"),
    ]:
        phone.get_by_role("group", name=re.compile(group)).get_by_label(answer, exact=True).check()
    phone.get_by_label("Amount (£)").fill("35.00")
    phone.get_by_label("What it is for").fill("Gas and electricity top-up for a week")
    phone.get_by_label("Payee").fill("Post Office PayPoint")
    phone.get_by_label("Authorise").check()
    phone.get_by_label("Why you recommend this").fill("No heating; nothing else before Friday.")
    phone.get_by_label("Is the need immediate?").fill("Yes: no credit on the meter.")
    assert axe_violations(phone, axe_script) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.get_by_role("button", name="Save the assessment").click()
    expect(phone.get_by_text("the payment request waits for approval")).to_be_visible()
    expect(phone.get_by_text("Waiting for the coordinator.")).to_be_visible()
    assessment = HardshipAssessment.objects.get()
    request = assessment.request
    assert request is not None and request.requested_by == support
    assert phone.console_errors == []

    # The coordinator, at a desk, authorises it through the usual approval.
    desk = open_page(DESKTOP, bypass_csp=True)
    sign_in(desk, "coordinator")
    desk.goto("/")
    desk.get_by_role("link", name="1 payment request to approve").click()
    desk.get_by_role("link", name=re.compile(request.reference)).click()
    expect(desk.get_by_role("link", name=assessment.reference)).to_be_visible()
    desk.get_by_role("link", name=assessment.reference).click()
    expect(
        desk.get_by_role("definition").filter(has_text="Yes: no credit on the meter.")
    ).to_be_visible()
    assert axe_violations(desk, axe_script) == []
    desk.get_by_role("link", name=f"The payment request, {request.reference}").click()
    desk.get_by_role("link", name="Approve", exact=True).click()
    desk.get_by_role("button", name="Approve as coordinator").click()
    expect(desk.get_by_text("Approved: the money is committed")).to_be_visible()
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert desk.console_errors == []

    # Dan's page shows the assessment and its request approved.
    phone.goto(dan.get_absolute_url())
    expect(phone.locator("#hardship").get_by_text("approved")).to_be_visible()
