"""Targets for the contract's figures, per contract year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from mars import access
from mars.dates import financial_year, financial_year_label
from mars.pages import record_page, service_form
from reporting import services
from reporting.forms import TargetForm
from reporting.models import Target

REFUSALS = (services.ReportError,)


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    """The targets of each contract year, newest first."""
    access.require(request.user, access.perm(Target, "view"))
    targets = access.visible(request.user, Target.objects.all())
    years: dict[int, list[Target]] = {}
    for target in targets:
        years.setdefault(target.year, []).append(target)
    return render(
        request,
        "reporting/target_list.html",
        {
            "years": [(financial_year_label(year), rows) for year, rows in years.items()],
            "this_year": financial_year_label(financial_year(timezone.localdate())),
            "can_add": access.can_add_for(request.user, Target),
        },
    )


@login_required
def target_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(Target, "add"))
    form = TargetForm(request.POST or None, initial={"year": financial_year(timezone.localdate())})
    return service_form(
        request,
        form,
        "New target",
        run=lambda data: services.save_target(form.instance, by=request.user),
        refusals=REFUSALS,
        done=lambda target: target.get_absolute_url(),
        message="Target saved.",
        cancel_url=reverse("reporting:target_list"),
    )


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = access.get_visible(request.user, Target, pk)
    return record_page(
        request,
        target,
        [
            ("Figure", target.measure_label),
            ("Contract year", target.year_label),
            ("Target", target.value_label),
            ("Amber within", f"{target.amber_margin}{target.about.unit} of the target"),
            ("Better when", "higher" if target.about.higher_is_better else "lower"),
            ("Notes", target.notes),
        ],
        edit_url=reverse("reporting:target_edit", args=[target.pk]),
    )


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = access.get_visible(request.user, Target, pk, write=True)
    form = TargetForm(request.POST or None, instance=target)
    return service_form(
        request,
        form,
        f"Change target: {target.measure_label}, {target.year_label}",
        run=lambda data: services.save_target(form.instance, by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved.get_absolute_url(),
        message="Target saved.",
        cancel_url=target.get_absolute_url(),
    )
