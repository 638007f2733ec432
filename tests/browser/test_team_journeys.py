"""The coordinator's running of the team: a supervision recorded and read by the worker, a team
meeting's action marked done by its owner, the caseloads side by side; at phone and desktop."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mars.roles import Role
from team.models import Supervision, TeamAction
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, sign_in
from tests.factories import ClientFactory, SupervisionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_coordinator_sees_an_overdue_supervision_on_the_caseloads_and_records_it(
    open_page, axe_script, viewport
):
    coordinator = UserFactory(
        username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid"
    )
    tom = UserFactory(username="support2", role=Role.SUPPORT, first_name="Tom", last_name="Baker")
    UserFactory(username="support3", role=Role.SUPPORT, first_name="Priya", last_name="Shah")
    for _ in range(3):
        ClientFactory(key_worker=tom)
    SupervisionFactory(
        worker=tom, supervisor=coordinator, held_on=timezone.localdate() - timedelta(weeks=8)
    )

    page = open_page(viewport, bypass_csp=True)
    sign_in(page, "coordinator")
    page.goto("/team/caseloads/")
    row = page.get_by_role("row", name="Tom Baker")
    expect(row.get_by_role("link", name="3")).to_be_visible()
    expect(row.get_by_text("Overdue")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert axe_violations(page, axe_script) == []

    page.goto("/team/supervision/")
    page.get_by_role("link", name="Record", exact=True).first.click()
    page.get_by_label("Worker").select_option(label="Tom Baker")
    page.get_by_label("Caseload discussed").fill("Three people; one referral waiting.")
    page.get_by_label("Wellbeing").fill("Better after leave.")
    page.locator("#id_actions-0-description").fill("Shadow an early outreach shift")
    page.get_by_role("button", name="Save supervision").click()
    expect(page.get_by_text("Supervision saved.")).to_be_visible()
    actions = page.get_by_role("region", name="Actions agreed")
    expect(actions.get_by_text("Shadow an early outreach shift")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert axe_violations(page, axe_script) == []
    assert Supervision.objects.filter(worker=tom).count() == 2
    assert page.console_errors == []

    # Tom reads his own supervision; it is nobody else's to read.
    page.context.clear_cookies()
    sign_in(page, "support2")
    page.goto(Supervision.objects.latest("id").get_absolute_url())
    expect(page.get_by_role("definition").get_by_text("Better after leave.")).to_be_visible()
    page.context.clear_cookies()
    sign_in(page, "support3")
    response = page.goto(Supervision.objects.latest("id").get_absolute_url())
    assert response is not None and response.status == 404


def test_a_team_meeting_action_is_marked_done_by_its_owner(open_page, axe_script):
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    UserFactory(username="outreach2", role=Role.OUTREACH, first_name="Jess", last_name="Lowe")

    desk = open_page(DESKTOP, bypass_csp=True)
    sign_in(desk, "coordinator")
    desk.goto("/team/meetings/")
    desk.get_by_role("link", name="Record a team meeting").click()
    desk.get_by_label("Jess Lowe").first.check()
    desk.get_by_label("Notes").fill("The holiday rota.")
    desk.locator("#id_actions-0-description").fill("Send the holiday rota")
    desk.locator("#id_actions-0-owner").select_option(label="Jess Lowe")
    desk.locator("#id_actions-0-due").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    desk.get_by_role("button", name="Save team meeting").click()
    expect(desk.get_by_text("Team meeting saved.")).to_be_visible()
    assert axe_violations(desk, axe_script) == []

    phone = open_page(PHONE, bypass_csp=True)
    sign_in(phone, "outreach2")
    phone.goto("/team/meetings/")
    phone.get_by_role("link", name="Send the holiday rota").click()
    phone.get_by_role("link", name="Mark done").click()
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Action updated.")).to_be_visible()
    assert TeamAction.objects.get().done_on == timezone.localdate()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(phone, axe_script) == []
    assert phone.console_errors == [] and desk.console_errors == []
