"""Reporting pages: dashboard and drill-down, runs (start, watch, publish), the commissioners'
area, targets, bundle upload."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from mars.dates import day_start, financial_year
from reporting.models import ReportRun, RunState, Target
from tests import clock
from tests.factories import ClientFactory, ContactFactory, PlacementFactory
from tests.reporting.conftest import DATA

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("now", "column"),
    [
        pytest.param(clock.ORDINARY_DAY, "now", id="ordinary-day"),
        # Early in a month, three days ago is last month: the figures are that month's.
        pytest.param(clock.FIRST_OF_MONTH, "last", id="first-of-month"),
    ],
)
def test_dashboard_shows_figures_against_target_and_links_to_the_people(
    time_machine: Any, client: Any, coordinator: Any, now: datetime, column: str
) -> None:
    time_machine.move_to(now)
    today = timezone.localdate()
    sam, placed = ClientFactory(first_name="Sam"), ClientFactory(first_name="Petra")
    for person in (sam, placed):
        seen = ContactFactory(client=person, at=timezone.now() - timedelta(days=3))
    seen_month = timezone.localtime(seen.at).date().replace(day=1)
    PlacementFactory(client=placed, start=today)
    Target.objects.create(measure="rough_sleepers.new", year=financial_year(today), value=1)
    client.force_login(coordinator)
    page = client.get(reverse("reporting:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "New rough sleepers (flow)" in html
    assert "14-day watch list" in html
    assert "11 days left" in html
    watch = html.split('id="watch-heading"')[1].split("</section>")[0]
    assert "Sam" in watch and "Petra" not in watch
    people = page.context["rows"][1][column]["people_url"]
    listed = client.get(people)
    assert listed.status_code == 200
    assert {p.pk for p, _ in listed.context["people"]} == {sam.pk, placed.pk}
    # Each bar of the trend leads to the people behind that month's figure too.
    bar = next(b for b in page.context["charts"][0]["bars"] if b["period"] == f"{seen_month:%Y-%m}")
    assert bar["url"] in html.replace("&amp;", "&")
    behind_bar = client.get(bar["url"])
    assert {p.pk for p, _ in behind_bar.context["people"]} == {sam.pk, placed.pk}


def test_drill_down_lists_the_denominator_and_open_windows(client: Any, coordinator: Any) -> None:
    sam = ClientFactory()
    seen = ContactFactory(client=sam, at=timezone.now() - timedelta(days=1))
    client.force_login(coordinator)
    url = reverse("reporting:people")
    period = f"{timezone.localtime(seen.at):%Y-%m}"
    open_windows = client.get(
        url, {"measure": "left_streets_within_14_days", "period": period, "part": "window_open"}
    )
    assert [p.pk for p, _ in open_windows.context["people"]] == [sam.pk]
    denominator = client.get(
        url, {"measure": "left_streets_within_14_days", "period": period, "part": "denominator"}
    )
    assert denominator.context["people"] == []
    assert client.get(url, {"measure": "nonsense", "period": period}).status_code == 404
    # A month that is not one is a bad request, said as everywhere else (mars.dates.parse_month).
    bad_month = client.get(url, {"measure": "reconnected", "period": "13-2026"})
    assert bad_month.status_code == 400
    assert "is not a month: write it as YYYY-MM" in bad_month.content.decode()


def test_coordinator_starts_a_run_watches_it_and_publishes_it(
    client: Any, coordinator: Any, scenario: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("reporting:run_list"), {"period": "2026-10", "as_of": "2026-11-20"}
        )
    run = ReportRun.objects.get()
    assert started.status_code == 302 and started["Location"] == run.get_absolute_url()
    status = client.get(run.get_absolute_url(), {"part": "status"}, HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"
    page = client.get(run.get_absolute_url())
    assert "Download PDF" in page.content.decode()
    # The figures table scrolls sideways on a phone: the keyboard reaches it, and it is named.
    assert (
        '<div class="table-wrap" tabindex="0" role="region" aria-labelledby="kpi-heading">'
        in page.content.decode()
    )
    published = client.post(
        run.get_absolute_url(), {"commentary": "Good month.", "publish": "1"}, follow=True
    )
    assert "Published as version 1" in published.content.decode()
    run.refresh_from_db()
    assert run.version == 1 and run.commentary == "Good month."
    history = client.get(run.get_absolute_url()).context["history"]
    assert "Published as version 1" in [entry.reason for entry in history]


def test_a_run_being_made_polls_its_status(client: Any, coordinator: Any) -> None:
    run = ReportRun.objects.create(
        period=date(2026, 10, 1),
        as_of=date(2026, 11, 20),
        trigger="person",
        state="running",
        step="Working out the 12-month trend",
        progress=25,
    )
    client.force_login(coordinator)
    part = client.get(run.get_absolute_url(), {"part": "status"}, HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "Working out the 12-month trend" in html
    assert "HX-Refresh" not in part


def test_start_form_shows_errors_beside_the_field_and_keeps_input(
    client: Any, coordinator: Any
) -> None:
    client.force_login(coordinator)
    page = client.post(reverse("reporting:run_list"), {"period": "2999-01", "as_of": ""})
    assert page.status_code == 200
    assert page.context["form"].errors["period"] == ["That month has not begun yet."]
    assert 'value="2999-01"' in page.content.decode()
    bad = client.post(reverse("reporting:run_list"), {"period": "October"})
    assert "YYYY-MM" in bad.context["form"].errors["period"][0]
    assert not ReportRun.objects.exists()


def test_failed_run_shows_why_and_retries(
    client: Any, coordinator: Any, scenario: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = ReportRun.objects.create(
        period=date(2026, 10, 1),
        as_of=date(2026, 11, 20),
        trigger="person",
        state="failed",
        error="OSError: disk full",
    )
    client.force_login(coordinator)
    assert "It failed: OSError: disk full" in client.get(run.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:run_retry", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == RunState.DONE


def test_commissioner_area_lists_published_runs_with_downloads_only(
    client: Any, commissioner: Any, made_run: ReportRun, coordinator: Any
) -> None:
    from reporting import services

    client.force_login(commissioner)
    assert list(client.get(reverse("reporting:published")).context["page"].object_list) == []
    assert client.get(made_run.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("reporting:run_download", args=[made_run.pk, "pdf"])).status_code == 404
    )
    services.publish_run(made_run, commentary="", by=coordinator)
    page = client.get(reverse("reporting:published"))
    assert "October 2026" in page.content.decode()
    download = client.get(reverse("reporting:run_download", args=[made_run.pk, "pdf"]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="mars-report-2026-10-v1.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("reporting:run_list")).status_code == 302
    assert client.get(reverse("reporting:dashboard")).status_code == 403
    assert client.get(reverse("clients:list")).status_code == 403


def test_targets_are_set_and_a_second_for_the_same_year_is_refused(
    client: Any, coordinator: Any
) -> None:
    client.force_login(coordinator)
    data = {"measure": "reconnected", "year": 2026, "value": "60", "amber_margin": "5"}
    saved = client.post(reverse("reporting:target_create"), data)
    target = Target.objects.get()
    assert saved["Location"] == target.get_absolute_url()
    again = client.post(reverse("reporting:target_create"), data)
    assert "This figure already has a target for that year." in again.content.decode()
    too_high = client.post(reverse("reporting:target_create"), dict(data, year=2027, value="120"))
    assert too_high.context["form"].errors["value"] == ["A percentage target is at most 100."]
    client.post(reverse("reporting:target_edit", args=[target.pk]), dict(data, value="65"))
    page = client.get(target.get_absolute_url()).content.decode()
    assert "65.0%" in page and "History" in page
    assert Target.objects.count() == 1


def test_bundle_upload_imports_or_lists_every_problem(
    client: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(coordinator)
    raw = (DATA / "example-2026-10.json").read_bytes()
    # Without a broker (as in development) the worker's part runs before the job's page is shown.
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(
            reverse("reporting:bundle_import"), {"file": SimpleUploadedFile("b.json", raw)}
        )
    done = client.get(queued["Location"])
    assert "clients: 9 new" in done.content.decode()
    bad = json.loads(raw)
    bad["contacts"][3]["client"] = "C99"
    bad["clients"].append({"ref": "C10"})
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(
            reverse("reporting:bundle_import"),
            {"file": SimpleUploadedFile("b.json", json.dumps(bad).encode())},
        )
    html = client.get(queued["Location"]).content.decode()
    assert "Nothing was imported: 2 problems." in html
    assert "contacts[3].client: unknown client ref &quot;C99&quot;" in html
    assert "clients[9].first_name: required" in html
    assert Client.objects.count() == 9


def test_bundle_export_downloads_json(client: Any, coordinator: Any, scenario: Any) -> None:
    client.force_login(coordinator)
    response = client.get(reverse("reporting:bundle_export"))
    assert response["Content-Disposition"].startswith('attachment; filename="mars-bundle-')
    assert json.loads(response.content)["format"] == "mars-bundle/1"


def test_dashboard_and_drill_down_queries_do_not_grow_with_the_people(
    client: Any, coordinator: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    seen = timezone.localtime(timezone.now() - timedelta(days=2))
    behind = f"{reverse('reporting:people')}?measure=rough_sleepers.seen&period={seen:%Y-%m}"

    def queries_with(total: int) -> int:
        while Client.objects.count() < total:
            ContactFactory(client=ClientFactory(), at=seen)
        # Measured with the past months kept, as every view after the first finds them.
        client.get(reverse("reporting:dashboard"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("reporting:dashboard")).status_code == 200
            assert len(client.get(behind).context["people"]) == total
        return len(captured)

    assert queries_with(2) == queries_with(12)


@pytest.mark.parametrize(
    ("now", "this_month", "last_month"),
    [
        pytest.param(clock.FIRST_OF_MONTH, date(2027, 7, 1), date(2027, 6, 1), id="1-july"),
        pytest.param(clock.NEW_YEARS_DAY, date(2028, 1, 1), date(2027, 12, 1), id="1-january"),
        pytest.param(clock.LEAP_DAY, date(2028, 2, 1), date(2028, 1, 1), id="29-february"),
    ],
)
def test_the_dashboard_month_is_the_london_month_begun_today(
    time_machine: Any,
    client: Any,
    coordinator: Any,
    now: datetime,
    this_month: date,
    last_month: date,
) -> None:
    time_machine.move_to(now)
    ContactFactory(client=ClientFactory(), at=timezone.now() - timedelta(minutes=30))
    ContactFactory(client=ClientFactory(), at=day_start(last_month + timedelta(days=14)))
    client.force_login(coordinator)
    page = client.get(reverse("reporting:dashboard"))
    assert (page.context["this_month"], page.context["last_month"]) == (this_month, last_month)
    seen = next(row for row in page.context["rows"] if row["now"]["key"] == "rough_sleepers.seen")
    assert (seen["now"]["value"], seen["last"]["value"]) == ("1", "1")


def test_a_contact_just_after_midnight_counts_in_the_new_london_month(
    time_machine: Any, client: Any, coordinator: Any
) -> None:
    # 00:20 on 1 July in London is 23:20 on 30 June in UTC.
    time_machine.move_to(clock.JUST_AFTER_MIDNIGHT)
    ContactFactory(client=ClientFactory(), at=timezone.now())
    client.force_login(coordinator)
    page = client.get(reverse("reporting:dashboard"))
    assert page.context["this_month"] == date(2027, 7, 1)
    seen = next(row for row in page.context["rows"] if row["now"]["key"] == "rough_sleepers.seen")
    assert (seen["now"]["value"], seen["last"]["value"]) == ("1", "0")
