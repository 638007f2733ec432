"""The demo data that `make run` loads shows attendance and cover: a worker on leave next week
with a gap in next week's rota, and a past caseload cover."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from outreach.views.rota import rota_rows
from staffing.models import Absence, CaseloadCover
from tests.clock import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.mark.time_machine(ORDINARY_DAY)
def test_demo_data_shows_leave_next_week_a_rota_gap_and_a_past_cover(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    jess = User.objects.get(username="outreach2")
    leave = Absence.objects.get(worker=jess)
    assert leave.starts.weekday() == 0 and 0 < (leave.starts - today).days <= 7
    coordinator = User.objects.get(username="coordinator")
    gaps = [row for row in rota_rows(coordinator, today) if row.gap]
    assert len(gaps) == 2 and all(row.uncovered == [jess] for row in gaps)
    cover = CaseloadCover.objects.get()
    assert cover.worker.username == "support2" and cover.ends < today
    counts = (Absence.objects.count(), CaseloadCover.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Absence.objects.count(), CaseloadCover.objects.count()) == counts
    assert len([row for row in rota_rows(coordinator, today) if row.gap]) == 2
