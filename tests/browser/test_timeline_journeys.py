"""A person with a long history: the timeline shows the newest 50 and "Show more" appends the next
ones in place, moving focus to the first of them and saying how many came."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mars.roles import Role
from outreach.models import Contact
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, sign_in
from tests.factories import ClientFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_worker_reads_a_long_timeline_fifty_entries_at_a_time(open_page, axe_script, viewport):
    worker = UserFactory(username="outreach", role=Role.OUTREACH)
    sam = ClientFactory(first_name="Sam", last_name="Long")
    now = timezone.now()
    Contact.objects.bulk_create(
        ContactFactory.build(
            client=sam, worker=worker, at=now - dt.timedelta(hours=i + 1), location=f"Place {i}"
        )
        for i in range(70)
    )
    page = open_page(viewport, bypass_csp=True)
    sign_in(page, "outreach")
    page.goto(sam.get_absolute_url())

    entries = page.locator("#timeline-entries > li")
    expect(entries).to_have_count(50)
    expect(entries.nth(0)).to_contain_text("Place 0")
    expect(entries.nth(49)).to_contain_text("Place 49")
    show_more = page.get_by_role("link", name="Show more")
    show_more.focus()
    page.keyboard.press("Enter")

    expect(entries).to_have_count(70)
    expect(entries.nth(50)).to_contain_text("Place 50")
    expect(entries.nth(69)).to_contain_text("Place 69")
    # Focus went to the first new entry; the live region says how many came; no more to show.
    page.wait_for_function(
        "document.activeElement?.closest('li')?.textContent.includes('Place 50') === true"
    )
    expect(page.locator("#timeline-status")).to_have_text("20 older entries added, 70 shown.")
    expect(page.get_by_role("link", name="Show more")).to_have_count(0)
    assert page.url.endswith(sam.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert axe_violations(page, axe_script) == []
    assert page.console_errors == []
