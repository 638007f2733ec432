"""Anonymising people leaves the figures of past months as they were: the KPIs computed again,
and a published report run's figures (stored and computed again)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from clients.models import Client
from privacy.models import RunTrigger
from privacy.services import run_retention
from reporting import kpis, services
from reporting.bundle import import_bundle
from tests.reporting.conftest import scenario_data

AS_OF = date(2026, 11, 20)
MONTHS = [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
# More than six years after the scenario's last records: everyone in it is due.
TODAY = date(2033, 6, 16)


def figures() -> str:
    return json.dumps(
        {month.isoformat(): kpis.figures(month, AS_OF) for month in MONTHS},
        sort_keys=True,
        default=str,
    )


def test_past_figures_and_published_runs_do_not_change_when_people_are_anonymised(
    db: None, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import_bundle(scenario_data())
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(date(2026, 10, 1), as_of=AS_OF, by=coordinator)
    run.refresh_from_db()
    services.publish_run(run, commentary="October", by=coordinator)
    run.refresh_from_db()
    stored = json.dumps(run.figures, sort_keys=True, default=str)
    before = figures()
    people = Client.objects.count()

    retention = run_retention(by=None, trigger=RunTrigger.SCHEDULE, today=TODAY)

    assert retention.anonymised_count == people > 0
    assert not Client.objects.exclude(first_name="Anonymised person").exists()
    assert figures() == before
    run.refresh_from_db()
    assert json.dumps(run.figures, sort_keys=True, default=str) == stored
    again = json.loads(json.dumps(kpis.figures(run.period, run.as_of), default=str))
    assert json.dumps(again, sort_keys=True) == stored
