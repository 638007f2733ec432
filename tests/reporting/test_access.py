"""Who may see and do what in reporting, role by role, on the pages and in the API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from mars.roles import Role
from reporting import services
from reporting.models import ReportRun, RunTrigger, Target

pytestmark = pytest.mark.django_db

ALL_ROLES = list(Role)
NO_REPORTS = [Role.OUTREACH, Role.SUPPORT, Role.PANEL, Role.RESETTLEMENT_MANAGER]


@pytest.fixture
def runs(coordinator: Any) -> dict[str, ReportRun]:
    """A published run and a draft, both with their files."""
    made = {}
    for name in ("published", "draft"):
        run = ReportRun.objects.create(
            period=date(2026, 10, 1), as_of=date(2026, 11, 20), trigger=RunTrigger.PERSON
        )
        services.make_report(run.pk)
        made[name] = run
    services.publish_run(made["published"], commentary="", by=coordinator)
    return made


def pages(runs: dict[str, ReportRun]) -> dict[str, str]:
    return {
        "dashboard": reverse("reporting:dashboard"),
        "people": reverse("reporting:people")
        + "?measure=rough_sleepers.seen&period=2026-10&part=numerator",
        "targets": reverse("reporting:target_list"),
        "import": reverse("reporting:bundle_import"),
        "export": reverse("reporting:bundle_export"),
        "runs": reverse("reporting:run_list"),
        "draft": runs["draft"].get_absolute_url(),
        "draft_pdf": reverse("reporting:run_download", args=[runs["draft"].pk, "pdf"]),
        "published": reverse("reporting:published"),
        "published_pdf": reverse("reporting:run_download", args=[runs["published"].pk, "pdf"]),
    }


ANSWERS: dict[str, dict[str, int]] = {
    Role.COORDINATOR: {
        "dashboard": 200,
        "people": 200,
        "targets": 200,
        "import": 200,
        "export": 200,
        "runs": 200,
        "draft": 200,
        "draft_pdf": 200,
        "published": 200,
        "published_pdf": 200,
    },
    Role.DIRECTOR: {
        "dashboard": 403,
        "people": 403,
        "targets": 200,
        "import": 403,
        "export": 403,
        "runs": 200,
        "draft": 200,
        "draft_pdf": 200,
        "published": 200,
        "published_pdf": 200,
    },
    Role.COMMISSIONER: {
        "dashboard": 403,
        "people": 403,
        "targets": 403,
        "import": 403,
        "export": 403,
        "runs": 302,
        "draft": 404,
        "draft_pdf": 404,
        "published": 200,
        "published_pdf": 200,
    },
    Role.ADMINISTRATOR: {
        "dashboard": 403,
        "people": 403,
        "targets": 200,
        "import": 403,
        "export": 403,
        "runs": 403,
        "draft": 404,
        "draft_pdf": 404,
        "published": 403,
        "published_pdf": 404,
    },
}
for role in NO_REPORTS:
    ANSWERS[role] = {
        "dashboard": 403,
        "people": 403,
        "targets": 403,
        "import": 403,
        "export": 403,
        "runs": 403,
        "draft": 404,
        "draft_pdf": 404,
        "published": 403,
        "published_pdf": 404,
    }


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_gets_the_reporting_pages_its_role_allows(
    as_role: Any, runs: dict[str, ReportRun], role: Role
) -> None:
    browser = as_role(role)
    answers = {name: browser.get(url).status_code for name, url in pages(runs).items()}
    assert answers == ANSWERS[role]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_reports_in_the_navigation_only_for_those_with_reports(as_role: Any, role: Role) -> None:
    links = {url: label for label, url in as_role(role).get("/").context["nav_links"]}
    returns = {reverse("reporting:rsdf_list"): "RSDF returns"}
    expected = {
        Role.COORDINATOR: {reverse("reporting:dashboard"): "Dashboard", **returns},
        Role.DIRECTOR: {reverse("reporting:run_list"): "Contract reports", **returns},
        Role.COMMISSIONER: {reverse("reporting:published"): "Contract reports", **returns},
    }.get(role, {})
    reporting = {url: label for url, label in links.items() if url.startswith("/reports/")}
    assert reporting == expected


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != Role.COORDINATOR])
def test_only_the_coordinator_starts_publishes_or_retries_runs(
    as_role: Any, runs: dict[str, ReportRun], role: Role
) -> None:
    browser = as_role(role)
    draft = runs["draft"]
    assert browser.post(reverse("reporting:run_list"), {"period": "2026-10"}).status_code == 403
    assert browser.post(draft.get_absolute_url(), {"publish": "1"}).status_code in (403, 404)
    assert browser.post(reverse("reporting:run_retry", args=[draft.pk])).status_code in (403, 404)
    assert browser.post("/api/report-runs/", {"period": "2026-10"}).status_code == 403
    assert browser.post(f"/api/report-runs/{draft.pk}/publish/").status_code == 403
    assert ReportRun.objects.count() == 2
    draft.refresh_from_db()
    assert not draft.is_published


@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_gives_each_role_what_its_pages_give(
    as_role: Any, runs: dict[str, ReportRun], role: Role
) -> None:
    browser = as_role(role)
    listed = browser.get("/api/report-runs/")
    figures = browser.get("/api/kpis/?period=2026-10&as_of=2026-11-20")
    targets = browser.get("/api/targets/")
    draft_pdf = browser.get(f"/api/report-runs/{runs['draft'].pk}/download/pdf/")
    if role in (Role.COORDINATOR, Role.DIRECTOR):
        assert listed.json()["count"] == 2
        assert figures.status_code == 200
        assert draft_pdf.status_code == 200
    elif role == Role.COMMISSIONER:
        assert [run["id"] for run in listed.json()["results"]] == [runs["published"].pk]
        assert figures.status_code == 403
        assert draft_pdf.status_code == 404
        published = browser.get(f"/api/report-runs/{runs['published'].pk}/download/csv/")
        assert published.status_code == 200
    else:
        assert listed.status_code == 403
        assert figures.status_code == 403
        assert draft_pdf.status_code == 403
    can_read_targets = role in (Role.COORDINATOR, Role.DIRECTOR, Role.ADMINISTRATOR)
    assert targets.status_code == (200 if can_read_targets else 403)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_targets_are_changed_by_coordinator_and_administrator_only(
    as_role: Any, role: Role
) -> None:
    browser = as_role(role)
    data = {"measure": "reconnected", "year": 2026, "value": "70", "amber_margin": "5"}
    created = browser.post("/api/targets/", data)
    allowed = role in (Role.COORDINATOR, Role.ADMINISTRATOR)
    assert created.status_code == (201 if allowed else 403)
    assert Target.objects.exists() == allowed


def test_commissioner_sees_swep_is_in_force_without_a_link_to_the_people(
    as_role: Any, coordinator: Any
) -> None:
    from tests.factories import SwepActivationFactory

    activation = SwepActivationFactory(activated_by=coordinator)
    commissioner_home = as_role(Role.COMMISSIONER).get("/").content.decode()
    assert "SWEP is in force" in commissioner_home
    assert activation.get_absolute_url() not in commissioner_home
    assert activation.get_absolute_url() in as_role(Role.OUTREACH).get("/").content.decode()
