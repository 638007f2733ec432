"""The team's API: in the schema, and recording through the same services as the pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mars.roles import Role
from team.models import Supervision
from tests.clock import ORDINARY_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def test_the_schema_lists_the_teams_endpoints(as_role):
    paths = as_role(Role.COORDINATOR).get("/api/schema/", {"format": "json"}).json()["paths"]
    for endpoint in ["supervisions", "team-meetings"]:
        assert f"/api/{endpoint}/" in paths and f"/api/{endpoint}/{{id}}/" in paths
    assert "/api/caseloads/" in paths


def test_the_coordinator_records_a_supervision_through_the_api(client, coordinator, support):
    client.force_login(coordinator)
    body = {
        "worker": support.pk,
        "supervisor": coordinator.pk,
        "held_on": timezone.localdate().isoformat(),
        "wellbeing": "Fine",
        "actions": [{"description": "Read the new lone-working policy"}],
    }
    answer = client.post("/api/supervisions/", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    supervision = Supervision.objects.get()
    assert supervision.recorded_by == coordinator
    assert answer.json()["actions"][0]["description"] == "Read the new lone-working policy"


def test_a_refusal_is_a_400_that_says_why(client, coordinator):
    client.force_login(coordinator)
    body = {"worker": coordinator.pk, "supervisor": coordinator.pk, "held_on": "2027-06-01"}
    answer = client.post("/api/supervisions/", body, content_type="application/json")
    assert answer.status_code == 400
    assert "cannot supervise themselves" in answer.content.decode()
