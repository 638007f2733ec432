"""The coordinator's retention page, legal holds, anonymising one person now, the runs, and the
register of what MARS holds and why (with its downloads)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from clients.models import Client
from mars import access, reads
from mars.pages import page_of, record_page, service_form
from mars.spreadsheets import csv_response
from privacy import register as held_register
from privacy.access import (
    LIFT_HOLD,
    PLACE_HOLD,
    RUN_RETENTION,
    VIEW_HOLDS,
    VIEW_REGISTER,
    VIEW_RUNS,
)
from privacy.forms import AnonymiseForm, HoldForm, LiftForm
from privacy.models import LegalHold, RetentionRun, RunTrigger
from privacy.services import (
    RetentionError,
    access_log_years,
    check_can_anonymise,
    due_people,
    held_but_due,
    lift_hold,
    place_hold,
    reckon,
    retention_years,
    run_retention,
)


@login_required
@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    """Who the next run anonymises and why, the holds in force, and the past runs."""
    access.require(request.user, RUN_RETENTION)
    today = timezone.localdate()
    due = due_people(today)
    people = Client.objects.in_bulk([d.client_id for d in due])
    holds = list(
        LegalHold.objects.in_force().select_related("client", "placed_by").order_by("placed_on")
    )
    held_due = held_but_due(today)
    reads.note([d.client_id for d in due] + [h.client_id for h in holds], "retention page")
    runs = RetentionRun.objects.select_related("by", "only")
    return render(
        request,
        "privacy/retention.html",
        {
            "due": [(d, people[d.client_id]) for d in due],
            "holds": [(h, h.client_id in held_due) for h in holds],
            "page": page_of(request, runs),
            "retention_years": retention_years(),
            "access_log_years": access_log_years(),
            "today": today,
        },
    )


@login_required
def hold_create(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, PLACE_HOLD)
    person = access.get_visible(request.user, Client, pk)
    return service_form(
        request,
        HoldForm(request.POST or None),
        f"Place a legal hold on {person}",
        run=lambda data: place_hold(person, by=request.user, reason=data["reason"]),  # type: ignore[arg-type]
        refusals=(RetentionError,),
        done=lambda hold: hold.get_absolute_url(),
        message="Legal hold placed: retention will not anonymise this person.",
        client=person,
        submit_label="Place the hold",
        intro="While the hold is in force, retention leaves this person's records as they are.",
    )


@login_required
@require_GET
def hold_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, VIEW_HOLDS)
    hold = access.get_visible(request.user, LegalHold, pk)
    rows: list[tuple[str, object]] = [
        ("Person", hold.client),
        ("Why", hold.reason),
        ("Placed by", hold.placed_by.get_full_name() or hold.placed_by.username),
        ("Placed on", hold.placed_on),
        ("In force", "Yes" if hold.in_force else "No, lifted"),
    ]
    if not hold.in_force:
        rows += [
            ("Lifted on", hold.lifted_on),
            ("Lifted by", hold.lifted_by.get_full_name() or hold.lifted_by.username)
            if hold.lifted_by
            else ("Lifted by", ""),
            ("Why it was lifted", hold.lift_reason),
        ]
    actions = []
    if hold.in_force and access.can(request.user, LIFT_HOLD):
        actions.append(("Lift the hold", reverse("privacy:hold_lift", args=[hold.pk])))
    return record_page(request, hold, rows, actions=actions)


@login_required
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, LIFT_HOLD)
    hold = access.get_visible(request.user, LegalHold, pk)
    return service_form(
        request,
        LiftForm(request.POST or None),
        f"Lift the legal hold on {hold.client}",
        run=lambda data: lift_hold(hold, by=request.user, reason=data["lift_reason"]),  # type: ignore[arg-type]
        refusals=(RetentionError,),
        done=lambda lifted: lifted.get_absolute_url(),
        message="Legal hold lifted: retention takes its course for this person again.",
        client=hold.client,
        submit_label="Lift the hold",
        cancel_url=hold.get_absolute_url(),
    )


def _anonymise_now(person: Client, by: object, reason: str) -> Client:
    check_can_anonymise(person)
    run = run_retention(by=by, trigger=RunTrigger.PAGE, only=person, reason=reason)  # type: ignore[arg-type]
    refused = [p["refused"] for p in run.people if "refused" in p]
    if refused:
        raise RetentionError(refused[0])
    return person


@login_required
def anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    """Run retention now for one person (a test record, or one the coordinator has decided on)."""
    access.require(request.user, RUN_RETENTION)
    person = access.get_visible(request.user, Client, pk)
    today = timezone.localdate()
    reckoned = reckon(Client.objects.filter(pk=person.pk), today)
    due = reckoned[0] if reckoned else None
    if due is None:
        intro = "This person has no dated records."
    elif due.due_on < today:
        intro = (
            f"Due: last activity ({due.what}) on {due.last_activity:%d/%m/%Y}; retention ran out "
            f"on {due.due_on:%d/%m/%Y}."
        )
    else:
        intro = (
            f"Not due until {due.due_on:%d/%m/%Y} (last activity: {due.what} on "
            f"{due.last_activity:%d/%m/%Y}). Anonymise now only for a test record or a decision "
            "you can explain."
        )
    return service_form(
        request,
        AnonymiseForm(request.POST or None),
        f"Anonymise {person} now",
        run=lambda data: _anonymise_now(person, request.user, data["reason"]),
        refusals=(RetentionError,),
        done=lambda anonymised: anonymised.get_absolute_url(),
        message="Anonymised: names, date of birth, phone, notes and receipts removed.",
        client=person,
        intro=intro,
        submit_label="Anonymise now",
    )


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, VIEW_RUNS)
    run = access.get_visible(request.user, RetentionRun, pk)
    ids = [p["id"] for p in run.people]
    reads.note(ids, "retention run")
    people = Client.objects.in_bulk(ids)
    return render(
        request,
        "privacy/run_detail.html",
        {"run": run, "rows": [(p, people.get(p["id"])) for p in run.people]},
    )


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """What MARS holds and why, from the code's own tables."""
    access.require(request.user, VIEW_REGISTER)
    return render(request, "privacy/register.html", {"entries": held_register.entries()})


@login_required
@require_GET
def register_json(request: HttpRequest) -> HttpResponse:
    access.require(request.user, VIEW_REGISTER)
    response = HttpResponse(
        json.dumps(held_register.as_json(), indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="what-mars-holds.json"'
    return response


@login_required
@require_GET
def register_csv(request: HttpRequest) -> HttpResponse:
    access.require(request.user, VIEW_REGISTER)
    header, *rows = held_register.csv_rows()
    return csv_response("what-mars-holds.csv", header, rows)
