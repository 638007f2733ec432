"""The demo data that `make run` loads shows supervision (one overdue) and team meetings (an
action past due); loading it again adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mars import waiting
from team.models import Supervision, TeamAction, TeamMeeting
from tests.clock import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.mark.time_machine(ORDINARY_DAY)
def test_demo_data_shows_supervision_and_team_meetings(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    overdue = [w for w in waiting.past_time(today) if w.kind == "Supervision overdue"]
    assert [w.title for w in overdue] == ["Supervision of Tom Baker"]
    assert Supervision.objects.values("worker").distinct().count() == 5
    assert TeamMeeting.objects.count() == 2
    assert TeamAction.objects.past_due(today).count() == 1
    assert TeamAction.objects.filter(done_on__isnull=False).exists()
    counts = (Supervision.objects.count(), TeamMeeting.objects.count(), TeamAction.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (
        Supervision.objects.count(),
        TeamMeeting.objects.count(),
        TeamAction.objects.count(),
    ) == counts
