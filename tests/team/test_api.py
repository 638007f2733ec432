"""The team's API: in the schema, and recording through the same services as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mars.roles import Role
from team import services
from team.models import Supervision, TeamMeeting
from tests.clock import ORDINARY_DAY
from tests.factories import SupervisionFactory, TeamActionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def test_the_schema_lists_the_teams_endpoints(as_role):
    schema = as_role(Role.COORDINATOR).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for endpoint in ["supervisions", "team-meetings"]:
        assert f"/api/{endpoint}/" in paths and f"/api/{endpoint}/{{id}}/" in paths
    assert "/api/caseloads/" in paths
    done = paths["/api/team-actions/{id}/done/"]["post"]
    body = done["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][body]["properties"]) == {"done", "done_on"}
    assert "200" in done["responses"]


def test_the_teams_schema_has_no_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/team-actions/{id}/done/:" in out.read_text()


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


# Supervision gives the supervisor the worker's notes: the service, not only the page's form,
# holds who may be named.


def _supervision(worker, supervisor):
    return {
        "worker": worker.pk,
        "supervisor": supervisor.pk,
        "held_on": timezone.localdate().isoformat(),
        "wellbeing": "Struggling with the night shifts.",
    }


def test_a_commissioner_cannot_be_named_supervisor(client, coordinator, support, commissioner):
    client.force_login(coordinator)
    answer = client.post(
        "/api/supervisions/", _supervision(support, commissioner), content_type="application/json"
    )
    assert answer.status_code == 400
    assert "supervisor must be a member of the team" in answer.content.decode()
    assert not Supervision.objects.exists()
    # Nor can the commissioner then read the worker's notes.
    client.force_login(commissioner)
    assert client.get("/api/supervisions/").json()["count"] == 0


@pytest.mark.parametrize("role", [Role.PANEL, Role.RESETTLEMENT_MANAGER, Role.ADMINISTRATOR])
def test_nobody_outside_the_team_can_be_named_supervisor(
    client, coordinator, support, make_user, role
):
    client.force_login(coordinator)
    outsider = make_user(role)
    answer = client.post(
        "/api/supervisions/", _supervision(support, outsider), content_type="application/json"
    )
    assert answer.status_code == 400
    assert not Supervision.objects.exists()


def test_an_administrator_cannot_be_the_supervised_worker(client, coordinator, make_user):
    client.force_login(coordinator)
    administrator = make_user(Role.ADMINISTRATOR)
    answer = client.post(
        "/api/supervisions/",
        _supervision(administrator, coordinator),
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "support and outreach workers" in answer.content.decode()
    assert not Supervision.objects.exists()


def test_a_worker_cannot_be_named_their_own_supervisor(client, coordinator, support):
    client.force_login(coordinator)
    answer = client.post(
        "/api/supervisions/", _supervision(support, support), content_type="application/json"
    )
    assert answer.status_code == 400
    assert "cannot supervise themselves" in answer.content.decode()
    assert not Supervision.objects.exists()


def test_a_worker_may_supervise_another(client, coordinator, support, outreach):
    client.force_login(coordinator)
    answer = client.post(
        "/api/supervisions/", _supervision(outreach, support), content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert Supervision.objects.get().supervisor == support


def test_a_correction_keeps_a_supervisor_who_has_left(coordinator, support, make_user):
    leaver = make_user(Role.SUPPORT, username="leaver")
    supervision = SupervisionFactory(worker=support, supervisor=leaver)
    leaver.is_active = False
    leaver.save()
    supervision.wellbeing = "Corrected."
    services.record_supervision(supervision, by=coordinator)
    assert Supervision.objects.get().wellbeing == "Corrected."


def _meeting(owner, present):
    return {
        "held_on": timezone.localdate().isoformat(),
        "present": [p.pk for p in present],
        "notes": "Rota.",
        "actions": [
            {
                "description": "Check the SWEP beds",
                "owner": owner.pk,
                "due": (timezone.localdate() + timedelta(days=7)).isoformat(),
            }
        ],
    }


def test_a_team_action_is_owned_by_a_member_of_the_team(client, coordinator, commissioner):
    client.force_login(coordinator)
    answer = client.post(
        "/api/team-meetings/",
        _meeting(commissioner, [coordinator]),
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "owner must be a member of the team" in answer.content.decode()
    answer = client.post(
        "/api/team-meetings/",
        _meeting(coordinator, [coordinator, commissioner]),
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert not TeamMeeting.objects.exists()
    answer = client.post(
        "/api/team-meetings/", _meeting(coordinator, [coordinator]), content_type="application/json"
    )
    assert answer.status_code == 201, answer.content


# Marking a team action done: its owner or the coordinator, as on the page.


def _done(client, action, **body):
    return client.post(
        f"/api/team-actions/{action.pk}/done/", body, content_type="application/json"
    )


def test_the_owner_marks_their_action_done_through_the_api(client, support):
    action = TeamActionFactory(owner=support)
    client.force_login(support)
    answer = _done(client, action)
    assert answer.status_code == 200, answer.content
    assert answer.json()["done_on"] == timezone.localdate().isoformat()
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    assert action.history.first().history_user == support


def test_the_coordinator_marks_anyones_action_done_on_a_day_and_opens_it_again(
    client, coordinator, support
):
    action = TeamActionFactory(owner=support)
    client.force_login(coordinator)
    yesterday = timezone.localdate() - timedelta(days=1)
    assert _done(client, action, done_on=yesterday.isoformat()).status_code == 200
    action.refresh_from_db()
    assert action.done_on == yesterday
    assert _done(client, action, done=False).json()["done_on"] is None
    action.refresh_from_db()
    assert action.is_open


def test_an_action_cannot_be_done_in_the_future(client, coordinator):
    action = TeamActionFactory()
    client.force_login(coordinator)
    tomorrow = timezone.localdate() + timedelta(days=1)
    answer = _done(client, action, done_on=tomorrow.isoformat())
    assert answer.status_code == 400
    assert "cannot be in the future" in answer.content.decode()
    action.refresh_from_db()
    assert action.is_open


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.OUTREACH])
def test_a_worker_cannot_mark_someone_elses_action_done(as_role, role):
    action = TeamActionFactory()
    assert _done(as_role(role), action).status_code == 403
    action.refresh_from_db()
    assert action.is_open


@pytest.mark.parametrize(
    "role",
    [Role.PANEL, Role.DIRECTOR, Role.RESETTLEMENT_MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR],
)
def test_those_outside_the_team_meetings_do_not_find_the_action(as_role, role):
    action = TeamActionFactory()
    assert _done(as_role(role), action).status_code == 404
    action.refresh_from_db()
    assert action.is_open


def test_the_anonymous_cannot_mark_an_action_done(client):
    action = TeamActionFactory()
    assert _done(client, action).status_code == 403
    action.refresh_from_db()
    assert action.is_open
