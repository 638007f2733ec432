"""Pages for reports from the public and for interventions."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from clients.access import person_for_record
from mars import access
from mars.pages import form_page, history_of, page_of, record_page
from outreach import services
from outreach.forms import (
    AllocateForm,
    AttemptForm,
    InterventionForm,
    OutcomeForm,
    ReportForm,
)
from outreach.models import (
    Contact,
    Intervention,
    PublicReport,
    ReportAttempt,
    ReportStatus,
)

# Reports from the public


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(PublicReport, "view"))
    show = request.GET.get("show", "live")
    reports = (
        access.visible(request.user, PublicReport.objects.all())
        .select_related("allocated_session", "hotspot")
        .prefetch_related("attempts")
    )
    if show == "overdue":
        reports = reports.overdue()
    elif show == "live":
        reports = reports.live()
    else:
        show = "all"
    page = page_of(request, reports)
    return render(
        request,
        "outreach/report_list.html",
        {
            "page": page,
            "show": show,
            "overdue": access.visible(request.user, PublicReport.objects.all()).overdue().count(),
            "can_add": access.can_add_for(request.user, PublicReport),
            "now": timezone.now(),
        },
    )


@login_required
def report_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(PublicReport, "add"))
        report = PublicReport()
        initial = {"received_at": timezone.localtime().replace(second=0, microsecond=0)}
    else:
        report = access.get_visible(request.user, PublicReport, pk, write=True)
        initial = {}
    form = ReportForm(request.POST or None, instance=report, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.save_report(form.save(commit=False), by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Report saved.")
            return redirect(report)
    return form_page(
        request,
        form,
        "Change report" if pk else "New report from the public",
        cancel_url=reverse("outreach:report_list"),
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = access.get_visible(request.user, PublicReport, pk)
    waited = r.time_to_first_attempt
    rows = [
        ("Received", r.received_at),
        ("Source", r.get_source_display()),
        ("Source reference", r.source_reference),
        ("Location", r.location),
        ("Hotspot", r.hotspot),
        ("Description", r.description),
        ("Reporter", f"{r.reporter_name} {r.reporter_contact}".strip() or "Not kept"),
        ("Status", r.get_status_display() + (" (overdue)" if r.is_overdue() else "")),
        ("Time to first attempt", _duration(waited) if waited else "No attempt yet"),
        ("Allocated to", r.allocated_session),
        ("Found: contact", r.found_contact),
        ("Outcome", r.outcome),
    ]
    live = r.status in (ReportStatus.OPEN, ReportStatus.SEARCHING)
    can_change = access.can_change(request.user, PublicReport)
    return record_page(
        request,
        r,
        rows,
        edit_url=reverse("outreach:report_edit", args=[pk]),
        template="outreach/report_detail.html",
        client=r.client,
        attempts=r.attempts.select_related("by", "session"),
        live=live,
        can_act=can_change,
        history=history_of(
            r,
            (
                "Attempt",
                ReportAttempt.history.filter(report_id=r.pk).select_related("history_user"),
            ),
        ),
    )


def _duration(value: timedelta) -> str:
    hours = int(value.total_seconds() // 3600)
    if hours >= 48:
        return f"{hours // 24} days {hours % 24} hours"
    minutes = int(value.total_seconds() // 60) % 60
    return f"{hours} hours {minutes} minutes"


@login_required
def report_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_visible(request.user, PublicReport, pk, write=True)
    access.require(request.user, access.perm(ReportAttempt, "add"))
    since = timezone.now() - timedelta(days=3)
    contacts = (
        access.visible(request.user, Contact.objects.all())
        .filter(at__gte=since)
        .select_related("client")
    )
    form = AttemptForm(request.POST or None, contacts=contacts)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attempt(
                report,
                at=form.cleaned_data["at"],
                notes=form.cleaned_data["notes"],
                session=form.cleaned_data["session"],
                found_contact=form.cleaned_data["found_contact"],
                by=request.user,
            )
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Attempt recorded.")
            return redirect(report)
    return form_page(
        request, form, "Record an attempt to find the person", cancel_url=report.get_absolute_url()
    )


@login_required
def report_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_visible(request.user, PublicReport, pk, write=True)
    sessions = services.next_sessions()
    form = AllocateForm(
        request.POST or None, sessions=sessions, initial={"session": sessions.first()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate_report(report, form.cleaned_data["session"], by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Report allocated.")
            return redirect(report)
    return form_page(
        request,
        form,
        "Allocate to a session",
        intro=None if sessions.exists() else "No session is planned yet: add one first.",
        cancel_url=report.get_absolute_url(),
    )


def _report_outcome(request: HttpRequest, pk: int, *, closing: bool) -> HttpResponse:
    report = access.get_visible(request.user, PublicReport, pk, write=True)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = services.close_report if closing else services.mark_not_found
        try:
            action(report, outcome=form.cleaned_data["outcome"], by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Report closed." if closing else "Report marked not found.")
            return redirect(report)
    return form_page(
        request,
        form,
        "Close the report" if closing else "Not found after attempts",
        cancel_url=report.get_absolute_url(),
    )


@login_required
def report_not_found(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_outcome(request, pk, closing=False)


@login_required
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_outcome(request, pk, closing=True)


# Interventions


def _intervention_form(
    request: HttpRequest, intervention: Intervention, title: str
) -> HttpResponse:
    form = InterventionForm(request.POST or None, instance=intervention)
    if request.method == "POST" and form.is_valid():
        try:
            intervention = services.save_intervention(form.save(commit=False), by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Intervention saved.")
            return redirect(intervention)
    return form_page(request, form, title, client=intervention.client)


@login_required
def intervention_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = person_for_record(request, pk)
    access.require(request.user, access.perm(Intervention, "add"))
    return _intervention_form(
        request,
        Intervention(client=client, opened=timezone.localdate()),
        "New intervention",
    )


@login_required
def intervention_edit(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = access.get_visible(request.user, Intervention, pk, write=True)
    return _intervention_form(request, intervention, "Change intervention")


@login_required
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    i = access.get_visible(request.user, Intervention, pk)
    rows = [
        ("Person", i.client),
        ("Kind", i.get_kind_display()),
        ("Opened", i.opened),
        ("Worker", i.worker.get_full_name() or i.worker.username),
        ("Notes", i.notes),
    ]
    if i.is_reconnection:
        rows += [
            ("Destination area", i.destination),
            ("How the local connection was verified", i.local_connection_verified_by),
            ("Travel arranged", i.travel_arranged),
        ]
    rows += [
        ("Closed", i.closed or "Open"),
        ("Outcome", i.get_outcome_display()),
        ("Outcome notes", i.outcome_notes),
    ]
    return record_page(request, i, rows, edit_url=reverse("outreach:intervention_edit", args=[pk]))
