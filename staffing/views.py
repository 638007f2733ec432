"""The attendance pages: who is away this week and next, absences, caseload cover, their forms."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from mars import access as mars_access
from mars.forms import staff_label
from mars.pages import history_of, page_of, record_page, service_form
from mars.records import acting
from staffing import access, services
from staffing.forms import AbsenceForm, CoverForm
from staffing.models import Absence, CaseloadCover

REFUSALS = (services.StaffingError,)


def fortnight(today: date) -> tuple[date, date]:
    """This week and the next: Monday of this week to Sunday of the next."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=13)


def _away_by_day(user: Any, absences: list[Absence], first: date, last: date) -> list[Any]:
    days = []
    day = first
    while day <= last:
        away = [(a, access.kind_label(user, a)) for a in absences if a.starts <= day <= a.ends]
        days.append((day, away))
        day += timedelta(days=1)
    return days


@login_required
def attendance(request: HttpRequest) -> HttpResponse:
    """Who is away this week and next, day by day; the absences and covers, now and to come (or
    past, with ?show=past)."""
    user = request.user
    mars_access.require(user, mars_access.perm(Absence, "view"))
    today = timezone.localdate()
    first, last = fortnight(today)
    absences = Absence.objects.select_related("worker").with_sickness_known()
    fortnight_absences = list(absences.overlapping(first, last))
    past = request.GET.get("show") == "past"
    listed = (
        absences.filter(ends__lt=today).order_by("-starts", "-id")
        if past
        else absences.filter(ends__gte=today)
    )
    page = page_of(request, listed)
    covers = CaseloadCover.objects.select_related("worker", "covered_by")
    covers = (
        covers.filter(ends__lt=today).order_by("-starts")
        if past
        else covers.filter(ends__gte=today)
    )
    return render(
        request,
        "staffing/attendance.html",
        {
            "today": today,
            "days": [
                (day, away)
                for day, away in _away_by_day(user, fortnight_absences, first, last)
                if away or day == today
            ],
            "page": page,
            "rows": [(a, access.kind_label(user, a)) for a in page.object_list],
            "covers": list(covers[:50]),
            "past": past,
            "query": "show=past" if past else "",
            "can_record": access.may_record_absence(user),
            "can_hand_over": access.may_hand_over(user),
        },
    )


def _absence_mask(user: Any, absence: Absence) -> Any:
    # Decided for the absence, not each version: a change from sickness to leave must not show
    # "Sickness" on either side of it.
    if access.reads_details(user, absence):
        hidden: Collection[str] = ()
    else:
        hidden = {"kind", "notes"} if access.hides_kind(user, absence) else {"notes"}
    return lambda record: hidden


@login_required
def absence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    absence = mars_access.get_visible(request.user, Absence, pk)
    kind = access.kind_label(request.user, absence)
    details = access.reads_details(request.user, absence)
    rows: list[tuple[str, Any]] = [
        ("Who", staff_label(absence.worker)),
        ("Kind", kind),
        ("From", absence.starts),
        ("To (the last day away)", absence.ends),
        ("Days", absence.days),
    ]
    if details:
        rows.append(("Notes", absence.notes))
    rows.append(("Recorded by", staff_label(absence.created_by) if absence.created_by else "—"))
    may_change = access.may_change(request.user, absence)
    return record_page(
        request,
        absence,
        rows,
        title=f"{staff_label(absence.worker)}: {kind}",
        edit_url=reverse("staffing:absence_edit", args=[pk]) if may_change else None,
        history=history_of(absence, mask=_absence_mask(request.user, absence)),
    )


@login_required
def absence_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.may_record_absence(user):
        raise PermissionDenied
    record = Absence() if access.manages_absences(user) else Absence(worker=acting(user))
    form = AbsenceForm(request.POST or None, instance=record, user=user)
    return service_form(
        request,
        form,
        "Record an absence" if access.manages_absences(user) else "Record your leave or training",
        run=lambda data: services.record_absence(form.save(commit=False), by=user),
        refusals=REFUSALS,
        done=lambda saved: reverse("staffing:attendance"),
        message="Absence recorded.",
        cancel_url=reverse("staffing:attendance"),
    )


@login_required
def absence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    absence = mars_access.get_visible(request.user, Absence, pk)
    if not access.may_change(request.user, absence):
        raise PermissionDenied
    form = AbsenceForm(request.POST or None, instance=absence, user=request.user)
    return service_form(
        request,
        form,
        f"Change the absence of {staff_label(absence.worker)}",
        run=lambda data: services.record_absence(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Absence changed.",
        cancel_url=absence.get_absolute_url(),
    )


@login_required
def cover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cover = mars_access.get_visible(request.user, CaseloadCover, pk)
    today = timezone.localdate()
    rows: list[tuple[str, Any]] = [
        ("Whose caseload", staff_label(cover.worker)),
        ("Covered by", staff_label(cover.covered_by)),
        ("From", cover.starts),
        ("To (the last day of cover)", cover.ends),
        ("In force today", "Yes" if cover.is_active_on(today) else "No"),
        ("Notes", cover.notes),
        ("Recorded by", staff_label(cover.created_by) if cover.created_by else "—"),
    ]
    return record_page(
        request,
        cover,
        rows,
        title=f"{staff_label(cover.worker)}'s caseload covered by {staff_label(cover.covered_by)}",
        edit_url=reverse("staffing:cover_edit", args=[pk]),
        template="staffing/cover_detail.html",
        intro="While the cover is in force, the reminders that go to the worker (reviews, "
        "meeting actions, consent reviews) go to the covering worker too.",
    )


@login_required
def cover_create(request: HttpRequest) -> HttpResponse:
    if not access.may_hand_over(request.user):
        raise PermissionDenied
    initial = {}
    worker = request.GET.get("worker")
    if worker and worker.isdigit():
        initial["worker"] = int(worker)
    form = CoverForm(request.POST or None, initial=initial)
    return service_form(
        request,
        form,
        "Hand over a caseload",
        run=lambda data: services.hand_over_caseload(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Caseload handed over.",
        cancel_url=reverse("staffing:attendance"),
        intro="The covering worker gets the worker's reminders too, from the first day to the "
        "last; after it they go to the worker alone.",
    )


@login_required
def cover_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cover = mars_access.get_visible(request.user, CaseloadCover, pk, write=True)
    form = CoverForm(request.POST or None, instance=cover)
    return service_form(
        request,
        form,
        f"Change the cover of {staff_label(cover.worker)}'s caseload",
        run=lambda data: services.hand_over_caseload(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Cover changed.",
        cancel_url=cover.get_absolute_url(),
        intro="To end the cover early, set its last day.",
    )
