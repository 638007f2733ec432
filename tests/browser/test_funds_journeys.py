import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funds.models import Fund, FundKind, PaymentRequest, Receipt, RequestStatus
from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, FundFactory, UserFactory
from tests.funds.files import image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_support_asks_for_a_personal_budget_payment_the_coordinator_approves_and_pays_it(
    open_page, tmp_path
):
    support = UserFactory(
        username="support", role=Role.SUPPORT, first_name="Sophie", last_name="Marsh"
    )
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    fund = FundFactory(
        name="Personal budgets",
        kind=FundKind.PERSONAL_BUDGET,
        budget=Decimal("4000.00"),
        approval_threshold=Decimal("250.00"),
    )
    dan = ClientFactory(first_name="Daniel", last_name="Pascoe", known_as="Dan")

    # The support worker, on a phone, asks from Dan's page.
    phone = open_page(PHONE)
    sign_in(phone, "support")
    phone.goto(dan.get_absolute_url())
    phone.get_by_role("link", name="Ask for a payment").click()
    phone.get_by_label("Fund").select_option(label=f"{fund} (Personal budget)")
    phone.get_by_label("Amount (£)").fill("86.40")
    phone.get_by_label("Payee").fill("Argos")
    phone.get_by_label("Purpose").fill("Kettle, bedding and towels for his new flat")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Request saved: it waits for approval.")).to_be_visible()
    expect(phone.get_by_text("Waiting for the coordinator.")).to_be_visible()
    request = PaymentRequest.objects.get()
    assert (request.client, request.requested_by) == (dan, support)
    # She cannot approve it herself.
    expect(phone.get_by_role("link", name="Approve", exact=True)).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The coordinator, at a desk, finds it in her queue and approves it.
    desk = open_page(DESKTOP)
    sign_in(desk, "coordinator")
    desk.goto(fund.get_absolute_url())
    expect(desk.locator("#fund-remaining")).to_have_text("£4,000.00")
    desk.goto("/")
    desk.get_by_role("link", name="1 payment request to approve").click()
    desk.get_by_role("link", name=re.compile(f"{request.reference}")).click()
    desk.get_by_role("link", name="Approve", exact=True).click()
    desk.get_by_role("button", name="Approve as coordinator").click()
    expect(desk.get_by_text("Approved: the money is committed")).to_be_visible()

    # She records the payment with the till receipt.
    receipt = tmp_path / "argos-receipt.png"
    receipt.write_bytes(image("PNG"))
    desk.get_by_role("link", name="Record the payment").click()
    desk.get_by_label("Method").select_option("card")
    desk.get_by_label("Reference").fill("CARD 2611-0042")
    desk.get_by_label("Receipt (optional)").set_input_files(str(receipt))
    desk.get_by_role("button", name="Record the payment").click()
    expect(desk.get_by_text("Payment recorded.")).to_be_visible()
    expect(desk.get_by_role("link", name="argos-receipt.png")).to_be_visible()
    request.refresh_from_db()
    assert request.status == RequestStatus.PAID
    assert Receipt.objects.get().content_type == "image/png"

    # The fund's remaining budget has dropped by the amount.
    desk.get_by_role("link", name=re.compile("Personal budgets")).first.click()
    expect(desk.locator("#fund-remaining")).to_have_text("£3,913.60")
    assert Fund.objects.with_totals().get().paid == Decimal("86.40")
    assert desk.console_errors == []

    # The support worker sees it paid on Dan's page.
    phone.goto(dan.get_absolute_url())
    expect(phone.locator("#payments").get_by_text("Paid", exact=True)).to_be_visible()
    assert phone.console_errors == []
