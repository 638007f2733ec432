"""The coordinator starts October's report, watches it being made and publishes it; the
commissioner downloads the PDF on a phone."""

from __future__ import annotations

from unittest import mock

import pytest
from playwright.sync_api import expect

from mars.roles import Role
from reporting import services
from reporting.bundle import import_bundle
from reporting.models import ReportRun
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import UserFactory
from tests.reporting.conftest import scenario_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_makes_and_publishes_a_report_and_the_commissioner_downloads_it(
    open_page, tmp_path
):
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid")
    UserFactory(username="commissioner", role=Role.COMMISSIONER, first_name="Claire")
    import_bundle(scenario_data())

    desk = open_page(DESKTOP)
    sign_in(desk, "coordinator")
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(desk.get_by_role("heading", name="Dashboard")).to_be_visible()
    desk.get_by_role("link", name="Monthly reports").click()
    # No worker yet: the run waits in the queue, and the page says so while it polls.
    with mock.patch.object(services, "_enqueue"):
        desk.get_by_label("Month").fill("2026-10")
        desk.get_by_label("Figures as of").fill("2026-11-20")
        desk.get_by_role("button", name="Start the run").click()
        expect(desk.get_by_text("The report for October 2026 has started.")).to_be_visible()
    expect(desk.locator("#run-status")).to_contain_text("Queued")
    expect(desk.get_by_role("link", name="Download PDF")).to_have_count(0)

    # A worker makes it; the page, polling, shows it finished without being reloaded by hand.
    services.make_report(ReportRun.objects.get().pk)
    expect(desk.get_by_role("link", name="Download PDF")).to_be_visible(timeout=15_000)
    expect(desk.locator("#run-status")).to_contain_text("Done")
    row = desk.get_by_role("row", name="Left the streets within 14 days")
    expect(row).to_contain_text("50.0%")
    expect(row).to_contain_text("2 / 4")

    desk.get_by_label("Coordinator's commentary").fill("Two of four new people off the streets.")
    desk.get_by_role("button", name="Publish").click()
    expect(
        desk.get_by_text("Published as version 1: commissioners can download it now.")
    ).to_be_visible()
    assert desk.console_errors == []

    # The commissioner, on a phone, finds it and downloads the PDF.
    phone = open_page(PHONE)
    sign_in(phone, "commissioner")
    phone.locator("summary", has_text="Menu").click()
    phone.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Contract reports"
    ).click()
    expect(phone.get_by_role("heading", name="October 2026")).to_be_visible()
    with phone.expect_download() as download:
        phone.get_by_role("link", name="PDF").click()
    saved = tmp_path / "report.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "mars-report-2026-10-v1.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.console_errors == []
