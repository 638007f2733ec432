"""A long word (10,000 characters, no spaces) wraps on a phone instead of widening the page."""

import pytest

from mars.roles import Role
from tests.browser.conftest import PHONE, sign_in
from tests.factories import PaymentRequestFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_WORD = "x" * 10_000


def test_a_ten_thousand_character_word_does_not_widen_a_payment_page_on_a_phone(open_page):
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    # Stored before text had a limit: old records may hold more than a form now accepts.
    request = PaymentRequestFactory(purpose=LONG_WORD)
    phone = open_page(PHONE)
    sign_in(phone, "coordinator")
    phone.goto(request.get_absolute_url())
    assert LONG_WORD in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"The page is {width}px wide"
