"""Save pressed again: after going back, or after an answer that never came, one record."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funds.models import FundKind, PaymentRequest
from mars.roles import Role
from tests.browser.conftest import PHONE, sign_in
from tests.factories import ClientFactory, FundFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ask(phone, fund, dan):  # type: ignore[no-untyped-def]
    phone.goto(dan.get_absolute_url())
    phone.get_by_role("link", name="Ask for a payment").click()
    phone.get_by_label("Fund").select_option(label=f"{fund} (Personal budget)")
    phone.get_by_label("Amount (£)").fill("86.40")
    phone.get_by_label("Payee").fill("Argos")
    phone.get_by_label("Purpose").fill("Kettle and bedding")


def test_going_back_and_saving_the_payment_request_again_asks_once(open_page):
    UserFactory(username="support", role=Role.SUPPORT)
    fund = FundFactory(name="Personal budgets", kind=FundKind.PERSONAL_BUDGET, budget=Decimal("4000"))
    dan = ClientFactory(first_name="Daniel", last_name="Pascoe")
    phone = open_page(PHONE)
    sign_in(phone, "support")
    _ask(phone, fund, dan)
    key = phone.locator("input[name=idempotency_key]").input_value()
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Request saved: it waits for approval.")).to_be_visible()
    phone.go_back()
    print("BACK URL", phone.url, "amount", phone.get_by_label("Amount (£)").input_value(), "key same", phone.locator("input[name=idempotency_key]").input_value() == key)
    phone.get_by_role("button", name="Save").click()
    phone.wait_for_load_state()
    print("AFTER", phone.url, phone.content()[:3000])
    assert PaymentRequest.objects.count() == 1
