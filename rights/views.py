"""The coordinator's pages for subject access and the other data protection requests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients.access import person_for_record
from clients.models import Client
from mars import access, reads
from mars.forms import staff_label
from mars.pages import page_of, record_page, service_form
from rights import export, services
from rights.access import EXPORT_PERMISSION
from rights.forms import (
    AccessRequestForm,
    CloseForm,
    CompleteForm,
    DecideForm,
    ExtendForm,
    IdentityForm,
    RightsRequestForm,
)
from rights.models import RightsRequest, SubjectAccessRequest

REFUSALS = (services.RightsError,)


def _made_by(request: HttpRequest) -> str:
    return staff_label(request.user)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Subject access requests, open ones first by deadline, with days left or overdue; then the
    other requests, undecided first."""
    access.require(request.user, access.perm(SubjectAccessRequest, "view"))
    today = timezone.localdate()
    requests = access.visible(request.user, SubjectAccessRequest.objects.all())
    page = page_of(request, requests.select_related("client").deadline_first())
    others = (
        access.visible(request.user, RightsRequest.objects.all())
        .select_related("client")
        .order_by("-received_on", "-id")
    )
    undecided = list(others.filter(decision="")[:50])
    decided = list(others.exclude(decision="")[:20])
    reads.note_records(undecided + decided, "list of rights requests")
    return render(
        request,
        "rights/request_list.html",
        {
            "page": page,
            "rows": [(r, r.days_left(today), r.time_left(today)) for r in page.object_list],
            "undecided": undecided,
            "decided": decided,
            "today": today,
        },
    )


@login_required
def person_requests(request: HttpRequest, client_pk: int) -> HttpResponse:
    access.require(request.user, access.perm(SubjectAccessRequest, "view"))
    client = person_for_record(request, client_pk)
    today = timezone.localdate()
    return render(
        request,
        "rights/person_requests.html",
        {
            "client": client,
            "access_requests": [
                (r, r.days_left(today))
                for r in access.visible(
                    request.user, SubjectAccessRequest.objects.filter(client=client)
                )
            ],
            "rights_requests": access.visible(
                request.user, RightsRequest.objects.filter(client=client)
            ),
            "can_add": access.can_add_for(request.user, SubjectAccessRequest),
            "can_add_rights": access.can_add_for(request.user, RightsRequest),
        },
    )


@login_required
def request_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    access.require(request.user, access.perm(SubjectAccessRequest, "add"))
    client = person_for_record(request, client_pk)
    record = SubjectAccessRequest(client=client, received_on=timezone.localdate())
    form = AccessRequestForm(request.POST or None, instance=record)
    return service_form(
        request,
        form,
        "Record a subject access request",
        run=lambda data: services.record_access_request(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Subject access request recorded.",
        client=client,
        cancel_url=reverse("rights:person_requests", args=[client.pk]),
        intro="The due date is one calendar month after the day it was received.",
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sar = access.get_visible(request.user, SubjectAccessRequest, pk)
    today = timezone.localdate()
    rows: list[tuple[str, Any]] = [
        ("Person", sar.client),
        ("Status", sar.get_status_display()),
        ("Received on", sar.received_on),
        ("Who asked", sar.get_requested_by_display()),
        ("Representative", sar.representative),
        ("Identity checked on", sar.identity_checked_on or "Not yet"),
        ("Due on", sar.due_on),
        ("Extended to", sar.extended_to),
        ("Why extended", sar.extension_reason),
        ("Time left", sar.time_left(today)),
        ("Completed on", sar.completed_on),
        ("Reason for refusing or closing", sar.closing_reason),
        ("Last export made", sar.export_made_at),
        ("Last export made by", staff_label(sar.export_made_by) if sar.export_made_by else ""),
        ("Recorded by", staff_label(sar.recorded_by) if sar.recorded_by else "—"),
        ("Notes", sar.notes),
    ]
    user = request.user
    can_change = access.can_change(user, SubjectAccessRequest)
    actions: list[tuple[str, str]] = []
    if can_change and sar.is_open:
        if sar.identity_checked_on is None:
            actions.append(("Record identity check", reverse("rights:request_identity", args=[pk])))
        actions.append(("Extend the deadline", reverse("rights:request_extend", args=[pk])))
        if sar.identity_checked_on is not None:
            actions.append(("Mark completed", reverse("rights:request_complete", args=[pk])))
        actions.append(("Refuse or close", reverse("rights:request_close", args=[pk])))
    return record_page(
        request,
        sar,
        rows,
        template="rights/request_detail.html",
        actions=actions,
        can_export=access.can(user, EXPORT_PERMISSION)
        and sar.identity_checked_on is not None
        and sar.status not in ("refused", "withdrawn"),
        pdf_url=reverse("rights:request_pdf", args=[pk]),
    )


def _action(
    request: HttpRequest, pk: int, form_class: type[Any], title: str, run: Any, message: str
) -> HttpResponse:
    sar = access.get_visible(request.user, SubjectAccessRequest, pk, write=True)
    form = form_class(
        request.POST or None,
        initial={k: timezone.localdate() for k in ("checked_on", "completed_on")},
    )
    return service_form(
        request,
        form,
        title,
        run=lambda data: run(sar, data),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message=message,
        client=sar.client,
        cancel_url=sar.get_absolute_url(),
    )


@login_required
def request_identity(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        IdentityForm,
        "Record the identity check",
        lambda sar, d: services.record_identity_check(
            sar, checked_on=d["checked_on"], by=request.user
        ),
        "Identity check recorded.",
    )


@login_required
def request_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        ExtendForm,
        "Extend the deadline",
        lambda sar, d: services.extend_request(
            sar, to=d["extended_to"], reason=d["extension_reason"], by=request.user
        ),
        "Deadline extended.",
    )


@login_required
def request_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        CompleteForm,
        "Mark the request completed",
        lambda sar, d: services.complete_request(
            sar, completed_on=d["completed_on"], by=request.user
        ),
        "Request completed.",
    )


@login_required
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        CloseForm,
        "Refuse or close the request",
        lambda sar, d: services.close_request(
            sar, outcome=d["outcome"], reason=d["reason"], by=request.user
        ),
        "Request closed.",
    )


def _exportable(request: HttpRequest, pk: int) -> SubjectAccessRequest:
    """The request, scoped as get_visible would (404, then 403), without noting a read of the
    request page: the access log's row names the reading for what it is, the export."""
    sar = get_object_or_404(access.visible(request.user, SubjectAccessRequest.objects.all()), pk=pk)
    access.require(request.user, EXPORT_PERMISSION)
    return sar


@login_required
@require_POST
def request_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Make the export (a ZIP of the PDF, the JSON, receipts and the redactions) and send it."""
    sar = _exportable(request, pk)
    try:
        # Noted on the request and made in one transaction: a failed export is not recorded.
        with transaction.atomic():
            services.note_export(sar, by=request.user)
            made = export.export_file(sar.client, made_by=_made_by(request))
    except services.RightsError as error:
        messages.error(request, str(error))
        return redirect(sar)
    export.log_export(sar.client)
    response = FileResponse(
        made,
        as_attachment=True,
        filename=f"{export.file_name(sar.client)}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def request_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's PDF on its own, made afresh, to read before sending."""
    sar = _exportable(request, pk)
    if sar.identity_checked_on is None:
        messages.error(request, "Check the requester's identity before making the export.")
        return redirect(sar)
    pdf = export.pdf_of(sar.client, made_by=_made_by(request))
    export.log_export(sar.client)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export.file_name(sar.client)}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def rights_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    access.require(request.user, access.perm(RightsRequest, "add"))
    client: Client = person_for_record(request, client_pk)
    record = RightsRequest(client=client, received_on=timezone.localdate())
    form = RightsRequestForm(request.POST or None, instance=record)
    return service_form(
        request,
        form,
        "Record a request to correct, erase, restrict or object",
        run=lambda data: services.record_rights_request(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Request recorded.",
        client=client,
        cancel_url=reverse("rights:person_requests", args=[client.pk]),
    )


@login_required
def rights_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = access.get_visible(request.user, RightsRequest, pk)
    rows: list[tuple[str, Any]] = [
        ("Person", r.client),
        ("Kind", r.get_kind_display()),
        ("Received on", r.received_on),
        ("What was asked", r.request),
        ("Decision", r.get_decision_display() or "Not decided yet"),
        ("Reason", r.decision_reason),
        ("Decided on", r.decided_on),
        ("Decided by", staff_label(r.decided_by) if r.decided_by else ""),
        ("Recorded by", staff_label(r.recorded_by) if r.recorded_by else "—"),
    ]
    actions = []
    if access.can_change(request.user, RightsRequest) and not r.is_decided:
        actions.append(("Decide", reverse("rights:rights_decide", args=[pk])))
    return record_page(request, r, rows, actions=actions)


@login_required
def rights_decide(request: HttpRequest, pk: int) -> HttpResponse:
    r = access.get_visible(request.user, RightsRequest, pk, write=True)
    form = DecideForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    return service_form(
        request,
        form,
        f"Decide: {r}",
        run=lambda data: services.decide_rights_request(
            r,
            decision=data["decision"],
            reason=data["decision_reason"],
            decided_on=data["decided_on"],
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Decision recorded.",
        client=r.client,
        cancel_url=r.get_absolute_url(),
    )
