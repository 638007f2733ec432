"""The demo data that `make run` loads shows every part of risk."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mars.models import Notification
from risk.models import (
    MeetingAction,
    PlanDecision,
    PlanStatus,
    RiskAlert,
    RiskAssessment,
    RiskPlan,
    SafeguardingConcern,
)

pytestmark = pytest.mark.django_db


def test_demo_data_shows_risk(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    assert set(RiskPlan.objects.values_list("status", flat=True)) == set(PlanStatus.values)
    assert RiskAssessment.objects.overdue(today).exists()
    assert RiskAssessment.objects.due_within(today, 7).exists()
    people_with_alerts = RiskAlert.objects.filter(plan__status=PlanStatus.APPROVED).values(
        "plan__client"
    )
    assert people_with_alerts.distinct().count() >= 4
    assert RiskAlert.objects.filter(kind="do_not_disclose_address").exists()
    assert PlanDecision.objects.filter(outcome="returned").exists()
    assert RiskPlan.objects.filter(status="submitted", submitted_by__username="coordinator")
    assert MeetingAction.objects.past_due(today).exists()
    assert SafeguardingConcern.objects.open().exists()
    assert Notification.objects.filter(recipient__username="coordinator").exists()

    counts = (RiskPlan.objects.count(), Notification.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (RiskPlan.objects.count(), Notification.objects.count()) == counts
