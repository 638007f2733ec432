"""axe-core on the main pages each role reaches from the navigation, on a phone and a desktop:
no serious or critical violation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mars import notifications
from mars.dates import add_months, day_start
from mars.roles import Role
from privacy import services as retention
from privacy.models import RunTrigger as RetentionTrigger
from reporting import returns as rsdf_returns
from reporting import services as reporting
from rights import services as rights
from rights.models import RightsRequest, SubjectAccessRequest
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, sign_in
from tests.factories import (
    PASSWORD,
    A2AReferralFactory,
    AgencyFactory,
    ClientFactory,
    ConsentFactory,
    ContactFactory,
    DischargeFactory,
    FundFactory,
    HouseIssueFactory,
    MarsHouseReferralFactory,
    MeetingActionFactory,
    PaymentRequestFactory,
    PlacementFactory,
    PublicReportFactory,
    SharingWithoutConsentFactory,
    SwepActivationFactory,
    UnitFactory,
    UserFactory,
    plan_in_force,
)
from tests.twofactor import code_from_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def caseload() -> dict[str, Any]:
    """A small caseload in which every page has something to show; returns the pages' addresses
    that the navigation does not link to directly."""
    coordinator = UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora")
    outreach = UserFactory(username="outreach", role=Role.OUTREACH, first_name="Owen")
    users = [coordinator, outreach]
    for username, role in [
        ("support", Role.SUPPORT),
        ("panel", Role.PANEL),
        ("director", Role.DIRECTOR),
        ("resettlement", Role.RESETTLEMENT_MANAGER),
        ("commissioner", Role.COMMISSIONER),
        ("administrator", Role.ADMINISTRATOR),
    ]:
        users.append(UserFactory(username=username, role=role))
    # Every page then has the SWEP banner and the header's unread count.
    SwepActivationFactory(activated_by=coordinator)
    notifications.notify(users, key="welcome", subject="Welcome to MARS", url="/")
    AgencyFactory(name="Livewell")
    # Special category data: the support worker (not his key worker) reads that it is held.
    sam = ClientFactory(
        first_name="Sam",
        last_name="Example",
        known_as="Sammy",
        ethnicity="white_irish",
        support_needs=["drugs", "care_leaver"],
    )
    ContactFactory(client=sam, worker=outreach)
    # A leaving of prison (special category: the support worker reads that one is held), and a
    # nationality left as text for the coordinator to fix.
    discharge = DischargeFactory(client=sam, notes="Probation confirmed the date")
    ClientFactory(first_name="Azad", nationality="", nationality_as_recorded="Kurdish")
    ContactFactory(client=ClientFactory(first_name="Michael", last_name="O'Brien"), worker=outreach)
    report = PublicReportFactory()
    referral = A2AReferralFactory(client=ClientFactory(first_name="Robyn"), referred_by=outreach)
    PlacementFactory(client=ClientFactory(first_name="Daniel", last_name="Price"))
    house = UnitFactory(property__type="mars_house", property__name="MARS House").property
    MarsHouseReferralFactory(client=ClientFactory(first_name="Leah"))
    HouseIssueFactory(property=house)
    plan_in_force(sam)
    consent = ConsentFactory(client=sam)
    SharingWithoutConsentFactory(client=sam, agency=AgencyFactory(name="Police", kind="police"))
    MeetingActionFactory(meeting__client=sam, owner=coordinator)
    payment = PaymentRequestFactory(fund=FundFactory(), client=sam, requested_by=coordinator)
    with mock.patch.object(reporting, "_enqueue"):
        run = reporting.start_run(
            timezone.localdate().replace(day=1) - dt.timedelta(days=1), by=coordinator
        )
    reporting.make_report(run.pk)
    run.refresh_from_db()
    reporting.publish_run(run, commentary="Fewer people sleeping out this month.", by=coordinator)
    # RSDF returns: last month's a draft with its night chosen (the coordinator's forms and what
    # to check), the month before submitted (what commissioners see).
    last_month = run.period
    draft = rsdf_returns.open_return(last_month, by=coordinator)
    rsdf_returns.change_return(
        draft, night=last_month.replace(day=10), population=266900, notes="", by=coordinator
    )
    sent = rsdf_returns.open_return(add_months(last_month, -1), by=coordinator)
    sent = rsdf_returns.change_return(
        sent, night=sent.period.replace(day=10), population=266900, notes="", by=coordinator
    )
    sent = rsdf_returns.submit_return(
        rsdf_returns.mark_checked(sent, by=coordinator), reason="Gaps known", by=coordinator
    )
    access_request = rights.record_access_request(
        SubjectAccessRequest(client=sam, received_on=timezone.localdate()), by=coordinator
    )
    rights_request = rights.record_rights_request(
        RightsRequest(
            client=sam, kind="rectification", received_on=timezone.localdate(), request="Fix"
        ),
        by=coordinator,
    )
    # Long-term (seen this month and in three months before it), and a target for the count.
    gary = ClientFactory(first_name="Gary", last_name="Tonkin")
    ContactFactory(client=gary, worker=outreach)
    for back in (1, 2, 3):
        day = add_months(timezone.localdate().replace(day=5), -back)
        ContactFactory(client=gary, worker=outreach, at=day_start(day) + dt.timedelta(hours=6))
    reporting.set_long_term_target(
        baseline_month=add_months(timezone.localdate().replace(day=1), -1),
        target_date=timezone.localdate() + dt.timedelta(days=365),
        by=coordinator,
    )
    hold = retention.place_hold(referral.client, by=coordinator, reason="Inquest")
    retention_run = retention.run_retention(
        by=coordinator, trigger=RetentionTrigger.PAGE, dry_run=True
    )
    return {
        "person": f"/people/{sam.pk}/",
        "person before the panel": f"/people/{referral.client_id}/",
        "A2A referral": referral.get_absolute_url(),
        "add a person": "/people/new/",
        "change a person": f"/people/{sam.pk}/edit/",
        "nationalities to fix": "/people/nationalities-to-fix/",
        "record leaving an institution": f"/people/{sam.pk}/discharges/new/",
        "leaving an institution": discharge.get_absolute_url(),
        "change leaving an institution": f"/people/discharges/{discharge.pk}/edit/",
        "delete leaving an institution": f"/people/discharges/{discharge.pk}/delete/",
        "log a contact": "/outreach/contacts/new/",
        "log a contact on the phone": "/outreach/log/",
        "log a sighting on the phone": "/outreach/log/?sighting=1",
        "start today's session on the phone": "/outreach/sessions/start/",
        "offline page": "/outreach/offline/",
        "public report": report.get_absolute_url(),
        "MARS House": "/accommodation/mars-house/",
        "payment request": payment.get_absolute_url(),
        "funds": "/funds/",
        "report runs": "/reports/runs/",
        "report run": f"/reports/runs/{run.pk}/",
        "rsdf return": draft.get_absolute_url(),
        "people behind an rsdf figure": f"/reports/rsdf/{draft.pk}/people/?key=over_month.total",
        "submitted rsdf return": sent.get_absolute_url(),
        "notifications": "/notifications/",
        "two-factor sign-in": "/accounts/two-factor/",
        "my account": "/accounts/me/",
        "add a staff account": "/accounts/staff/new/",
        "staff account": f"/accounts/staff/{outreach.pk}/",
        "change a staff account": f"/accounts/staff/{outreach.pk}/edit/",
        "who looked at a person": f"/access-log/people/{sam.pk}/",
        "a member's reads": f"/access-log/?user={coordinator.pk}",
        "record consent": f"/people/{sam.pk}/consent/new/",
        "consent": consent.get_absolute_url(),
        "see restricted information": f"/people/{sam.pk}/break-glass/",
        "subject access request": access_request.get_absolute_url(),
        "record a subject access request": f"/data-protection/people/{sam.pk}/access/new/",
        "a person's data protection requests": f"/data-protection/people/{sam.pk}/",
        "rights request": rights_request.get_absolute_url(),
        "place a legal hold": f"/privacy/retention/people/{sam.pk}/hold/",
        "anonymise a person": f"/privacy/retention/people/{sam.pk}/anonymise/",
        "legal hold": hold.get_absolute_url(),
        "retention run": retention_run.get_absolute_url(),
        "long-term list": "/reports/long-term/",
        "long-term target": "/reports/long-term/target/",
    }


# Beyond the navigation's own links: the pages a role goes on to from them.
FURTHER = {
    Role.OUTREACH: [
        "person",
        "add a person",
        "log a contact",
        "log a contact on the phone",
        "log a sighting on the phone",
        "start today's session on the phone",
        "offline page",
        "public report",
        "MARS House",
        "nationalities to fix",
        "record leaving an institution",
    ],
    Role.SUPPORT: [
        "person",
        "add a person",
        "log a contact on the phone",
        "MARS House",
        "payment request",
        "record consent",
        "consent",
        "see restricted information",
        "change a person",
        "leaving an institution",
    ],
    Role.PANEL: ["person before the panel", "A2A referral"],
    Role.COORDINATOR: [
        "person",
        "add a person",
        "change a person",
        "nationalities to fix",
        "record leaving an institution",
        "leaving an institution",
        "change leaving an institution",
        "delete leaving an institution",
        "MARS House",
        "payment request",
        "funds",
        "report runs",
        "report run",
        "rsdf return",
        "people behind an rsdf figure",
        "add a staff account",
        "staff account",
        "change a staff account",
        "who looked at a person",
        "a member's reads",
        "consent",
        "subject access request",
        "record a subject access request",
        "a person's data protection requests",
        "rights request",
        "place a legal hold",
        "anonymise a person",
        "legal hold",
        "retention run",
        "long-term list",
        "long-term target",
    ],
    Role.DIRECTOR: ["person", "MARS House", "payment request", "report run", "rsdf return"],
    Role.RESETTLEMENT_MANAGER: ["funds"],
    Role.COMMISSIONER: ["report run", "submitted rsdf return"],
    Role.ADMINISTRATOR: ["add a staff account", "staff account"],
}
USERNAMES = {
    Role.OUTREACH: "outreach",
    Role.SUPPORT: "support",
    Role.PANEL: "panel",
    Role.COORDINATOR: "coordinator",
    Role.DIRECTOR: "director",
    Role.RESETTLEMENT_MANAGER: "resettlement",
    Role.COMMISSIONER: "commissioner",
    Role.ADMINISTRATOR: "administrator",
}


def test_the_sign_in_page_has_no_serious_accessibility_violations(
    open_page, axe_script: Path
) -> None:
    page = open_page(PHONE, bypass_csp=True)
    seen, blocking = check(page, axe_script, "sign in", "/accounts/login/")
    print("\naxe-core on the sign-in page:", *seen, sep="\n  ")
    assert not blocking, "Serious or critical accessibility violations:\n" + "\n".join(blocking)


@pytest.mark.parametrize("role", list(FURTHER), ids=lambda role: USERNAMES[role])
def test_main_pages_have_no_serious_accessibility_violations(
    open_page, axe_script: Path, role: Role
) -> None:
    addresses = caseload()
    page = open_page(PHONE, bypass_csp=True)
    sign_in(page, USERNAMES[role])
    # On a phone the navigation is folded behind the Menu button, which shows the unread count.
    expect(page.locator("summary .notice-count")).to_have_text("1")
    expect(page.get_by_text("SWEP is in force")).to_be_visible()
    page.locator("summary").click()
    navigation = page.get_by_role("navigation", name="Main").get_by_role("link")
    pages = {link.inner_text().strip(): link.get_attribute("href") for link in navigation.all()}
    pages = {name: url for name, url in pages.items() if name not in {"API", "Admin"}}
    pages |= {
        name: addresses[name]
        for name in [*FURTHER[role], "notifications", "two-factor sign-in", "my account"]
    }

    seen: list[str] = []
    blocking: list[str] = []
    for name, url in pages.items():
        on_page, failing = check(page, axe_script, name, url)
        seen += on_page
        blocking += failing
    print(f"\naxe-core as {USERNAMES[role]} on {len(pages)} pages:", *seen, sep="\n  ")
    assert not blocking, "Serious or critical accessibility violations:\n" + "\n".join(blocking)


def test_the_two_factor_set_up_codes_and_sign_in_pages_have_no_serious_violations(
    open_page, axe_script: Path
) -> None:
    UserFactory(username="support", role=Role.SUPPORT)
    page = open_page(PHONE, bypass_csp=True)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("support")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/set-up/**")
    seen, blocking = check(page, axe_script, "set up", page.url)
    key = page.locator("#otp-key").inner_text()
    page.get_by_label("Code from your authenticator app").fill(code_from_key(key))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/two-factor/recovery-codes/**")
    for size, viewport in [("phone", PHONE), ("desktop", DESKTOP)]:  # shown once: no reload
        page.set_viewport_size(viewport)
        for violation in axe_violations(page, axe_script):
            line = f"recovery codes ({size}): {violation['impact']} {violation['id']}"
            seen.append(line)
            if violation["impact"] in BLOCKING:
                blocking.append(line)
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("support")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/verify/**")
    on_page, failing = check(page, axe_script, "enter your code", page.url)
    seen += on_page
    blocking += failing
    print("\naxe-core on the two-factor pages:", *seen, sep="\n  ")
    assert not blocking, "Serious or critical accessibility violations:\n" + "\n".join(blocking)


def check(page, script: Path, name: str, url: str) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """Every violation axe-core finds on a page on a phone and on a desktop, and those that fail."""
    page.set_viewport_size(PHONE)
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{name} ({url})"
    seen: list[str] = []
    blocking: list[str] = []
    for size, viewport in [("phone", PHONE), ("desktop", DESKTOP)]:
        page.set_viewport_size(viewport)
        for violation in axe_violations(page, script):
            line = (
                f"{name} ({url}, {size}): {violation['impact']} {violation['id']}: "
                f"{violation['help']} at {', '.join(violation['targets'])}"
            )
            seen.append(line)
            if violation["impact"] in BLOCKING:
                blocking.append(line)
    return seen, blocking
