"""The demo data that `make run` loads shows reporting: a year of figures, targets, published
reports, someone on the watch list."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mars.dates import financial_year
from reporting import kpis, report
from reporting.models import ReportRun, Target

pytestmark = pytest.mark.django_db


def test_demo_data_shows_a_year_of_figures_and_published_reports(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    months = report.trend(today.replace(day=1), today)
    # Every month seen someone (this month may have only begun).
    seen = [month["values"]["rough_sleepers.seen"] for month in months[:-1]]
    assert all(value and value > 0 for value in seen), seen
    assert len({value for value in seen}) > 4
    assert Target.objects.filter(year=financial_year(today)).count() >= 5
    published = ReportRun.objects.published()
    assert published.count() == 2
    assert all(run.pdf and run.csv and run.xlsx and run.commentary for run in published)
    assert len(kpis.watch_list(today)) >= 2
