"""Who may see and do what with risk records, role by role, on the pages and in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mars.roles import Role
from risk import services
from tests.factories import (
    A2AReferralFactory,
    MeetingActionFactory,
    RiskAssessmentFactory,
    RiskPlanFactory,
)

pytestmark = pytest.mark.django_db

LISTS = ["risk:reviews", "risk:plan_list", "risk:meeting_list", "risk:concern_list"]
WORKERS = [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR]


@pytest.fixture
def records(sam):  # type: ignore[no-untyped-def]
    plan = RiskPlanFactory(client=sam)
    services.submit_plan(plan, by=plan.drafted_by)
    action = MeetingActionFactory(meeting__client=sam)
    return {"plan": plan, "assessment": plan.assessment, "meeting": action.meeting}


@pytest.mark.parametrize("role", [*WORKERS, Role.DIRECTOR])
def test_staff_who_see_people_see_the_risk_lists_and_records(as_role, records, role):
    browser = as_role(role)
    for name in LISTS:
        assert browser.get(reverse(name)).status_code == 200, name
    for record in records.values():
        assert browser.get(record.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_commissioner_and_administrator_see_nothing(as_role, records, sam, role):
    browser = as_role(role)
    for name in [*LISTS, "risk:my_actions"]:
        assert browser.get(reverse(name)).status_code == 403, name
    for record in records.values():
        assert browser.get(record.get_absolute_url()).status_code == 404
    assert browser.get(reverse("risk:assessment_create", args=[sam.pk])).status_code == 403
    for endpoint in ["risk-assessments", "risk-plans", "meetings", "safeguarding-concerns"]:
        assert browser.get(f"/api/{endpoint}/").status_code == 403, endpoint
    assert browser.get(f"/api/risk-plans/{records['plan'].pk}/").status_code == 404
    assert "Risk" not in [label for label, _ in browser.get("/").context["nav_links"]]


@pytest.mark.parametrize("role", WORKERS)
def test_workers_may_assess_draft_plans_record_meetings_and_raise_concerns(as_role, sam, role):
    browser = as_role(role)
    for name in ["assessment_create", "meeting_create", "concern_create"]:
        assert browser.get(reverse(f"risk:{name}", args=[sam.pk])).status_code == 200, name
    RiskAssessmentFactory(client=sam)
    assert browser.get(reverse("risk:plan_create", args=[sam.pk])).status_code == 200


def test_the_panel_sees_no_risk_record_only_the_level_of_a_person_before_it(as_role, records, sam):
    A2AReferralFactory(client=sam)
    browser = as_role(Role.PANEL)
    for name in LISTS:
        assert browser.get(reverse(name)).status_code == 403, name
    for record in records.values():
        assert browser.get(record.get_absolute_url()).status_code == 404
    for endpoint in ["risk-assessments", "risk-plans", "meetings", "safeguarding-concerns"]:
        assert browser.get(f"/api/{endpoint}/").status_code == 403, endpoint
    page = browser.get(sam.get_absolute_url()).content.decode()
    assert "Risk level" in page and "Safeguarding" not in page and "Meetings" not in page
    for name in ["assessment_create", "meeting_create", "concern_create", "plan_create"]:
        assert browser.get(reverse(f"risk:{name}", args=[sam.pk])).status_code == 403, name


@pytest.mark.parametrize("role", [Role.DIRECTOR])
def test_the_director_only_reads(as_role, records, sam, role):
    browser = as_role(role)
    for name in ["assessment_create", "meeting_create", "concern_create", "plan_create"]:
        assert browser.get(reverse(f"risk:{name}", args=[sam.pk])).status_code == 403, name
    edit = reverse("risk:plan_edit", args=[records["plan"].pk])
    assert browser.get(edit).status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OUTREACH, 403),
        (Role.SUPPORT, 403),
        (Role.PANEL, 404),  # the panel sees no risk plan
        (Role.DIRECTOR, 302),  # not offered the form for a non-coordinator's plan: told why
        (Role.COORDINATOR, 200),
    ],
)
def test_only_approvers_reach_the_approval_form(as_role, records, role, status):
    url = reverse("risk:plan_approve", args=[records["plan"].pk])
    assert as_role(role).get(url).status_code == status


def test_the_director_is_refused_a_support_workers_plan(as_role, records):
    plan = records["plan"]
    url = reverse("risk:plan_approve", args=[plan.pk])
    response = as_role(Role.DIRECTOR).post(url, {}, follow=True)
    assert "Only a coordinator approves risk plans." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "submitted"
