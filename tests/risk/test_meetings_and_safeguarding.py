"""Meetings about a person with their actions, each user's own actions, safeguarding concerns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mars.roles import Role
from risk import services
from risk.models import Meeting, MeetingAction, SafeguardingConcern
from tests.factories import AgencyFactory, MeetingActionFactory, RiskPlanFactory

pytestmark = pytest.mark.django_db


def meeting_form(**extra: str) -> dict[str, str]:
    data = {
        "kind": "risk_management",
        "held_on": timezone.localdate().isoformat(),
        "chair_other": "",
        "others_present": "PC Jones, police",
        "notes": "Agreed pairs for early contacts.",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Ask the police for the marker",
        "actions-0-due": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "actions-0-status": "open",
        "actions-1-status": "open",
    }
    data.update(extra)
    return data


def test_a_meeting_is_recorded_with_who_was_there_and_its_actions(make_user, client, sam):
    support = make_user(Role.SUPPORT)
    police = AgencyFactory(name="Police")
    client.force_login(support)
    data = meeting_form(
        chair=str(support.pk),
        staff=[str(support.pk)],
        agencies=[str(police.pk)],
        **{"actions-0-owner": str(support.pk)},
    )
    response = client.post(reverse("risk:meeting_create", args=[sam.pk]), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.recorded_by == support
    assert list(meeting.staff.all()) == [support] and list(meeting.agencies.all()) == [police]
    action = meeting.actions.get()
    assert action.owner == support and action.status == "open"
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Ask the police for the marker" in page and "Police" in page and "History" in page


def test_an_action_needs_an_owner_and_a_due_date_shown_beside_them(as_role, sam):
    browser = as_role(Role.SUPPORT)
    data = meeting_form(chair_other="Livewell lead", **{"actions-0-due": ""})
    response = browser.post(reverse("risk:meeting_create", args=[sam.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "Say who will do it." in page and "Say when it is due." in page
    assert "Agreed pairs for early contacts." in page


def test_a_meeting_needs_a_chair(as_role, sam):
    response = as_role(Role.SUPPORT).post(
        reverse("risk:meeting_create", args=[sam.pk]), meeting_form()
    )
    assert "Say who chaired the meeting." in response.content.decode()
    assert not Meeting.objects.exists()


def test_my_actions_lists_the_users_own_and_marks_them_done(client, make_user):
    mine = make_user(Role.OUTREACH)
    action = MeetingActionFactory(owner=mine, due=timezone.localdate() - dt.timedelta(days=2))
    MeetingActionFactory(description="Someone else's")
    plan = RiskPlanFactory(actions=[{"description": "Check the naloxone kit", "owner": mine}])
    client.force_login(mine)
    page = client.get(reverse("risk:my_actions")).content.decode()
    assert action.description in page and "Someone else&#x27;s" not in page
    assert "Was due" in page and "Check the naloxone kit" in page
    response = client.post(
        reverse("risk:action_update", args=[action.pk]) + "?next=/risk/my-actions/",
        {"status": "done", "done_on": ""},
    )
    assert response.status_code == 302 and response.url == "/risk/my-actions/"
    action.refresh_from_db()
    assert action.status == "done" and action.done_on == timezone.localdate()
    assert plan.actions.get().owner == mine


def test_a_done_action_has_its_date_and_only_then(sam, make_user):
    action = MeetingActionFactory()
    with pytest.raises(services.RiskError, match="future"):
        services.update_action(
            action,
            status="done",
            done_on=timezone.localdate() + dt.timedelta(days=1),
            by=make_user(Role.SUPPORT),
        )
    done = services.update_action(action, status="done", by=make_user(Role.SUPPORT))
    reopened = services.update_action(done, status="open", by=make_user(Role.SUPPORT))
    assert reopened.done_on is None and MeetingAction.objects.get().status == "open"


def test_a_safeguarding_concern_is_raised_referred_and_closed_with_an_outcome(as_role, sam):
    browser = as_role(Role.OUTREACH)
    council = AgencyFactory(name="Adult Social Care")
    today = timezone.localdate().isoformat()
    data = {
        "raised_on": today,
        "category": "exploitation",
        "details": "Others take his money on payday.",
        "referred_to": str(council.pk),
        "referred_on": today,
        "closed_on": today,
        "outcome": "",
    }
    response = browser.post(reverse("risk:concern_create", args=[sam.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and not SafeguardingConcern.objects.exists()
    assert "Say what the outcome was before closing the concern." in page
    del data["closed_on"]
    response = browser.post(reverse("risk:concern_create", args=[sam.pk]), data)
    concern = SafeguardingConcern.objects.get()
    assert response.status_code == 302 and concern.raised_by.username == "outreach"
    assert concern.referred_to == council and concern.closed_on is None
    listing = browser.get(reverse("risk:concern_list")).content.decode()
    assert sam.reference in listing


def test_a_referral_cannot_be_dated_before_the_concern_was_raised(sam, make_user):
    today = timezone.localdate()
    concern = SafeguardingConcern(
        client=sam,
        raised_on=today,
        category="adult",
        details="Seen injured.",
        referred_to=AgencyFactory(),
        referred_on=today - dt.timedelta(days=1),
    )
    with pytest.raises(services.RiskError, match="before the concern") as refused:
        services.save_concern(concern, by=make_user(Role.SUPPORT))
    assert refused.value.field == "referred_on"
