"""The demo data that `make run` loads shows attendance and cover: a worker on leave next week
with a gap in next week's rota and another covered, and a past caseload cover."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from outreach.models import SessionCover
from outreach.views.rota import rota_rows
from staffing.models import Absence, CaseloadCover
from tests.clock import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.mark.time_machine(ORDINARY_DAY)
def test_demo_data_shows_leave_next_week_a_covered_gap_an_open_gap_and_a_past_cover(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    jess = User.objects.get(username="outreach2")
    leave = Absence.objects.get(worker=jess)
    assert leave.starts.weekday() == 0 and 0 < (leave.starts - today).days <= 7
    coordinator = User.objects.get(username="coordinator")
    next_week = [row for row in rota_rows(coordinator, today) if row.session.date >= leave.starts]
    assert [row.uncovered for row in next_week] == [[], [jess]]
    cover = SessionCover.objects.get()
    assert (cover.session, cover.away, cover.covering.username) == (
        next_week[0].session,
        jess,
        "support3",
    )
    assert [str(c) for c in next_week[0].covers] == ["Cover: Priya Shah for Jess Lowe"]
    handover = CaseloadCover.objects.get()
    assert handover.worker.username == "support2" and handover.ends < today
    counts = (Absence.objects.count(), CaseloadCover.objects.count(), SessionCover.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (
        Absence.objects.count(),
        CaseloadCover.objects.count(),
        SessionCover.objects.count(),
    ) == counts
    assert len([row for row in rota_rows(coordinator, today) if row.gap]) == 1
