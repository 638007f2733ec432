"""Pages for payment requests: asking, the approval queues, deciding, paying, receipts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accommodation.models import HouseIssue
from clients.access import person_for_record
from funds import services
from funds.access import can_approve_payments
from funds.forms import ApproveForm, PaymentForm, ReasonForm, ReceiptForm, RequestForm
from funds.models import (
    Approval,
    Capacity,
    Fund,
    HardshipAssessment,
    Payment,
    PaymentRequest,
    Receipt,
    RequestStatus,
    pounds,
)
from funds.uploads import as_download
from mars import access
from mars.dates import uk_datetime
from mars.forms import staff_label
from mars.pages import form_page, history_of, page_of, record_page, refusal_into_form, service_form
from risk.alerts import with_alerts

REFUSALS = (services.FundsError,)


def _lists(user: Any, fund: Fund | None) -> dict[str, tuple[str, Any]]:
    requests = access.visible(user, PaymentRequest.objects.all())
    queue = services.approval_queue(user)
    if fund is not None:
        requests, queue = requests.filter(fund=fund), queue.filter(fund=fund)
    lists: dict[str, tuple[str, Any]] = {}
    if can_approve_payments(user):
        lists["to_approve"] = ("Waiting for my approval", queue)
    if access.can_add_for(user, PaymentRequest):
        lists["mine"] = ("Asked for by me", requests.filter(requested_by_id=user.pk))
    lists.update(
        {
            "waiting": ("Waiting for approval", requests.waiting()),
            "approved": ("Approved, to pay", requests.filter(status=RequestStatus.APPROVED)),
            "paid": ("Paid", requests.filter(status=RequestStatus.PAID)),
            "closed": (
                "Rejected or cancelled",
                requests.filter(status__in=[RequestStatus.REJECTED, RequestStatus.CANCELLED]),
            ),
        }
    )
    return lists


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Payment requests: the user's approval queue, their own requests, and each status."""
    user = request.user
    access.require(user, access.perm(PaymentRequest, "view"))
    asked = request.GET.get("fund", "")
    fund = (
        access.visible(user, Fund.objects.all()).filter(pk=asked).first()
        if asked.isdigit()
        else None
    )
    lists = _lists(user, fund)
    show = request.GET.get("show", "")
    show = show if show in lists else next(iter(lists))
    title, chosen = lists[show]
    chosen = chosen.select_related("fund", "client", "house", "requested_by").prefetch_related(
        "approvals"
    )
    ordered = chosen.order_by("requested_at", "id") if show != "paid" else chosen
    page = page_of(request, with_alerts(ordered, "client__"))
    return render(
        request,
        "funds/request_list.html",
        {
            "title": title,
            "show": show,
            "page": page,
            "choices": [(key, label, qs.count()) for key, (label, qs) in lists.items()],
            "here": "requests",
            "fund": fund,
            "query": f"fund={fund.pk}&" if fund else "",
            "can_ask_property": access.can_add_for(user, PaymentRequest),
        },
    )


def _request_form(
    request: HttpRequest, record: PaymentRequest, title: str, *, property_spend: bool
) -> HttpResponse:
    form = RequestForm(request.POST or None, instance=record, property_spend=property_spend)

    def run(data: dict[str, Any]) -> PaymentRequest:
        saved = services.request_payment(form.save(commit=False), by=request.user)
        refusals = services.check_rules(saved).refusals
        if refusals:
            messages.warning(
                request, "As things stand it cannot be approved: " + " ".join(refusals)
            )
        return saved

    return service_form(
        request,
        form,
        title,
        run=run,
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Request saved: it waits for approval.",
        client=record.client,
        cancel_url=record.get_absolute_url() if record.pk else None,
    )


@login_required
def request_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Ask for a payment for a person, from their page."""
    access.require(request.user, access.perm(PaymentRequest, "add"))
    client = person_for_record(request, client_pk)
    return _request_form(
        request, PaymentRequest(client=client), "Ask for a payment", property_spend=False
    )


@login_required
def property_request_create(request: HttpRequest) -> HttpResponse:
    """Ask for MARS House property spend (no person)."""
    access.require(request.user, access.perm(PaymentRequest, "add"))
    record = PaymentRequest()
    asked = request.GET.get("issue", "")
    issue = HouseIssue.objects.filter(pk=asked).first() if asked.isdigit() else None
    if issue is not None:
        # Asked from a repair's page: the request starts as for that house and that repair.
        record.issue, record.house = issue, issue.property
    return _request_form(
        request,
        record,
        "Ask for MARS House property spend",
        property_spend=True,
    )


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_visible(request.user, PaymentRequest, pk, write=True)
    record = PaymentRequest.objects.select_related("fund", "client").get(pk=record.pk)
    if not record.is_changeable:
        messages.info(request, "Only a request nobody has approved yet can be changed.")
        return redirect(record)
    return _request_form(
        request,
        record,
        f"Change {record.reference}",
        property_spend=record.fund.is_property,
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    record = access.get_visible(user, PaymentRequest, pk)
    record = (
        PaymentRequest.objects.select_related(
            "fund", "client", "house", "issue", "requested_by", "closed_by"
        )
        .prefetch_related("approvals__approved_by", "receipts__uploaded_by")
        .get(pk=record.pk)
    )
    checks = services.check_rules(record)
    see_houses = access.can(user, "accommodation.view_property")
    rows: list[tuple[str, Any]] = [
        ("Status", record.get_status_display()),
        ("Fund", record.fund),
    ]
    if record.client is not None:
        rows.append(("Person", record.client))
    if record.house is not None:
        rows.append(("House", record.house if see_houses else record.house.name))
    if record.issue is not None:
        rows.append(("Repair or issue", record.issue if see_houses else str(record.issue)))
    rows += [
        ("Amount", pounds(record.amount)),
        ("Payee", record.payee),
        ("Purpose", record.purpose),
        ("Needed by", record.needed_by),
        ("Asked for", f"{staff_label(record.requested_by)}, {uk_datetime(record.requested_at)}"),
    ]
    assessment = HardshipAssessment.objects.filter(request=record).first()
    if assessment is not None:
        rows.append(("Hardship assessment", assessment))
        rows.append(("Assessor's recommendation", assessment.get_recommendation_display()))
    if record.approved_at:
        rows.append(("Approved", uk_datetime(record.approved_at)))
    if record.closed_at:
        who = f"{staff_label(record.closed_by)}, " if record.closed_by else ""
        rows.append((record.get_status_display(), f"{who}{uk_datetime(record.closed_at)}"))
        rows.append(("Reason", record.close_reason or "—"))
    payment = Payment.objects.filter(request=record).select_related("recorded_by").first()
    why_not = services.why_not_approver(record, user, checks)
    history = history_of(
        record,
        ("Approval", Approval.history.filter(request_id=record.pk).select_related("history_user")),
        ("Payment", Payment.history.filter(request_id=record.pk).select_related("history_user")),
        ("Receipt", Receipt.history.filter(request_id=record.pk).select_related("history_user")),
    )
    may_change = services.may_change(record, user)
    return record_page(
        request,
        record,
        rows,
        template="funds/request_detail.html",
        history=history,
        title=f"Payment request {record.reference}",
        edit_url=reverse("funds:request_edit", args=[pk])
        if record.is_changeable and may_change
        else None,
        checks=checks,
        waiting_for=[Capacity(c).label for c in checks.waiting_for] if record.is_open else [],
        approvals=record.approvals.all(),
        payment=payment,
        receipts=record.receipts.all(),
        may_approve=why_not is None,
        why_not=why_not if can_approve_payments(user) else None,
        may_reject=record.is_open and services.may_reject(record, user, checks),
        may_cancel=record.is_cancellable and may_change,
        may_pay=record.is_approved and access.can(user, "funds.pay_paymentrequest"),
        may_attach=not record.is_closed and access.can_add_for(user, Receipt),
    )


def _visible_request(request: HttpRequest, pk: int) -> PaymentRequest:
    record = access.get_visible(request.user, PaymentRequest, pk)
    return PaymentRequest.objects.select_related("fund", "client").get(pk=record.pk)


@login_required
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible_request(request, pk)
    user = request.user
    if not can_approve_payments(user):
        raise PermissionDenied
    checks = services.check_rules(record)
    capacity = services.capacity_for(record, user, checks)
    needs_reason = capacity == Capacity.DIRECTOR and bool(checks.hardship_breaks)
    form = ApproveForm(
        request.POST if request.method == "POST" else None, needs_reason=needs_reason
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_payment(
                record,
                comment=form.cleaned_data["comment"],
                override_reason=form.cleaned_data.get("override_reason", ""),
                by=user,
            )
        except services.FundsError as error:
            refusal_into_form(form, error)
        else:
            record.refresh_from_db()
            messages.success(
                request,
                "Approved: the money is committed and it can be paid."
                if record.is_approved
                else "Your approval is recorded: it now waits for the "
                f"{services.check_rules(record).waiting_label()}.",
            )
            return redirect(record)
    why_not = services.why_not_approver(record, user, checks)
    label = Capacity(capacity).label.lower() if capacity else ""
    return form_page(
        request,
        form,
        f"Approve {record.reference}: {record.amount_label}",
        template="funds/approve.html",
        client=record.client,
        record=record,
        checks=checks,
        cancel_url=record.get_absolute_url(),
        # On a first look the form is unbound: it can hold no error, the page says why.
        why_not=why_not if request.method != "POST" else None,
        submit_label=f"Approve as {label}" if label else "Approve",
    )


def _close_page(request: HttpRequest, pk: int, *, reject: bool) -> HttpResponse:
    record = _visible_request(request, pk)
    close = services.reject_payment if reject else services.cancel_payment
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        required=reject,
        label="Why it is rejected" if reject else "Why it is cancelled (optional)",
    )
    return service_form(
        request,
        form,
        f"{'Reject' if reject else 'Cancel'} {record.reference}",
        run=lambda data: close(record, reason=data["reason"], by=request.user),
        refusals=REFUSALS,
        done=lambda closed: closed,
        message="Rejected: the person who asked is told why." if reject else "Cancelled.",
        client=record.client,
        cancel_url=record.get_absolute_url(),
        submit_label="Reject" if reject else "Cancel the request",
        intro=""
        if reject
        else "Cancelling releases any money approved for it. It cannot be undone.",
    )


@login_required
def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_approve_payments(request.user):
        raise PermissionDenied
    return _close_page(request, pk, reject=True)


@login_required
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, access.perm(PaymentRequest, "change"))
    return _close_page(request, pk, reject=False)


@login_required
def request_pay(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible_request(request, pk)
    access.require(request.user, "funds.pay_paymentrequest")
    form = PaymentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    return service_form(
        request,
        form,
        f"Record the payment of {record.reference}: {record.amount_label}",
        run=lambda data: services.record_payment(
            record,
            paid_on=data["paid_on"],
            method=data["method"],
            reference=data["reference"],
            receipt=data["receipt"],
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda payment: record,
        message="Payment recorded.",
        client=record.client,
        cancel_url=record.get_absolute_url(),
        submit_label="Record the payment",
        intro=f"To {record.payee}, from {record.fund}.",
    )


@login_required
def receipt_create(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible_request(request, pk)
    access.require(request.user, access.perm(Receipt, "add"))
    form = ReceiptForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    return service_form(
        request,
        form,
        f"Attach a receipt or invoice to {record.reference}",
        run=lambda data: services.attach_receipt(
            record, data["file"], kind=data["kind"], by=request.user
        ),
        refusals=REFUSALS,
        done=lambda receipt: record,
        message="Attached.",
        client=record.client,
        cancel_url=record.get_absolute_url(),
        submit_label="Attach",
    )


@login_required
def receipt_download(request: HttpRequest, pk: int) -> FileResponse:
    """A receipt, as a download, only to those who may see its request."""
    receipt = get_object_or_404(services.visible_receipts(request.user), pk=pk)
    return as_download(receipt)
