"""Need to know: canary strings in every sensitive field of one person before the A2A panel, and a
crawl of pages, API, exports and PDFs as each role. No canary reaches a role that should not see
it, and the roles that should see one do (so the crawl can fail)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from pypdf import PdfReader

from clients.models import Discharge, HealthAccess, SupportGoal, SupportPlan
from funds import services as funds
from funds.models import PaymentRequest
from mars.api import router
from mars.roles import Role
from risk.access import RESTRICTED_NOTE
from risk.models import SafeguardingConcern
from tests.factories import (
    A2AReferralFactory,
    ClientFactory,
    ContactFactory,
    FundFactory,
    RiskAssessmentFactory,
    UserFactory,
    plan_in_force,
)

pytestmark = pytest.mark.django_db

SAFEGUARDING = "CANARY-SAFEGUARDING-1"
HEALTH = "CANARY-HEALTH-1"
PLAN_NOTES = "CANARY-PLAN-NOTES-1"
PLAN_GOAL = "CANARY-PLAN-GOAL-1"
PAYMENT_PURPOSE = "CANARY-PAYMENT-PURPOSE-1"
PAYMENT_PAYEE = "CANARY-PAYMENT-PAYEE-1"
RESTRICTED = "CANARY-RESTRICTED-ALERT-1"
CASE_RECORDS = [SAFEGUARDING, PLAN_NOTES, PLAN_GOAL, PAYMENT_PURPOSE, PAYMENT_PAYEE]
# Special category data and sensitive notes (issue 18): the key worker's and the coordinator's
# (the role mars.roles grants view_special_category), and no one else's.
HEALTH_OUTCOME = "CANARY-HEALTH-OUTCOME-1"
ETHNICITY = "white_gypsy_irish_traveller"
# The person's ethnicity as the API and the person page give it (every form offers each choice).
ETHNICITY_API = f'"ethnicity":"{ETHNICITY}"'
ETHNICITY_PAGE = "Gypsy or Irish Traveller</dd>"
CONTACT_NOTE = "CANARY-SENSITIVE-CONTACT-1"
GOAL_NOTE = "CANARY-SENSITIVE-GOAL-1"
RISK_NOTE = "CANARY-SENSITIVE-RISK-1"
# Issue 20: leaving an institution, and access to public funds (as the API gives it).
DISCHARGE_NOTE = "CANARY-DISCHARGE-1"
PUBLIC_FUNDS_API = '"public_funds":"no_recourse"'
SPECIAL = [
    DISCHARGE_NOTE,
    PUBLIC_FUNDS_API,
    HEALTH,
    HEALTH_OUTCOME,
    ETHNICITY_API,
    ETHNICITY_PAGE,
    CONTACT_NOTE,
    GOAL_NOTE,
    RISK_NOTE,
]
# Not sensitive: read by every worker who reads the record (so the crawl reaches the records).
PLAIN_CONTACT_NOTE = "CANARY-PLAIN-CONTACT-1"
PLAIN_RISK_NOTE = "CANARY-PLAIN-RISK-1"
CASE_RECORDS += [PLAIN_CONTACT_NOTE, PLAIN_RISK_NOTE]
CANARIES = [*CASE_RECORDS, RESTRICTED, *SPECIAL]

# What the panel is there to read: the referral's words and the alerts that protect staff.
REFERRAL_TEXT = "Needs a ground-floor room, REFERRAL-WORDS"
STAFF_ALERT = "STAFF-ALERT-DOG"

# Who reads which canary. Everyone else who may see the person reads none; the restricted
# alert's words are the key worker's and the coordinator's alone.
READS: dict[str, list[str]] = {
    "keyworker": CANARIES,
    Role.COORDINATOR: CANARIES,
    # A support worker who is not the key worker reads that it is held, not what.
    Role.SUPPORT: CASE_RECORDS,
    Role.OUTREACH: CASE_RECORDS,
    Role.DIRECTOR: CASE_RECORDS,
    Role.PANEL: [],
    Role.RESETTLEMENT_MANAGER: [],
    Role.COMMISSIONER: [],
    Role.ADMINISTRATOR: [],
}
# Pages never followed: they act (sign out) or stream every record (their own test below).
SKIP = re.compile(r"^/(accounts/logout|admin/|static/|media/|api/docs|api/schema)")
HREF = re.compile(r'href="([^"#]+)')


@pytest.fixture
def canary(coordinator: User) -> dict[str, Any]:
    """A person with an A2A referral before the panel, a canary in every sensitive field."""
    keyworker = UserFactory(username="keyworker", role=Role.SUPPORT)
    person = ClientFactory(
        first_name="Canary",
        last_name="Person",
        key_worker=keyworker,
        ethnicity=ETHNICITY,
        support_needs=["offending_history", "care_leaver"],
        public_funds="no_recourse",
    )
    Discharge.objects.create(
        client=person, kind="prison", date=date(2026, 9, 20), notes=DISCHARGE_NOTE
    )
    A2AReferralFactory(client=person, needs=REFERRAL_TEXT, reasons="REFERRAL-REASONS")
    plan_in_force(
        person, alerts=[("do_not_disclose_address", RESTRICTED), ("dog_on_site", STAFF_ALERT)]
    )
    SafeguardingConcern.objects.create(
        client=person, raised_on=date(2026, 10, 3), category="adult", details=SAFEGUARDING
    )
    HealthAccess.objects.create(
        client=person,
        kind="gp_registration",
        date=date(2026, 10, 4),
        notes=HEALTH,
        outcome=HEALTH_OUTCOME,
    )
    plan = SupportPlan.objects.create(client=person, start=date(2026, 10, 1), summary=PLAN_NOTES)
    SupportGoal.objects.create(plan=plan, description=PLAN_GOAL)
    SupportGoal.objects.create(plan=plan, description="Stay well", notes=GOAL_NOTE, sensitive=True)
    ContactFactory(client=person, worker=keyworker, notes=CONTACT_NOTE, sensitive=True)
    ContactFactory(
        client=person,
        worker=keyworker,
        notes=PLAIN_CONTACT_NOTE,
        at=timezone.now() - timedelta(hours=3),
    )
    RiskAssessmentFactory(
        client=person,
        assessor=keyworker,
        ratings={
            "to_self": {"level": "high", "notes": RISK_NOTE, "sensitive": True},
            "to_staff": {"level": "low", "notes": PLAIN_RISK_NOTE},
        },
    )
    request = funds.request_payment(
        PaymentRequest(
            fund=FundFactory(),
            client=person,
            amount=Decimal("20.00"),
            purpose=PAYMENT_PURPOSE,
            payee=PAYMENT_PAYEE,
        ),
        by=keyworker,
    )
    funds.approve_payment(request, by=coordinator)
    funds.record_payment(
        request, paid_on=timezone.localdate(), method="card", reference="R1", by=coordinator
    )
    return {"person": person, "keyworker": keyworker, "request": request}


@pytest.fixture
def reader(client: HttpClient, canary: dict[str, Any], make_user: Any) -> Any:
    """The test client signed in as a role (or as the person's key worker)."""

    def sign_in(role: str) -> HttpClient:
        client.force_login(canary["keyworker"] if role == "keyworker" else make_user(role))
        return client

    return sign_in


def _text(response: Any) -> str:
    if response.status_code != 200:
        return ""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in kind:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return body.decode("utf-8", errors="replace")


def _crawl(browser: HttpClient, start: list[str], depth: int) -> Iterator[tuple[str, str]]:
    """Each page from `start`, and those linked from it on this site, `depth` links deep."""
    seen: set[str] = set()
    level = start
    for _ in range(depth + 1):
        following: list[str] = []
        for url in level:
            if url in seen or SKIP.match(url):
                continue
            seen.add(url)
            text = _text(browser.get(url))
            yield url, text
            for href in HREF.findall(text):
                parts = urlsplit(href.replace("&amp;", "&"))
                if not parts.netloc and parts.path.startswith("/"):
                    following.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        level = following


def _api_urls(canary: dict[str, Any]) -> list[str]:
    """Every list route under /api/, and the detail of each of the person's records in it."""
    person = canary["person"]
    urls = []
    for prefix, viewset, _ in router.registry:
        urls.append(f"/api/{prefix}/")
        queryset = getattr(viewset, "queryset", None)
        if queryset is None:
            continue
        model = queryset.model
        if model is type(person):
            urls.append(f"/api/{prefix}/{person.pk}/")
        elif any(f.name == "client" for f in model._meta.get_fields()):
            pks = model.objects.filter(client=person).values_list("pk", flat=True)
            urls += [f"/api/{prefix}/{pk}/" for pk in pks]
    return urls


def _everything(browser: HttpClient, canary: dict[str, Any]) -> dict[str, str]:
    person = canary["person"]
    today = timezone.localdate().isoformat()
    start = [
        person.get_absolute_url(),
        reverse("home"),
        reverse("clients:list") + "?q=Canary",
        reverse("accommodation:referral_list"),
    ]
    texts = dict(_crawl(browser, start, depth=2))
    texts.update((url, _text(browser.get(url))) for url in _api_urls(canary))
    for kind in ("csv", "xlsx"):
        url = reverse("funds:export") + f"?paid_from={today}&paid_to={today}&format={kind}"
        texts[url] = _text(browser.get(url))
    texts[reverse("reporting:bundle_export")] = _text(
        browser.get(reverse("reporting:bundle_export"))
    )
    return texts


def _where(texts: dict[str, str], marker: str) -> list[str]:
    return [url for url, text in texts.items() if marker in text]


@pytest.mark.parametrize("role", list(READS))
def test_each_role_reads_only_the_sensitive_fields_it_needs(
    role: str, canary: dict[str, Any], reader: Any
) -> None:
    texts = _everything(reader(role), canary)
    for marker in CANARIES:
        found = _where(texts, marker)
        if marker in READS[role]:
            assert found, f"{role} should read {marker} somewhere, but read it nowhere"
        else:
            assert not found, f"{role} read {marker} at {found}"


def test_the_panel_reads_the_referral_the_risk_level_and_the_staff_alerts(
    canary: dict[str, Any], reader: Any
) -> None:
    browser = reader(Role.PANEL)
    page = strip_tags(_text(browser.get(canary["person"].get_absolute_url())))
    assert "Risk level" in page and STAFF_ALERT in page and RESTRICTED_NOTE in page
    html = _text(browser.get(canary["person"].get_absolute_url()))
    for section in ('id="plans"', 'id="health"', 'id="referrals"', "Safeguarding"):
        assert section not in html
    texts = _everything(browser, canary)
    assert _where(texts, REFERRAL_TEXT)
    rows = browser.get("/api/clients/").json()["results"]
    assert [row["id"] for row in rows] == [canary["person"].pk]
    assert {a["detail"] for a in rows[0]["alerts"]} == {STAFF_ALERT, "ask the key worker"}


def test_the_panel_sees_no_one_whose_referral_is_not_before_it(
    canary: dict[str, Any], reader: Any, coordinator: User
) -> None:
    decided = A2AReferralFactory(
        status="declined",
        decided_by=coordinator,
        decided_at=timezone.now(),
        decision_reason="Placed elsewhere",
    ).client
    nobody = ClientFactory()
    browser = reader(Role.PANEL)
    for person in (decided, nobody):
        assert browser.get(person.get_absolute_url()).status_code == 404
        assert browser.get(f"/api/clients/{person.pk}/").status_code == 404
    listed = browser.get(reverse("clients:list") + "?q=").content.decode()
    assert canary["person"].reference in listed and nobody.reference not in listed


def test_a_support_worker_not_the_key_worker_sees_that_there_is_a_restricted_alert(
    canary: dict[str, Any], reader: Any
) -> None:
    browser = reader(Role.SUPPORT)
    page = strip_tags(_text(browser.get(canary["person"].get_absolute_url())))
    assert RESTRICTED_NOTE in page and STAFF_ALERT in page and RESTRICTED not in page
    plan = canary["person"].risk_plans.get()
    assert browser.get(reverse("risk:plan_create", args=[canary["person"].pk])).status_code == 403
    assert RESTRICTED_NOTE in strip_tags(_text(browser.get(plan.get_absolute_url())))


def test_a_report_pdf_holds_no_canary(
    canary: dict[str, Any],
    client: HttpClient,
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from reporting import services as reporting

    month = timezone.localdate().replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        run = reporting.start_run(month, as_of=timezone.localdate(), by=coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("reporting:run_download", args=[run.pk, "pdf"]))
    text = _text(response)
    assert "pdf" in response["Content-Type"] and text
    assert not [marker for marker in CANARIES if marker in text]


def test_a_panel_member_who_declines_a_referral_goes_back_to_the_queue(
    canary: dict[str, Any], reader: Any
) -> None:
    browser = reader(Role.PANEL)
    referral = canary["person"].a2a_referrals.get()
    response = browser.post(
        reverse("accommodation:referral_decide", args=[referral.pk]),
        {"decision": "decline", "reason": "Not eligible here"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accommodation:referral_list")
    assert browser.get(canary["person"].get_absolute_url()).status_code == 404
