"""Save pressed again, after Back or after an answer that never came: one payment request."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funds.models import FundKind, PaymentRequest
from mars.roles import Role
from tests.browser.conftest import PHONE, sign_in
from tests.factories import ClientFactory, FundFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = "Request saved: it waits for approval."
TWICE = "This was sent twice and saved once: nothing was saved again."


@pytest.fixture
def phone(open_page):  # type: ignore[no-untyped-def]
    UserFactory(username="support", role=Role.SUPPORT)
    fund = FundFactory(
        name="Personal budgets", kind=FundKind.PERSONAL_BUDGET, budget=Decimal("4000.00")
    )
    dan = ClientFactory(first_name="Daniel", last_name="Pascoe")
    phone = open_page(PHONE)
    sign_in(phone, "support")
    phone.goto(dan.get_absolute_url())
    phone.get_by_role("link", name="Ask for a payment").click()
    phone.get_by_label("Fund").select_option(label=f"{fund} (Personal budget)")
    phone.get_by_label("Amount (£)").fill("86.40")
    phone.get_by_label("Payee").fill("Argos")
    phone.get_by_label("Purpose").fill("Kettle and bedding")
    return phone


def test_going_back_and_saving_the_payment_request_again_asks_for_it_once(phone):
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text(SAVED)).to_be_visible()
    first = phone.url
    # Back: the form comes back (fetched again) with everything typed, its key included.
    phone.go_back()
    expect(phone.get_by_label("Amount (£)")).to_have_value("86.40")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text(TWICE)).to_be_visible()
    assert phone.url == first
    assert PaymentRequest.objects.count() == 1


def test_reloading_after_an_answer_that_never_came_asks_once(phone):
    def lost_answer(route):  # type: ignore[no-untyped-def]
        route.fetch()  # the server gets it and saves; the answer is lost on the way back
        route.abort("timedout")

    phone.route("**/requests/new/", lost_answer)
    with phone.expect_event("requestfailed"):
        phone.get_by_role("button", name="Save").click()
    assert PaymentRequest.objects.count() == 1
    phone.unroute("**/requests/new/")
    # The browser's error page; Reload sends the form again, its key included.
    assert phone.url.startswith("chrome-error:")
    phone.reload()
    expect(phone.get_by_text(TWICE)).to_be_visible()
    assert phone.url.endswith(PaymentRequest.objects.get().get_absolute_url())
    assert PaymentRequest.objects.count() == 1
