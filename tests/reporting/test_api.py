"""The reporting API: figures for a month, runs from start to download, targets, the schema."""

from __future__ import annotations

from typing import Any

import pytest

from reporting.models import ReportRun, Target
from tests.reporting.conftest import expected

pytestmark = pytest.mark.django_db


def test_figures_for_a_month_are_the_contract_json(
    client: Any, coordinator: Any, scenario: Any
) -> None:
    client.force_login(coordinator)
    response = client.get("/api/kpis/", {"period": "2026-10", "as_of": "2026-11-05"})
    assert response.json() == expected("example-2026-10.as-of-2026-11-05.expected.json")
    bad = client.get("/api/kpis/", {"period": "Oct"})
    assert bad.status_code == 400
    assert "YYYY-MM" in bad.json()["period"][0]


def test_a_run_is_started_made_published_and_downloaded(
    client: Any, coordinator: Any, scenario: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/api/report-runs/",
            {"period": "2026-10", "as_of": "2026-11-20"},
            content_type="application/json",
        )
    assert started.status_code == 201
    run_id = started.json()["id"]
    run = client.get(f"/api/report-runs/{run_id}/").json()
    assert run["state"] == "done"
    assert run["figures"] == expected("example-2026-10.expected.json")
    assert set(run["files"]) == {"pdf", "csv", "xlsx"}
    published = client.post(
        f"/api/report-runs/{run_id}/publish/",
        {"commentary": "Steady."},
        content_type="application/json",
    )
    assert published.json()["version"] == 1
    again = client.post(f"/api/report-runs/{run_id}/publish/", {}, content_type="application/json")
    assert again.status_code == 400
    assert "never changes" in again.json()["detail"]
    xlsx = client.get(f"/api/report-runs/{run_id}/download/xlsx/")
    assert xlsx["Content-Disposition"] == 'attachment; filename="mars-report-2026-10-v1.xlsx"'
    assert client.get(f"/api/report-runs/{run_id}/download/doc/").status_code == 404


def test_starting_a_run_for_a_month_to_come_is_refused(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.post(
        "/api/report-runs/", {"period": "2999-01"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "That month has not begun yet."}
    assert not ReportRun.objects.exists()


def test_a_failed_run_is_retried_through_the_api(
    client: Any, coordinator: Any, scenario: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import date

    run = ReportRun.objects.create(
        period=date(2026, 10, 1),
        as_of=date(2026, 11, 20),
        trigger="person",
        state="failed",
        error="OSError: disk full",
    )
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(f"/api/report-runs/{run.pk}/retry/")
    assert retried.status_code == 200
    run.refresh_from_db()
    assert run.state == "done"


def test_targets_through_the_api_keep_their_figure_and_year(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    created = client.post(
        "/api/targets/",
        {"measure": "primary_care_access", "year": 2026, "value": "80"},
        content_type="application/json",
    )
    target_id = created.json()["id"]
    changed = client.patch(
        f"/api/targets/{target_id}/", {"value": "85"}, content_type="application/json"
    )
    assert changed.json()["value"] == "85.0"
    moved = client.patch(
        f"/api/targets/{target_id}/", {"year": 2027}, content_type="application/json"
    )
    assert moved.status_code == 400
    duplicate = client.post(
        "/api/targets/",
        {"measure": "primary_care_access", "year": 2026, "value": "70"},
        content_type="application/json",
    )
    assert duplicate.status_code == 400
    assert Target.objects.get().history.count() == 2


def test_schema_describes_the_reporting_api(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/kpis/",
        "/api/report-runs/",
        "/api/report-runs/{id}/publish/",
        "/api/report-runs/{id}/retry/",
        "/api/report-runs/{id}/download/{kind}/",
        "/api/targets/",
    ):
        assert path in schema["paths"]
    figures = schema["components"]["schemas"]["Figures"]["properties"]
    assert set(figures) >= {"rough_sleepers", "left_streets_within_14_days", "primary_care_access"}
