"""The coordinator sees a gap in next week's outreach rota (a worker on leave) and assigns cover;
at phone and desktop sizes, with an accessibility check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mars.roles import Role
from outreach.models import OutreachSession
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, sign_in
from tests.factories import AbsenceFactory, OutreachSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_coordinator_sees_a_gap_in_next_weeks_rota_and_assigns_cover(
    open_page, axe_script, viewport
):
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    jess = UserFactory(username="jess", role=Role.OUTREACH, first_name="Jess", last_name="Lowe")
    owen = UserFactory(username="owen", role=Role.OUTREACH, first_name="Owen", last_name="Hale")
    priya = UserFactory(username="priya", role=Role.SUPPORT, first_name="Priya", last_name="Shah")
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    AbsenceFactory(worker=jess, starts=monday, ends=monday + dt.timedelta(days=4))
    session = OutreachSessionFactory(
        date=monday + dt.timedelta(days=1), area="Hoe and Barbican", staff=[jess, owen]
    )

    page = open_page(viewport, bypass_csp=True)
    sign_in(page, "coordinator")
    page.goto("/attendance/")
    expect(page.get_by_role("heading", name="Attendance and cover")).to_be_visible()
    expect(page.locator(".away-list").first).to_contain_text("Jess Lowe")
    page.get_by_role("link", name="Outreach rota").click()
    expect(page.get_by_text("1 session with a gap")).to_be_visible()
    gap = page.locator(".rota-gap")
    expect(gap).to_contain_text("Hoe and Barbican")
    expect(gap).to_contain_text("Away")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert [
        f"{v['impact']} {v['id']}: {v['targets']}"
        for v in axe_violations(page, axe_script)
        if v["impact"] in BLOCKING
    ] == []

    gap.get_by_role("link", name="Assign cover for Jess Lowe").click()
    expect(page.get_by_label("Cover for")).to_have_value(str(jess.pk))
    page.get_by_label("Covering worker", exact=True).select_option(label="Priya Shah")
    page.get_by_label("The covering worker takes their place").check()
    page.get_by_role("button", name="Assign cover").click()

    expect(page.get_by_text("Cover assigned.")).to_be_visible()
    expect(page.get_by_text("No gaps: nobody on a planned session is away.")).to_be_visible()
    expect(page.get_by_text("Cover: Priya Shah for Jess Lowe")).to_be_visible()
    assert set(OutreachSession.objects.get(pk=session.pk).staff.all()) == {owen, priya}
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert page.console_errors == []
