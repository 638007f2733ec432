"""The risk API: the same services and rules as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mars.roles import Role
from risk.models import Area, PlanStatus, RiskAssessment, RiskPlan
from tests.factories import MeetingActionFactory, RiskAssessmentFactory, plan_in_force

pytestmark = pytest.mark.django_db


def post(browser, url, data=None, method="post"):  # type: ignore[no-untyped-def]
    return getattr(browser, method)(url, data or {}, content_type="application/json")


def areas(**levels: str) -> list[dict[str, str]]:
    return [{"area": area, "level": levels.get(area, "low")} for area in Area.values]


def test_an_assessment_through_the_api(as_role, sam):
    browser = as_role(Role.SUPPORT)
    today = timezone.localdate().isoformat()
    made = post(
        browser,
        "/api/risk-assessments/",
        {"client": sam.pk, "assessed_on": today, "areas": areas(fire="high")},
    )
    assert made.status_code == 201, made.json()
    assert made.json()["level"] == "high" and made.json()["assessor"] is not None
    missing = post(
        browser,
        "/api/risk-assessments/",
        {"client": sam.pk, "assessed_on": today, "areas": areas()[:3]},
    )
    assert missing.status_code == 400 and "Rate every area" in missing.json()["detail"]
    assert RiskAssessment.objects.count() == 1


def test_a_plan_is_drafted_submitted_returned_and_approved_through_the_api(client, make_user, sam):
    support, coordinator = make_user(Role.SUPPORT), make_user(Role.COORDINATOR)
    assessment = RiskAssessmentFactory(client=sam)
    client.force_login(support)
    made = post(
        client,
        "/api/risk-plans/",
        {
            "client": sam.pk,
            "assessment": assessment.pk,
            "summary": "Two workers.",
            "actions": [{"description": "Tell the police", "owner_other": "PC Jones"}],
            "alerts": [{"kind": "visit_in_pairs", "detail": ""}],
        },
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert post(client, f"/api/risk-plans/{pk}/submit/").json()["status"] == "submitted"
    assert post(client, f"/api/risk-plans/{pk}/approve/").status_code == 403

    client.force_login(coordinator)
    assert post(client, f"/api/risk-plans/{pk}/return/", {}).status_code == 400
    returned = post(client, f"/api/risk-plans/{pk}/return/", {"comment": "Add the dog"})
    assert returned.json()["status"] == "returned"

    client.force_login(support)
    changed = post(
        client,
        f"/api/risk-plans/{pk}/",
        {"alerts": [{"kind": "dog_on_site", "detail": "Staffie"}]},
        method="patch",
    )
    assert changed.status_code == 200 and [a["kind"] for a in changed.json()["alerts"]] == [
        "dog_on_site"
    ]
    assert len(changed.json()["actions"]) == 1  # not sent, so kept
    post(client, f"/api/risk-plans/{pk}/submit/")

    client.force_login(coordinator)
    approved = post(client, f"/api/risk-plans/{pk}/approve/", {"comment": "Good"})
    assert approved.json()["status"] == "approved"
    assert [d["outcome"] for d in approved.json()["decisions"]] == ["returned", "approved"]

    client.force_login(support)
    frozen = post(client, f"/api/risk-plans/{pk}/", {"summary": "Changed"}, method="patch")
    assert frozen.status_code == 400 and "new version" in frozen.json()["detail"]


def test_a_coordinator_cannot_approve_their_own_plan_through_the_api(client, make_user, sam):
    coordinator = make_user(Role.COORDINATOR)
    assessment = RiskAssessmentFactory(client=sam)
    client.force_login(coordinator)
    made = post(
        client,
        "/api/risk-plans/",
        {
            "client": sam.pk,
            "assessment": assessment.pk,
            "summary": "Mine.",
            "actions": [{"description": "Daily check"}],
        },
    )
    pk = made.json()["id"]
    post(client, f"/api/risk-plans/{pk}/submit/")
    refused = post(client, f"/api/risk-plans/{pk}/approve/")
    assert refused.status_code == 400 and "you wrote or submitted" in refused.json()["detail"]
    assert RiskPlan.objects.get().status == PlanStatus.SUBMITTED


def test_reviews_due_and_overdue_through_the_api(as_role, sam):
    today = timezone.localdate()
    soon = RiskAssessmentFactory(client=sam, review_due=today + dt.timedelta(days=2))
    late = RiskAssessmentFactory()
    RiskAssessment.objects.filter(pk=late.pk).update(
        assessed_on=today - dt.timedelta(days=60), review_due=today - dt.timedelta(days=1)
    )
    browser = as_role(Role.COORDINATOR)
    due = browser.get("/api/risk-assessments/?review=due").json()["results"]
    overdue = browser.get("/api/risk-assessments/?review=overdue").json()["results"]
    assert [a["id"] for a in due] == [soon.pk] and [a["id"] for a in overdue] == [late.pk]


def test_meetings_actions_and_concerns_through_the_api(client, make_user, sam):
    support = make_user(Role.SUPPORT)
    client.force_login(support)
    today = timezone.localdate().isoformat()
    meeting = post(
        client,
        "/api/meetings/",
        {
            "client": sam.pk,
            "kind": "professionals",
            "held_on": today,
            "chair": support.pk,
            "notes": "Agreed.",
            "actions": [{"description": "Book GP", "owner": support.pk, "due": today}],
        },
    )
    assert meeting.status_code == 201, meeting.json()
    no_chair = post(
        client,
        "/api/meetings/",
        {"client": sam.pk, "kind": "professionals", "held_on": today, "notes": "x"},
    )
    assert no_chair.status_code == 400 and "chair" in no_chair.json()
    MeetingActionFactory(description="Not mine")
    mine = client.get("/api/meeting-actions/?mine=1").json()["results"]
    assert [a["description"] for a in mine] == ["Book GP"]
    done = post(client, f"/api/meeting-actions/{mine[0]['id']}/status/", {"status": "done"})
    assert done.json()["status"] == "done" and done.json()["done_on"] == today
    concern = post(
        client,
        "/api/safeguarding-concerns/",
        {"client": sam.pk, "raised_on": today, "category": "adult", "details": "Injured"},
    )
    assert concern.status_code == 201 and concern.json()["raised_by"] == support.pk
    closed = post(
        client,
        f"/api/safeguarding-concerns/{concern.json()['id']}/",
        {"closed_on": today},
        method="patch",
    )
    assert closed.status_code == 400


def test_an_action_of_an_approved_plan_is_marked_done_through_the_api(as_role, sam):
    plan = plan_in_force(sam)
    action = plan.actions.get()
    browser = as_role(Role.SUPPORT)
    today = timezone.localdate().isoformat()
    url = f"/api/risk-plans/{plan.pk}/action-done/"
    done = post(browser, url, {"action": action.pk, "done_on": today})
    assert done.status_code == 200 and done.json()["actions"][0]["done_on"] == today
    assert done.json()["status"] == "approved"
    assert post(browser, url, {"action": 0, "done_on": today}).status_code == 400
    commissioner = as_role(Role.COMMISSIONER)
    assert post(commissioner, url, {"action": action.pk, "done_on": None}).status_code == 404
