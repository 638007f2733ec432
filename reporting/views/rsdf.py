"""England's monthly return (RSDF): the list of months, a month's return with its figures
beside the month before and the same month a year before, what to check before sending it,
checking and sending it, the people behind each figure, and its CSV and XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from clients.access import visible_clients
from mars import access, reads
from mars.dates import add_months
from mars.pages import history_of, page_of, refusal_into_form
from reporting import documents, returns, rsdf
from reporting.access import (
    can_change_rsdf_returns,
    can_see_rsdf_figures,
    can_see_rsdf_people,
    can_see_rsdf_returns,
    get_rsdf_return,
    visible_rsdf_returns,
)
from reporting.forms import OpenReturnForm, ReturnForm, SubmitReturnForm
from reporting.models import FileKind, ReturnStatus, RsdfReturn

# The team's own words, which may name someone: not for those who read counts only.
TEAM_WORDS = ("notes", "gaps_reason")
# Figures that are not a count of people: nothing to list behind them.
NO_PEOPLE = ("per_100k", "unidentified_sightings")


def _can_open(request: HttpRequest) -> bool:
    return access.can(request.user, "reporting.add_rsdfreturn")


@login_required
def rsdf_list(request: HttpRequest) -> HttpResponse:
    """Every month's return, newest first, and (for the coordinator) a form to open one."""
    if not can_see_rsdf_returns(request.user):
        raise PermissionDenied
    if request.method == "POST" and not _can_open(request):
        raise PermissionDenied
    form = OpenReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = returns.open_return(form.cleaned_data["period"], by=request.user)
        except returns.ReturnError as error:
            refusal_into_form(form, error)
        else:
            return redirect(record)
    page = page_of(
        request,
        visible_rsdf_returns(request.user).select_related("checked_by", "submitted_by"),
    )
    return render(
        request,
        "reporting/rsdf_list.html",
        {"page": page, "form": form, "can_open": _can_open(request)},
    )


def people_url(record: RsdfReturn, key: str) -> str:
    return f"{reverse('reporting:rsdf_people', args=[record.pk])}?{urlencode({'key': key})}"


def _has_people(key: str) -> bool:
    return not key.endswith(NO_PEOPLE)


def _compared(request: HttpRequest, period: date) -> tuple[RsdfReturn | None, dict[str, Any]]:
    """Another month's figures to set beside the return's: as sent when it was sent; else,
    for those who may see any month's figures, computed now (with that month's night and
    population if its return is open); else none."""
    record = returns.return_for(period)
    if record is not None and record.is_submitted:
        return record, record.figures
    if not can_see_rsdf_figures(request.user):
        return None, {}
    if record is not None:
        return record, returns.compute(record).figures()
    night, population = rsdf.defaults_for(period)
    return None, rsdf.figures(period, night=night, population=population)


@dataclass(frozen=True)
class Gap:
    kind: str
    label: str
    people: list[Any]
    count: int


# What each gap's link does, for its words.
FIXES = {
    "gender": "gender",
    "age": "date of birth",
    "nationality": "nationality",
    "public_funds": "access to public funds",
}


def _fix_label(kind: str, person: Any) -> str:
    if kind == returns.DISCHARGE:
        return f"Record {person.display_name}'s discharge"
    return f"Set {person.display_name}'s {FIXES[kind]}"


def _fix_url(kind: str, person: Any, back: str) -> str:
    """The form that fixes the gap; saving it comes back to the return (?next=)."""
    name = "clients:discharge_create" if kind == returns.DISCHARGE else "clients:edit"
    return f"{reverse(name, args=[person.pk])}?{urlencode({'next': back})}"


def _gaps(request: HttpRequest, checks: returns.Checks) -> list[Gap]:
    labels = {kind: label for kind, label, _ in returns.NOT_KNOWN}
    labels[returns.DISCHARGE] = returns.DISCHARGE_LABEL
    ids = {pk for found in checks.people.values() for pk in found}
    people: dict[int, Any] = {}
    if can_see_rsdf_people(request.user) and ids:
        people = visible_clients(request.user).select_related("key_worker").in_bulk(list(ids))
        reads.note(sorted(people), "rsdf return checks")
    return [
        Gap(
            kind,
            labels[kind],
            [
                (person, _fix_url(kind, person, request.get_full_path()), _fix_label(kind, person))
                for pk in found
                if (person := people.get(pk))
            ],
            len(found),
        )
        for kind, found in checks.people.items()
    ]


def _context(request: HttpRequest, record: RsdfReturn) -> dict[str, Any]:
    user = request.user
    sees_people = can_see_rsdf_people(user)
    if record.is_submitted:
        figures = record.figures
        checks = None
    else:
        found = returns.compute(record)
        figures = found.figures()
        checks = returns.checks(record.period, found)
    before, before_figures = _compared(request, add_months(record.period, -1))
    year_ago, year_ago_figures = _compared(request, add_months(record.period, -12))
    rows = [
        {
            "row": row,
            "before": returns.value_at(before_figures, row.key),
            "year_ago": returns.value_at(year_ago_figures, row.key),
            "people_url": people_url(record, row.key)
            if sees_people and row.value is not None and _has_people(row.key)
            else None,
        }
        for row in returns.rows_of(figures)
    ]
    changeable = can_change_rsdf_returns(user) and not record.is_submitted
    return {
        "record": record,
        "figures": figures,
        "rows": rows,
        "before": add_months(record.period, -1),
        "before_record": before,
        "year_ago": add_months(record.period, -12),
        "year_ago_record": year_ago,
        "checks": checks,
        "gaps": _gaps(request, checks) if checks else [],
        "sees_people": sees_people,
        # Commissioners read counts only: the team's notes and reasons may name someone.
        "sees_notes": can_see_rsdf_figures(user),
        "changeable": changeable,
        "can_check": changeable and record.status == ReturnStatus.DRAFT,
        "can_submit": changeable and record.status == ReturnStatus.CHECKED,
        "history": history_of(
            record, mask=None if can_see_rsdf_figures(user) else lambda _: TEAM_WORDS
        ),
    }


@login_required
def rsdf_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A month's return: its figures against the month before and a year before, the people
    behind each (coordinator), what to check, and choosing its night, checking and sending it."""
    record = get_rsdf_return(request.user, pk)
    form = ReturnForm(instance=record)
    submit_form = SubmitReturnForm()
    if request.method == "POST":
        record = get_rsdf_return(request.user, pk, write=True)
        action = request.POST.get("action", "")
        try:
            if action == "save":
                form = ReturnForm(request.POST, instance=RsdfReturn.objects.get(pk=record.pk))
                if form.is_valid():
                    returns.change_return(
                        record,
                        night=form.cleaned_data["night"],
                        population=form.cleaned_data["population"],
                        notes=form.cleaned_data["notes"],
                        by=request.user,
                    )
                    messages.success(request, "The return's night and population are saved.")
                    return redirect(record)
            elif action == "check":
                returns.mark_checked(record, by=request.user)
                messages.success(request, "The return is marked checked.")
                return redirect(record)
            elif action == "submit":
                submit_form = SubmitReturnForm(request.POST)
                if submit_form.is_valid():
                    returns.submit_return(
                        record, reason=submit_form.cleaned_data["reason"], by=request.user
                    )
                    messages.success(request, "The return is submitted: its figures are kept.")
                    return redirect(record)
            else:
                messages.error(request, "Choose what to do: save, mark checked or submit.")
                return redirect(record)
        except returns.ReturnError as error:
            record.refresh_from_db()
            if action == "check" or record.is_submitted:
                # No form on the page to show it beside: it is said above the page.
                messages.error(request, str(error))
                return redirect(record)
            refusal_into_form(submit_form if action == "submit" else form, error)
        record.refresh_from_db()
    context = _context(request, record)
    context.update(form=form, submit_form=submit_form)
    return render(request, "reporting/rsdf_detail.html", context)


@login_required
def rsdf_people(request: HttpRequest, pk: int) -> HttpResponse:
    """The people behind one figure of a month's return (the coordinator's)."""
    record = get_rsdf_return(request.user, pk)
    if not can_see_rsdf_people(request.user):
        raise PermissionDenied
    labels = {item.key: (item.code, item.label) for item in rsdf.INDICATORS}
    key = request.GET.get("key", "")
    if key not in labels or not _has_people(key):
        raise Http404
    try:
        ids = returns.compute(record).people(key)
    except KeyError as error:  # a figure that is not a count of people
        raise Http404 from error
    reads.note([], "rsdf drill-down")
    people = page_of(
        request,
        visible_clients(request.user)
        .filter(pk__in=ids)
        .select_related("key_worker")
        .order_by("last_name", "first_name", "pk"),
    )
    code, label = labels[key]
    sent = returns.value_at(record.figures, key) if record.is_submitted else None
    return render(
        request,
        "reporting/rsdf_people.html",
        {
            "record": record,
            "code": code,
            "label": label,
            "people": people,
            "page": people,
            "query": urlencode({"key": key}),
            "sent": sent,
        },
    )


@login_required
def rsdf_csv(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_rsdf_return(request.user, pk)
    return documents.rsdf_download(record, returns.figures_of(record), FileKind.CSV)


@login_required
def rsdf_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_rsdf_return(request.user, pk)
    return documents.rsdf_download(record, returns.figures_of(record), FileKind.XLSX)
