"""The demo data that `make run` loads gives last month's RSDF return real figures: people new
and long-term, an institution leaver, a returner from settled accommodation, a gap to fix; and
a target for long-term rough sleeping to show the dashboard's trend against."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from mars.dates import add_months, previous_month
from mars.roles import Role
from reporting import rsdf
from reporting.models import LongTermTarget, ReturnStatus, RsdfReturn

pytestmark = pytest.mark.django_db


def test_demo_data_gives_last_months_return_its_cases(settings: Any, client: Any) -> None:
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    period = previous_month(timezone.localdate())
    found = rsdf.compute(period)
    refs = dict(Client.objects.exclude(external_ref="").values_list("external_ref", "pk"))
    assert len(found.total) >= 20
    assert len(found.new) >= 3
    long_term = {refs[f"LONG-00{n}"] for n in range(1, 6)}
    assert long_term <= found.long_term and long_term.isdisjoint(found.new)
    assert refs["LEFT-001"] in found.institution_leavers
    assert refs["BACK-001"] in found.returners_from_settled
    assert refs["GAP-001"] in found.nationality["not_known"]
    figures = found.figures()["over_month"]
    assert figures["institution_leavers"] >= 1 and figures["returners_from_settled"] >= 1

    target = LongTermTarget.objects.get()
    baseline = add_months(period, -3)
    assert target.baseline_month == baseline
    assert target.baseline_count == len(rsdf.long_term_months(baseline)) > 0
    assert target.target_count == target.baseline_count // 2

    client.force_login(User.objects.get(username="coordinator", groups__name=Role.COORDINATOR))
    page = client.get(reverse("reporting:long_term"), {"period": f"{period:%Y-%m}"})
    listed = [row.client.pk for row in page.context["rows"]]
    assert set(listed) == found.long_term
    # Gary, out in ten of the twelve months, first; every one of them with a key worker.
    assert listed[0] == refs["LONG-001"]
    assert all(row.client.key_worker for row in page.context["rows"] if row.client.pk in long_term)
    assert any(row.plan_in_force for row in page.context["rows"])
    # The dashboard can say how last month went against the course to the target.
    dashboard = client.get(reverse("reporting:dashboard"))
    assert dashboard.context["long_term"]["course"]["known"] is True

    # Last month's return is open for the coordinator, with a night on which people were out.
    record = RsdfReturn.objects.get(period=period)
    assert record.status == ReturnStatus.DRAFT and record.population
    assert record.night is not None and record.night.month == period.month
    on_the_night = rsdf.compute(period, night=record.night, population=record.population)
    assert on_the_night.figures()["single_night"]["total"] > 0
