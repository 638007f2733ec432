"""Risk plans: draft, submit, approve or return; only a coordinator approves, never their own;
an approved version is read-only and stays in force until a newer one is approved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from mars.roles import Role
from risk import services
from risk.models import PlanDecision, PlanStatus, RiskAssessment, RiskPlan
from tests.concurrency import at_once
from tests.factories import RiskAssessmentFactory, RiskPlanFactory, UserFactory, plan_in_force

pytestmark = pytest.mark.django_db


def plan_form(assessment: RiskAssessment, **extra: str) -> dict[str, str]:
    data = {
        "assessment": str(assessment.pk),
        "summary": "Two workers always.",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Tell the police",
        "actions-0-owner_other": "PC Jones",
        "actions-0-due": "",
        "alerts-TOTAL_FORMS": "2",
        "alerts-INITIAL_FORMS": "0",
        "alerts-0-kind": "violence_to_staff",
        "alerts-0-detail": "Threatened a worker",
    }
    data.update(extra)
    return data


def test_a_support_worker_drafts_and_submits_and_a_coordinator_approves(make_user, client, sam):
    support, coordinator = make_user(Role.SUPPORT), make_user(Role.COORDINATOR)
    assessment = RiskAssessmentFactory(client=sam)
    client.force_login(support)
    response = client.post(reverse("risk:plan_create", args=[sam.pk]), plan_form(assessment))
    plan = RiskPlan.objects.get()
    assert response.status_code == 302 and plan.status == PlanStatus.DRAFT
    assert plan.drafted_by == support and plan.version == 1
    assert [str(a) for a in plan.alerts.all()] == ["Violence to staff: Threatened a worker"]
    client.post(reverse("risk:plan_submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.submitted_by == support

    client.force_login(coordinator)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Approve" in page
    client.post(reverse("risk:plan_approve", args=[plan.pk]), {"comment": ""})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == coordinator
    assert PlanDecision.objects.get(plan=plan).outcome == "approved"


def test_nobody_approves_their_own_plan(make_user, client, sam):
    coordinator = make_user(Role.COORDINATOR)
    plan = RiskPlanFactory(client=sam, drafted_by=coordinator)
    services.submit_plan(plan, by=coordinator)
    with pytest.raises(services.RiskError, match="you wrote or submitted"):
        services.approve_plan(plan, by=coordinator)
    client.force_login(coordinator)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "another coordinator" in page
    assert reverse("risk:plan_approve", args=[plan.pk]) not in page
    response = client.post(
        reverse("risk:plan_approve", args=[plan.pk]), {"comment": ""}, follow=True
    )
    assert "you wrote or submitted" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("step", ["plan_approve", "plan_return"])
def test_a_coordinator_is_not_offered_a_decision_on_their_own_plan(make_user, client, sam, step):
    coordinator = make_user(Role.COORDINATOR)
    plan = RiskPlanFactory(client=sam, drafted_by=coordinator)
    services.submit_plan(plan, by=coordinator)
    client.force_login(coordinator)
    response = client.get(reverse(f"risk:{step}", args=[plan.pk]), follow=True)
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    page = response.content.decode()
    assert 'name="comment"' not in page
    assert "You cannot approve or return a plan you wrote or submitted" in page


def test_a_support_worker_cannot_approve_even_someone_elses_plan(as_role, sam):
    plan = RiskPlanFactory(client=sam)
    services.submit_plan(plan, by=plan.drafted_by)
    browser = as_role(Role.SUPPORT)
    assert browser.get(reverse("risk:plan_approve", args=[plan.pk])).status_code == 403
    assert browser.post(reverse("risk:plan_approve", args=[plan.pk])).status_code == 403
    with pytest.raises(services.RiskError, match="Only a coordinator"):
        services.approve_plan(plan, by=UserFactory(role=Role.SUPPORT))


def test_the_director_approves_a_coordinators_plan_but_not_a_support_workers(make_user, sam):
    coordinator, director = make_user(Role.COORDINATOR), make_user(Role.DIRECTOR)
    theirs = RiskPlanFactory(client=sam, drafted_by=coordinator)
    services.submit_plan(theirs, by=coordinator)
    assert services.approve_plan(theirs, by=director).status == PlanStatus.APPROVED
    other = RiskPlanFactory()
    services.submit_plan(other, by=other.drafted_by)
    with pytest.raises(services.RiskError, match="Only a coordinator"):
        services.approve_plan(other, by=director)


def test_an_outreach_worker_can_draft_a_plan(as_role, sam):
    assessment = RiskAssessmentFactory(client=sam)
    browser = as_role(Role.OUTREACH)
    response = browser.post(reverse("risk:plan_create", args=[sam.pk]), plan_form(assessment))
    assert response.status_code == 302
    assert RiskPlan.objects.get().drafted_by.username == "outreach"


def test_returning_needs_a_comment_and_the_author_can_change_and_resubmit(make_user, client, sam):
    coordinator = make_user(Role.COORDINATOR)
    plan = RiskPlanFactory(client=sam)
    services.submit_plan(plan, by=plan.drafted_by)
    client.force_login(coordinator)
    response = client.post(reverse("risk:plan_return", args=[plan.pk]), {"comment": ""})
    assert "This field is required" in response.content.decode()
    client.post(reverse("risk:plan_return", args=[plan.pk]), {"comment": "Add the overdose risk"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    services.save_plan(plan, actions=[{"description": "Naloxone"}], alerts=[], by=plan.drafted_by)
    services.submit_plan(plan, by=plan.drafted_by)
    services.approve_plan(plan, by=coordinator)
    outcomes = list(plan.decisions.values_list("outcome", "comment"))
    assert outcomes == [("returned", "Add the overdose risk"), ("approved", "")]


def test_an_approved_plan_is_read_only(as_role, sam):
    plan = plan_in_force(sam)
    with pytest.raises(services.RiskError, match="start a new version"):
        services.save_plan(plan, actions=[], alerts=[], by=plan.drafted_by)
    browser = as_role(Role.SUPPORT)
    response = browser.get(reverse("risk:plan_edit", args=[plan.pk]))
    assert response.status_code == 302 and response.url == plan.get_absolute_url()


def test_a_new_version_leaves_the_approved_one_in_force_until_approved(make_user, client, sam):
    first = plan_in_force(sam, alerts=[("dog_on_site", "Staffie")])
    support = make_user(Role.SUPPORT)
    client.force_login(support)
    form = client.get(reverse("risk:plan_create", args=[sam.pk])).content.decode()
    assert "version 2" in form and 'value="dog_on_site" selected' in form
    data = plan_form(first.assessment, **{"alerts-1-kind": "dog_on_site", "alerts-1-detail": ""})
    client.post(reverse("risk:plan_create", args=[sam.pk]), data)
    second = RiskPlan.objects.get(version=2)
    assert second.previous == first and second.status == PlanStatus.DRAFT
    first.refresh_from_db()
    assert first.in_force
    assert "Staffie" in client.get(sam.get_absolute_url()).content.decode()

    services.submit_plan(second, by=support)
    services.approve_plan(second, by=make_user(Role.COORDINATOR))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED and second.in_force
    person = client.get(sam.get_absolute_url()).content.decode()
    assert "Threatened a worker" in person and "Staffie" not in person
    assert list(RiskPlan.objects.filter(client=sam).values_list("version", flat=True)) == [2, 1]


def test_a_person_has_one_version_being_written_at_a_time(sam):
    RiskPlanFactory(client=sam)
    with pytest.raises(services.RiskError, match="change that one instead"):
        RiskPlanFactory(client=sam)


def test_submitting_needs_an_action_and_a_current_assessment(sam):
    plan = RiskPlanFactory(client=sam, actions=[])
    with pytest.raises(services.RiskError, match="at least one action"):
        services.submit_plan(plan, by=plan.drafted_by)
    services.save_plan(plan, actions=[{"description": "Visit"}], alerts=[], by=plan.drafted_by)
    today = timezone.localdate()
    RiskAssessment.objects.filter(pk=plan.assessment_id).update(
        assessed_on=today - dt.timedelta(days=40), review_due=today - dt.timedelta(days=1)
    )
    with pytest.raises(services.RiskError, match="due for review"):
        services.submit_plan(plan, by=plan.drafted_by)


def test_a_plan_answers_an_assessment_of_the_same_person(sam):
    other = RiskAssessmentFactory()
    with pytest.raises(services.RiskError, match="assessment of this person") as refused:
        RiskPlanFactory(client=sam, assessment=other)
    assert refused.value.field == "assessment"


def test_marking_an_action_done_does_not_change_the_approved_plan(as_role, sam):
    plan = plan_in_force(sam)
    action = plan.actions.get()
    browser = as_role(Role.SUPPORT)
    browser.post(reverse("risk:plan_action_done", args=[action.pk]))
    action.refresh_from_db()
    plan.refresh_from_db()
    assert action.done_on == timezone.localdate() and plan.in_force


def test_the_plan_page_shows_each_version_and_its_history(as_role, sam):
    plan = plan_in_force(sam)
    page = as_role(Role.COORDINATOR).get(plan.get_absolute_url()).content.decode()
    assert "Approved" in page and "Submitted for approval" in page and "Alert" in page


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_approving_at_once_approve_once():
    author, one, two = UserFactory(), UserFactory(), UserFactory()
    approve = Permission.objects.get(codename="approve_riskplan")
    for user in (one, two):
        user.user_permissions.add(approve)
    plan = RiskPlanFactory(drafted_by=author)
    services.submit_plan(plan, by=author)
    results = at_once(
        lambda: services.approve_plan(RiskPlan.objects.get(pk=plan.pk), by=one),
        lambda: services.approve_plan(RiskPlan.objects.get(pk=plan.pk), by=two),
    )
    refusals = [r for r in results if isinstance(r, services.RiskError)]
    assert len(refusals) == 1 and "approved, not waiting" in str(refusals[0])
    assert PlanDecision.objects.filter(plan=plan).count() == 1


def test_saving_a_plan_again_adds_history_only_for_rows_that_changed(sam):
    plan = RiskPlanFactory(client=sam, alerts=[("dog_on_site", "Staffie")])
    action, alert = plan.actions.get(), plan.alerts.get()
    rows = {
        "actions": [{"id": action.pk, "description": action.description}],
        "alerts": [{"id": alert.pk, "kind": "dog_on_site", "detail": "Staffie, on a lead"}],
    }
    services.save_plan(plan, **rows, by=plan.drafted_by)
    assert action.history.count() == 1 and alert.history.count() == 2
