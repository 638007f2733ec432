"""Pages for A2A referrals: the panel's queue, referring a person, and the panel's decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accommodation import services
from accommodation.access import can_decide_a2a, can_place
from accommodation.forms import A2AReferralForm, DecisionForm, PriorityForm, ReasonForm
from accommodation.models import DECIDED, A2AReferral, A2AReferralQuerySet, ReferralStatus
from clients.access import person_for_record
from mars import access
from mars.forms import staff_label
from mars.pages import page_of, record_page, service_form
from mars.records import acting
from risk.alerts import with_alerts

REFUSALS = (services.AccommodationError,)
SHOW: dict[str, tuple[str, Callable[[A2AReferralQuerySet], A2AReferralQuerySet]]] = {
    "queue": ("Waiting for the panel", lambda q: q.waiting().queue_order()),
    "approved": ("Approved, to place", lambda q: q.approved().queue_order()),
    "decided": ("Decided", lambda q: q.filter(status__in=DECIDED).order_by("-decided_at", "-id")),
    "all": ("All", lambda q: q.order_by("-referred_on", "-id")),
}


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """The panel's queue: priority 1 first (unset last), then the longest waiting."""
    user = request.user
    access.require(user, access.perm(A2AReferral, "view"))
    show = request.GET.get("show", "queue")
    if show not in SHOW:
        show = "queue"
    referrals = access.visible(user, A2AReferral.objects.all()).select_related(
        "client", "referred_by", "decided_by"
    )
    title, select = SHOW[show]
    page = page_of(request, with_alerts(select(referrals), "client__"))
    counts = {key: SHOW[key][1](referrals).count() for key in ("queue", "approved")}
    return render(
        request,
        "accommodation/referral_list.html",
        {
            "page": page,
            "show": show,
            "title": title,
            "choices": [(key, label) for key, (label, _) in SHOW.items()],
            "counts": counts,
            "today": timezone.localdate(),
            "can_decide": can_decide_a2a(user),
        },
    )


@login_required
def referral_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    access.require(request.user, access.perm(A2AReferral, "add"))
    client = person_for_record(request, client_pk)
    referral = A2AReferral(client=client, referred_by=acting(request.user))
    form = A2AReferralForm(request.POST or None, instance=referral)
    return service_form(
        request,
        form,
        "Refer to the A2A panel",
        run=lambda data: services.refer_to_panel(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Referral sent to the A2A panel.",
        client=client,
        submit_label="Send to the panel",
    )


@login_required
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.get_visible(request.user, A2AReferral, pk, write=True)
    form = A2AReferralForm(request.POST or None, instance=referral)
    return service_form(
        request,
        form,
        "Change referral",
        run=lambda data: services.refer_to_panel(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Referral saved.",
        client=referral.client,
        cancel_url=referral.get_absolute_url(),
    )


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    r = access.get_visible(user, A2AReferral, pk)
    decided = r.decided_at is not None
    rows = [
        ("Person", r.client),
        ("Referred on", r.referred_on),
        ("Referred by", staff_label(r.referred_by)),
        ("Accommodation asked for", r.get_requested_type_display()),
        ("Needs", r.needs),
        ("Reasons", r.reasons),
        ("Status", r.get_status_display()),
        ("Priority", r.priority or "Not set yet"),
        ("Days waiting" if not decided else "Days to decision", r.days_waiting()),
    ]
    if r.is_waiting:
        rows.append(("Decision due", r.response_due))
        if over := r.days_over():
            rows.append(("Days over", over))
    if decided:
        rows += [
            ("Decided by", staff_label(r.decided_by)),
            ("Decided at", r.decided_at),
            ("Reason", r.decision_reason),
        ]
    elif r.status == ReferralStatus.WITHDRAWN:
        rows.append(("Why withdrawn", r.decision_reason))
    placement = getattr(r, "placement", None)
    if placement is not None:
        rows.append(("Placement", placement))
    actions = []
    if r.status in (ReferralStatus.SUBMITTED, ReferralStatus.UNDER_REVIEW, ReferralStatus.APPROVED):
        if can_decide_a2a(user):
            actions.append(
                ("Set priority", reverse("accommodation:referral_prioritise", args=[pk]))
            )
        if r.is_waiting and can_decide_a2a(user):
            actions.append(("Decide", reverse("accommodation:referral_decide", args=[pk])))
        if r.awaits_placement and can_place(user):
            actions.append(("Place", reverse("accommodation:placement_create") + f"?referral={pk}"))
        if access.can_change(user, A2AReferral):
            actions.append(("Withdraw", reverse("accommodation:referral_withdraw", args=[pk])))
    return record_page(
        request,
        r,
        rows,
        edit_url=reverse("accommodation:referral_edit", args=[pk]) if r.is_waiting else None,
        actions=actions,
        title="A2A referral",
    )


def _decider(request: HttpRequest, pk: int) -> A2AReferral:
    referral = access.get_visible(request.user, A2AReferral, pk)
    if not can_decide_a2a(request.user):
        raise PermissionDenied
    return referral


@login_required
def referral_prioritise(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _decider(request, pk)
    form = PriorityForm(request.POST or None, initial={"priority": referral.priority})
    return service_form(
        request,
        form,
        "Set the priority",
        run=lambda data: services.prioritise_referral(referral, data["priority"], by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Priority set.",
        client=referral.client,
        cancel_url=referral.get_absolute_url(),
    )


@login_required
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _decider(request, pk)
    form = DecisionForm(request.POST or None, initial={"priority": referral.priority})
    return service_form(
        request,
        form,
        "Panel decision",
        run=lambda data: services.decide_referral(
            referral,
            approve=data["decision"] == "approve",
            reason=data["reason"],
            priority=data["priority"],
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda saved: _after_decision(request, saved),
        message="Decision recorded.",
        client=referral.client,
        cancel_url=referral.get_absolute_url(),
        submit_label="Record decision",
    )


def _after_decision(request: HttpRequest, referral: A2AReferral) -> Any:
    """The referral again, or the panel's queue for a member who no longer sees it (a declined
    referral's person is no longer before the panel)."""
    if access.visible(request.user, A2AReferral.objects.filter(pk=referral.pk)).exists():
        return referral
    return reverse("accommodation:referral_list")


@login_required
def referral_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.get_visible(request.user, A2AReferral, pk, write=True)
    form = ReasonForm(request.POST or None)
    return service_form(
        request,
        form,
        "Withdraw the referral",
        run=lambda data: services.withdraw_referral(
            referral, reason=data["reason"], by=request.user
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Referral withdrawn.",
        client=referral.client,
        cancel_url=referral.get_absolute_url(),
        submit_label="Withdraw",
    )
