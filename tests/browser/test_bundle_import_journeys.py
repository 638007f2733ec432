"""The coordinator uploads a bundle on a desktop and sees it imported; on a phone, follows an
import a worker is writing until it ends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mars.roles import Role
from reporting.models import BundleImport, ImportStatus
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, sign_in
from tests.factories import UserFactory
from tests.reporting.conftest import DATA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def blocking(page, script: Path) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        f"{violation['impact']} {violation['id']}: {violation['targets']}"
        for violation in axe_violations(page, script)
        if violation["impact"] in BLOCKING
    ]


def test_coordinator_uploads_a_bundle_and_sees_it_imported(open_page, axe_script) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    desk = open_page(DESKTOP, bypass_csp=True)
    sign_in(desk, "coordinator")
    desk.goto("/reports/import/")
    expect(desk.get_by_role("heading", name="Import a bundle")).to_be_visible()
    expect(desk.get_by_text("No bundle has been imported here yet.")).to_be_visible()
    assert blocking(desk, axe_script) == []
    desk.get_by_label("Bundle file").set_input_files(DATA / "example-2026-10.json")
    desk.get_by_role("button", name="Import").click()
    # Without a broker (as in tests) the worker's part runs before the import's page is shown.
    expect(desk.get_by_role("heading", name="Import of example-2026-10.json")).to_be_visible()
    expect(desk.locator("#import-status")).to_contain_text("Imported")
    expect(desk.get_by_text("clients: 9 new, 0 changed, 0 unchanged")).to_be_visible()
    assert blocking(desk, axe_script) == []
    desk.get_by_role("link", name="Back to importing bundles").click()
    recent = desk.get_by_role("region", name="Recent imports")
    expect(recent.get_by_role("link", name="example-2026-10.json")).to_be_visible()
    expect(recent).to_contain_text("Imported")
    assert desk.console_errors == []


def test_coordinator_follows_an_import_being_written_on_a_phone(open_page, axe_script) -> None:  # type: ignore[no-untyped-def]
    coordinator = UserFactory(username="coordinator", role=Role.COORDINATOR)
    now = timezone.now()
    job = BundleImport.objects.create(
        uploaded_by=coordinator,
        file_name="national.json",
        size=300_000_000,
        status=ImportStatus.WRITING,
        claimed_at=now - timedelta(minutes=2),
        progress_at=now,
        done=120_000,
        total=1_300_000,
        rate=6_123.0,
        seconds_left=190.0,
    )
    phone = open_page(PHONE, bypass_csp=True)
    sign_in(phone, "coordinator")
    phone.goto(job.get_absolute_url())
    bar = phone.get_by_role("progressbar")
    expect(bar).to_be_visible()
    expect(phone.locator("#import-status")).to_contain_text(
        "Writing the records: 120,000 of 1,300,000 records, 6,100 a second, about 3 minutes left"
    )
    assert blocking(phone, axe_script) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The worker goes on; the page, polling, shows it without a reload by hand.
    BundleImport.objects.filter(pk=job.pk).update(done=900_000, progress_at=timezone.now())
    expect(phone.locator("#import-status")).to_contain_text("900,000 of 1,300,000", timeout=8_000)
    # It ends: the page loads whole, with the summary, and stops polling.
    BundleImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
        summary=["clients: 100000 new, 0 changed, 0 unchanged"],
        changed_anything=True,
    )
    expect(phone.get_by_text("clients: 100000 new, 0 changed, 0 unchanged")).to_be_visible(
        timeout=8_000
    )
    expect(phone.get_by_role("progressbar")).to_have_count(0)
    assert blocking(phone, axe_script) == []
    assert phone.console_errors == []
