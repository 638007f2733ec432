"""Team meetings: the case staff read them, the coordinator records them; an action's owner or
the coordinator marks it done; actions past due are waiting items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mars import waiting
from mars.roles import Role
from team.models import TeamAction, TeamMeeting
from tests.clock import ORDINARY_DAY
from tests.factories import TeamActionFactory, TeamMeetingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def _meeting_form(today, owner, **extra):
    return {
        "held_on": today.isoformat(),
        "present": [owner.pk],
        "notes": "Winter planning.",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Check the SWEP beds",
        "actions-0-owner": owner.pk,
        "actions-0-due": (today + timedelta(days=7)).isoformat(),
        **extra,
    }


def test_the_coordinator_records_a_team_meeting_with_actions(client, coordinator, support):
    client.force_login(coordinator)
    today = timezone.localdate()
    response = client.post(reverse("team:meeting_create"), _meeting_form(today, support))
    meeting = TeamMeeting.objects.get()
    assert response.status_code == 302
    assert list(meeting.present.all()) == [support]
    action = meeting.actions.get()
    assert (action.owner, action.due) == (support, today + timedelta(days=7))
    assert meeting.history.first().history_user == coordinator


def test_an_action_without_an_owner_is_refused_beside_it(client, coordinator, support):
    client.force_login(coordinator)
    form = _meeting_form(timezone.localdate(), support, **{"actions-0-owner": ""})
    response = client.post(reverse("team:meeting_create"), form)
    assert response.status_code == 200
    assert response.context["actions"].forms[0].errors["owner"]
    assert "Winter planning." in response.content.decode()
    assert not TeamMeeting.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.OUTREACH, Role.COORDINATOR])
def test_the_team_reads_team_meetings(as_role, role):
    meeting = TeamMeetingFactory(notes="Rota for December")
    client = as_role(role)
    assert "Rota for December" in client.get(meeting.get_absolute_url()).content.decode()
    assert client.get(reverse("team:meeting_list")).status_code == 200
    assert client.get(f"/api/team-meetings/{meeting.pk}/").status_code == 200


@pytest.mark.parametrize(
    "role", [Role.PANEL, Role.DIRECTOR, Role.RESETTLEMENT_MANAGER, Role.COMMISSIONER]
)
def test_others_find_no_team_meeting(as_role, role):
    meeting = TeamMeetingFactory()
    client = as_role(role)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(reverse("team:meeting_list")).status_code == 403


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.OUTREACH])
def test_the_team_may_not_record_a_meeting(as_role, role):
    client = as_role(role)
    assert client.get(reverse("team:meeting_create")).status_code == 403


def test_the_owner_marks_their_action_done(client, support):
    action = TeamActionFactory(owner=support)
    client.force_login(support)
    response = client.post(reverse("team:action_done", args=[action.pk]), {"done": "on"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    assert action.history.first().history_user == support


def test_someone_elses_action_is_not_theirs_to_mark(client, make_user):
    action = TeamActionFactory(owner=make_user(Role.SUPPORT, username="someone"))
    client.force_login(make_user(Role.OUTREACH))
    assert (
        client.post(reverse("team:action_done", args=[action.pk]), {"done": "on"}).status_code
        == 403
    )
    assert TeamAction.objects.get().done_on is None


def test_an_action_past_due_is_waiting_for_its_owner(support):
    today = timezone.localdate()
    action = TeamActionFactory(owner=support, due=today - timedelta(days=2))
    TeamActionFactory(owner=support, due=today - timedelta(days=2), done_on=today)
    TeamActionFactory(owner=support, due=today)
    items = [w for w in waiting.past_time(today) if w.kind == "Team action"]
    assert [(w.key, w.owner, w.days_over(today)) for w in items] == [
        (f"team-action:{action.pk}", support, 2)
    ]


def test_the_api_records_a_team_meeting(client, coordinator, support):
    client.force_login(coordinator)
    today = timezone.localdate()
    body = {
        "held_on": today.isoformat(),
        "present": [support.pk],
        "notes": "From the API",
        "actions": [
            {"description": "Call the council", "owner": support.pk, "due": today.isoformat()}
        ],
    }
    answer = client.post("/api/team-meetings/", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert TeamAction.objects.get().description == "Call the council"
