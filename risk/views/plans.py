"""Pages for risk plans: drafting a version, submitting it, and a coordinator's decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients.access import person_for_record
from mars import access
from mars.dates import uk_datetime
from mars.forms import staff_label
from mars.pages import form_page, history_of, record_page, refusal_into_form, service_form
from risk import services
from risk.access import (
    alert_text,
    can_approve_risk_plans,
    may_read_restricted_about,
    require_may_read_alerts,
)
from risk.forms import (
    AlertFormSet,
    CommentForm,
    PlanActionFormSet,
    PlanForm,
    plan_initial,
    plan_rows,
)
from risk.models import RESTRICTED, PlanAction, PlanStatus, RiskAlert, RiskAssessment, RiskPlan

REFUSALS = (services.RiskError,)


def _plan_form(
    request: HttpRequest,
    plan: RiskPlan,
    title: str,
    *,
    rows: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    save: Any,
    intro: str = "",
) -> HttpResponse:
    form = PlanForm(request.POST or None, instance=plan, client=plan.client)
    actions = PlanActionFormSet(request.POST or None, initial=rows[0], prefix="actions")
    alerts = AlertFormSet(request.POST or None, initial=rows[1], prefix="alerts")
    return service_form(
        request,
        form,
        title,
        run=lambda data: save(form.save(commit=False), *plan_rows(actions, alerts)),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Risk plan saved. Submit it for approval when it is ready.",
        formsets=[actions, alerts],
        template="risk/plan_form.html",
        client=plan.client,
        actions=actions,
        alerts=alerts,
        intro=intro,
        cancel_url=plan.get_absolute_url() if plan.pk else None,
    )


@login_required
def plan_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A new version of the person's plan: the first, or a change to the one in force."""
    access.require(request.user, access.perm(RiskPlan, "add"))
    client = person_for_record(request, client_pk)
    writing = RiskPlan.objects.open().filter(client=client).first()
    if writing is not None:
        messages.info(request, f"Version {writing.version} is being written: change it here.")
        return redirect(writing)
    assessments = RiskAssessment.objects.filter(client=client)
    chosen = request.GET.get("assessment", "")
    assessment = (
        assessments.filter(pk=chosen).first() if chosen.isdigit() else None
    ) or assessments.first()
    if assessment is None:
        messages.info(request, "A plan answers an assessment: assess the risks first.")
        return redirect("risk:assessment_create", client.pk)
    in_force = services.plan_in_force(client)
    plan = RiskPlan(client=client, assessment=assessment)
    rows: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    intro = ""
    if in_force is not None:
        require_may_read_alerts(request.user, in_force.alerts.all(), client)
        plan.summary = in_force.summary
        # A new version starts from the one in force, as new rows: that version stays as it was.
        rows = plan_initial(in_force, as_new=True)
        intro = (
            f"This starts version {in_force.version + 1}. Version {in_force.version} stays in "
            "force, alerts and all, until this one is approved."
        )
    return _plan_form(
        request,
        plan,
        "New risk plan version" if in_force else "New risk plan",
        rows=rows,
        intro=intro,
        save=lambda p, actions, alerts: services.draft_plan(
            p, actions=actions, alerts=alerts, by=request.user
        ),
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_visible(request.user, RiskPlan, pk, write=True)
    if not plan.is_editable:
        messages.info(request, f"This version is {plan.get_status_display().lower()}: read-only.")
        return redirect(plan)
    require_may_read_alerts(request.user, plan.alerts.all(), plan.client)
    return _plan_form(
        request,
        plan,
        f"Change version {plan.version}",
        rows=plan_initial(plan),
        save=lambda p, actions, alerts: services.save_plan(
            p, actions=actions, alerts=alerts, by=request.user
        ),
    )


def _alert_history(user: Any, plan: RiskPlan) -> Any:
    """The plan's alerts' history, a restricted alert's left out for those who may not read it."""
    history = RiskAlert.history.filter(plan_id=plan.pk).select_related("history_user")
    if not may_read_restricted_about(user, plan.client):
        history = history.exclude(kind__in=RESTRICTED)
    return history


def _label(user: Any) -> str:
    return staff_label(user) if user is not None else "—"


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = access.get_visible(user, RiskPlan, pk)
    rows: list[tuple[str, Any]] = [
        ("Person", plan.client),
        ("Version", plan.version),
        ("Status", plan.get_status_display()),
        ("Answers", plan.assessment),
        ("Review due", plan.review_due),
        ("Drafted by", _label(plan.drafted_by)),
    ]
    if plan.submitted_at:
        rows.append(("Submitted", f"{_label(plan.submitted_by)}, {uk_datetime(plan.submitted_at)}"))
    if plan.approved_at:
        rows.append(("Approved", f"{_label(plan.approved_by)}, {uk_datetime(plan.approved_at)}"))
    if plan.previous is not None:
        rows.append(("Changes", plan.previous))
    newer = plan.next_versions.first()
    if newer is not None:
        rows.append(("Newer version", newer))
    buttons = []
    if plan.is_editable and access.can_change(user, RiskPlan):
        buttons.append(("Change", reverse("risk:plan_edit", args=[pk])))
    is_open = RiskPlan.objects.open().filter(client=plan.client).exists()
    if plan.in_force and not is_open and access.can_add_for(user, RiskPlan):
        buttons.append(("Start a new version", reverse("risk:plan_create", args=[plan.client_id])))
    history = history_of(
        plan,
        ("Action", PlanAction.history.filter(plan_id=plan.pk).select_related("history_user")),
        ("Alert", _alert_history(user, plan)),
    )
    return record_page(
        request,
        plan,
        rows,
        template="risk/plan_detail.html",
        history=history,
        actions=buttons,
        title=f"Risk plan, version {plan.version}",
        plan_actions=plan.actions.select_related("owner"),
        alerts=[(a, alert_text(user, a, plan.client)) for a in plan.alerts.all()],
        decisions=plan.decisions.select_related("decided_by"),
        can_submit=plan.is_editable and access.can_change(user, RiskPlan),
        may_decide=services.may_decide(user, plan),
        own_submitted=(
            services.decision_refusal(user, plan)
            if plan.status == PlanStatus.SUBMITTED and services.is_own_plan(plan, user)
            else None
        ),
        can_mark_done=access.can_change(user, RiskPlan) and plan.status != PlanStatus.SUPERSEDED,
        today=timezone.localdate(),
    )


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_visible(request.user, RiskPlan, pk, write=True)
    try:
        services.submit_plan(plan, by=request.user)
    except services.RiskError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Submitted: a coordinator will approve it or return it.")
    return redirect(plan)


def _decision(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    plan = access.get_visible(request.user, RiskPlan, pk)
    if not can_approve_risk_plans(request.user):
        raise PermissionDenied
    refusal = services.decision_refusal(request.user, plan)
    if refusal is not None:
        # Not offered a form the service would refuse: the plan page says why instead.
        messages.info(request, refusal)
        return redirect(plan)
    form = CommentForm(request.POST if request.method == "POST" else None, required=not approve)
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if approve:
                services.approve_plan(plan, comment=comment, by=request.user)
            else:
                services.return_plan(plan, comment=comment, by=request.user)
        except services.RiskError as error:
            refusal_into_form(form, error)
        else:
            messages.success(
                request,
                "Approved: the plan and its alerts are in force."
                if approve
                else "Returned to its author with your comment.",
            )
            return redirect(plan)
    return form_page(
        request,
        form,
        f"{'Approve' if approve else 'Return'} version {plan.version}",
        client=plan.client,
        cancel_url=plan.get_absolute_url(),
        submit_label="Approve" if approve else "Return",
        intro="Approving puts this version and its alerts in force"
        + (f" in place of version {plan.previous.version}." if plan.previous else ".")
        if approve
        else "Say what needs to change: the author sees your comment on the plan.",
    )


@login_required
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, approve=True)


@login_required
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, approve=False)


@login_required
@require_POST
def plan_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    plans = access.visible(request.user, RiskPlan.objects.all())
    action = get_object_or_404(PlanAction.objects.filter(plan__in=plans), pk=pk)
    access.require(request.user, access.perm(RiskPlan, "change"))
    plan = action.plan
    undo = request.POST.get("undo") == "1"
    try:
        services.complete_plan_action(
            action, done_on=None if undo else timezone.localdate(), by=request.user
        )
    except services.RiskError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Action reopened." if undo else "Action marked done.")
    return redirect(plan)
