import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, sign_in
from tests.factories import A2AReferralFactory, ClientFactory, ReferralFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_coordinator_opens_the_waiting_list_filters_it_and_follows_an_item(
    open_page, axe_script, viewport
):
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    support = UserFactory(
        username="support", role=Role.SUPPORT, first_name="Sophie", last_name="Marsh"
    )
    today = timezone.localdate()
    late = ReferralFactory(
        direction="out",
        referred_on=today - dt.timedelta(days=13),
        client=ClientFactory(key_worker=support),
    )
    A2AReferralFactory(referred_on=today - dt.timedelta(days=10))

    page = open_page(viewport, bypass_csp=True)
    sign_in(page, "coordinator")
    page.get_by_role("link", name="2 things past their time").click()
    expect(page.get_by_role("heading", name="Waiting past its time")).to_be_visible()
    expect(page.get_by_text("2 of 2 past their time.")).to_be_visible()
    assert axe_violations(page, axe_script) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    # Only the referrals out: the list changes in place (htmx) and the address keeps the filter.
    page.get_by_label("Kind").select_option("Referral out")
    expect(page.get_by_text("1 of 2 past their time.")).to_be_visible()
    expect(page.get_by_text("A2A panel decision")).to_have_count(0)
    assert "kind=Referral+out" in page.url or "kind=Referral%20out" in page.url
    page.get_by_label("Owner").select_option(label="Sophie Marsh")
    item = page.get_by_role("link", name=f"{late.client.reference}: referral to")
    expect(item).to_be_visible()
    expect(page.get_by_text("3 days over")).to_be_visible()

    # Following it opens the referral, with its timer.
    item.click()
    expect(page.get_by_text("Answer due")).to_be_visible()
    expect(page.get_by_text("Days over")).to_be_visible()
    assert page.console_errors == []
