"""Changes to funds and payments that carry rules: one entry point for page, API, task and command.

Locks are always taken in one order (request, then fund, then person) so that two approvers, a
payment and a budget change can run at once without deadlock, and none of them sees a stale total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from accommodation.models import PropertyType
from clients import services as client_services
from funds.access import can_approve_payments
from funds.models import (
    CAPACITY_PERMISSIONS,
    ZERO,
    Approval,
    Capacity,
    DocumentKind,
    Fund,
    FundKind,
    HardshipAssessment,
    Payment,
    PaymentRequest,
    Receipt,
    Recommendation,
    RequestStatus,
    pounds,
)
from funds.uploads import UploadRefused, document_type
from mars import access, notifications
from mars.access import AnyUser
from mars.dates import add_months, local_date, uk_date
from mars.records import Refusal, acting, save_record


class FundsError(Refusal):
    """A change to funds or payments the rules refuse."""


# Funds


def check_fund(fund: Fund, *, lock: bool = False) -> None:
    """Refuse a change to a fund that breaks its rules: the budget never drops below what is
    committed and paid; a fund that has requests keeps its kind and year (its payments were
    approved under them)."""
    if fund.pk is None:
        return
    before = Fund.objects.select_for_update() if lock else Fund.objects
    saved = before.get(pk=fund.pk)
    if saved.requests.exists():
        if fund.kind != saved.kind:
            raise FundsError("This fund has requests: its kind cannot change.", field="kind")
        if fund.year != saved.year:
            raise FundsError("This fund has requests: its year cannot change.", field="year")
    totals = saved.totals()
    spoken_for = totals["committed"] + totals["paid"]
    if fund.budget is not None and fund.budget < spoken_for:
        raise FundsError(
            f"{pounds(spoken_for)} is already committed or paid: the budget cannot be less.",
            field="budget",
        )


@transaction.atomic
def save_fund(fund: Fund, *, by: AnyUser | None) -> Fund:
    """Set up a fund or change it, under the rules of check_fund (the fund locked, so no
    approval commits money while its budget changes)."""
    check_fund(fund, lock=True)
    if fund.kind != FundKind.HARDSHIP:
        fund.hardship_largest_payment = None
        fund.hardship_most_payments = None
    return save_record(fund, by=by)


# Requests


def _check_request_shape(request: PaymentRequest, today: date) -> None:
    fund = request.fund
    if fund.ends < today:
        raise FundsError(
            f"{fund} closed on {uk_date(fund.ends)}: ask this year's fund.", field="fund"
        )
    if fund.is_property:
        if request.client_id is not None:
            raise FundsError(
                "Property spend is for a house, not a person: leave the person out.",
                field="client",
            )
        if request.house is not None and request.house.type != PropertyType.MARS_HOUSE:
            raise FundsError("Property spend is for MARS House.", field="house")
        if request.issue is not None and request.issue.property_id != request.house_id:
            raise FundsError("That issue is at another house.", field="issue")
    else:
        if request.client_id is None:
            raise FundsError("Say who the payment is for.", field="client")
        if request.house_id is not None or request.issue_id is not None:
            raise FundsError("Only property spend names a house.", field="house")
    if request.needed_by is not None and request.needed_by < local_date(request.requested_at):
        raise FundsError("The date it is needed by has passed.", field="needed_by")


HARDSHIP_NEEDS_ASSESSMENT = (
    "A hardship payment starts with a hardship assessment: on the person's page choose "
    "'Assess a hardship payment' (API: POST /api/hardship-assessments/). "
    "Authorising or recommending it there asks for the payment."
)


@transaction.atomic
def request_payment(
    request: PaymentRequest, *, by: AnyUser, assessment: HardshipAssessment | None = None
) -> PaymentRequest:
    """Ask for money from a fund, or change a request nobody has approved yet.

    Rules: the fund's year has not ended; a person's request names them (not a house); property
    spend names no one; a request can be changed only before anyone approves it, by the person
    who asked or a coordinator; a merged person's record takes nothing new; a request from a
    hardship fund comes from a hardship assessment (`assessment`, which it is linked to).
    """
    today = timezone.localdate()
    new = request.pk is None
    if new:
        requester = acting(by)
        if requester is None:
            raise FundsError("Money is asked for by a signed-in member of staff.")
        request.requested_by = requester
        request.requested_at = timezone.now()
        request.status = RequestStatus.REQUESTED
    else:
        before = _locked(request)
        if not before.is_changeable:
            raise FundsError(
                "Only a request nobody has approved yet can be changed: cancel it and ask again."
            )
        if not may_change(before, by):
            raise FundsError("Only the person who asked, or a coordinator, changes a request.")
        if (
            before.fund_id != request.fund_id
            and before.fund.is_property != request.fund.is_property
        ):
            raise FundsError("Choose a fund of the same sort, or cancel and ask again.")
        request.requested_by_id = before.requested_by_id
        request.requested_at = before.requested_at
        request.status = before.status
    if request.client_id is not None:
        client_services.lock_unmerged_person(request.client_id, refusal=FundsError)
    _check_request_shape(request, today)
    assessed = assessment or (
        None if new else HardshipAssessment.objects.filter(request_id=request.pk).first()
    )
    if request.fund.is_hardship and assessed is None:
        raise FundsError(HARDSHIP_NEEDS_ASSESSMENT, field="fund")
    if assessed is not None and (
        request.fund_id != assessed.fund_id
        or request.client_id != assessed.client_id
        or request.amount != assessed.amount
    ):
        # The approvers decide on what was assessed: another sum or fund is assessed again.
        raise FundsError(
            f"{assessed.reference} assessed {assessed.amount_label} from {assessed.fund}: "
            "to ask for another amount or fund, cancel this request and assess it again.",
            field="amount" if request.amount != assessed.amount else "fund",
        )
    save_record(request, by=by, reason="" if new else "Changed before approval")
    if assessment is not None:
        assessment.request = request
        save_record(assessment, by=by, reason=f"Asked for {request.reference}")
    if new:
        _tell_approvers(request, check_rules(request).needed)
    return request


def _locked(request: PaymentRequest) -> PaymentRequest:
    return PaymentRequest.objects.select_for_update().select_related("fund").get(pk=request.pk)


# The rules an approval is checked against


@dataclass
class Checks:
    """What a request needs and what stands in its way, as of now."""

    needed: list[str]
    given: dict[str, Approval]
    hardship_breaks: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    @property
    def waiting_for(self) -> list[str]:
        return [c for c in self.needed if c not in self.given]

    @property
    def needed_labels(self) -> str:
        return ", ".join(Capacity(c).label for c in self.needed)

    def waiting_label(self) -> str:
        labels = [Capacity(c).label.lower() for c in self.waiting_for]
        return " and ".join(labels)


def _spoken_for(requests: Any) -> Decimal:
    return requests.counting().aggregate(total=Sum("amount"))["total"] or ZERO


def check_rules(request: PaymentRequest, *, today: date | None = None) -> Checks:
    """Which approvals the request needs, which it has, which hardship rules it breaks (the
    director may approve past those, saying why) and what refuses it outright (the budget, the
    limit per person)."""
    today = today or timezone.localdate()
    fund = request.fund
    others = PaymentRequest.objects.exclude(pk=request.pk)
    refusals = []
    spoken_for = _spoken_for(others.filter(fund=fund))
    if spoken_for + request.amount > fund.budget:
        refusals.append(
            f"{request.amount_label} would take {fund} past its budget: "
            f"{pounds(max(fund.budget - spoken_for, ZERO))} of {pounds(fund.budget)} remains."
        )
    person = request.client
    if person is not None and fund.per_person_limit is not None:
        had = _spoken_for(others.filter(fund=fund, client=person))
        if had + request.amount > fund.per_person_limit:
            refusals.append(
                f"{person.reference} has had {pounds(had)} from {fund}; {request.amount_label} "
                f"more would pass its limit of {pounds(fund.per_person_limit)} a person."
            )
    breaks = []
    if fund.is_hardship and person is not None:
        largest = fund.hardship_largest_payment
        if largest is not None and request.amount > largest:
            breaks.append(
                f"{request.amount_label} is more than the largest hardship payment, "
                f"{pounds(largest)}."
            )
        most = fund.hardship_most_payments
        if most is not None:
            since = add_months(today, -12)
            count = (
                others.counting()
                .filter(
                    client=person,
                    fund__kind=FundKind.HARDSHIP,
                    approved_at__date__gt=since,
                )
                .count()
            )
            if count >= most:
                breaks.append(
                    f"{person.reference} has had {count} hardship payment{'s' * (count != 1)} "
                    f"in the last 12 months: the most is {most}."
                )
    # An assessor may recommend a hardship payment to the director: then it needs them too.
    recommended = (
        fund.is_hardship
        and request.pk is not None
        and HardshipAssessment.objects.filter(
            request_id=request.pk, recommendation=Recommendation.DIRECTOR
        ).exists()
    )
    needed = [Capacity.COORDINATOR]
    if fund.is_property:
        needed.append(Capacity.RESETTLEMENT_MANAGER)
    if request.amount > fund.approval_threshold or breaks or recommended:
        needed.append(Capacity.DIRECTOR)
    given = {a.capacity: a for a in request.approvals.all()} if request.pk else {}
    return Checks(
        needed=[str(c) for c in needed], given=given, hardship_breaks=breaks, refusals=refusals
    )


def capacity_for(request: PaymentRequest, user: AnyUser, checks: Checks) -> str | None:
    """The part this user can still play in approving the request, if any (the first that is
    still waiting and that their role allows)."""
    for capacity in checks.waiting_for:
        if access.can(user, CAPACITY_PERMISSIONS[Capacity(capacity)]):
            return capacity
    return None


def may_change(request: PaymentRequest, user: AnyUser) -> bool:
    """The person who asked, or a coordinator, changes or cancels a request."""
    return access.can(user, "funds.change_paymentrequest") and (
        request.requested_by_id == user.pk or access.can(user, "funds.approve_paymentrequest")
    )


def may_reject(request: PaymentRequest, user: AnyUser, checks: Checks) -> bool:
    """Anyone whose approval the request needs may reject it instead, unless they asked."""
    return request.requested_by_id != user.pk and any(
        access.can(user, CAPACITY_PERMISSIONS[Capacity(c)]) for c in checks.needed
    )


def why_not_approver(request: PaymentRequest, user: AnyUser, checks: Checks) -> str | None:
    """Why this user cannot approve the request now, in words; None when they can."""
    if not request.is_open:
        return f"This request is {request.get_status_display().lower()}."
    if request.requested_by_id == user.pk:
        return "You asked for this payment: someone else approves it."
    if any(a.approved_by_id == user.pk for a in checks.given.values()):
        return (
            f"You have approved this request: it now waits for the {checks.waiting_label()}, "
            "who must be someone else."
        )
    if capacity_for(request, user, checks) is None:
        if not can_approve_payments(user):
            return "Your role does not approve payments."
        return f"It waits for the {checks.waiting_label()}."
    return None


def approval_queue(user: AnyUser) -> QuerySet[PaymentRequest]:
    """Requests waiting for this user's approval: in a part their role plays and nobody has
    played yet, not their own, not one they have approved already."""
    if not can_approve_payments(user):
        return PaymentRequest.objects.none()

    def given(capacity: str) -> Exists:
        return Exists(Approval.objects.filter(request=OuterRef("pk"), capacity=capacity))

    waiting = (
        access.visible(user, PaymentRequest.objects.all())
        .waiting()
        .exclude(requested_by_id=user.pk)
        .exclude(approvals__approved_by_id=user.pk)
    )
    mine = Q(pk__in=[])
    if access.can(user, CAPACITY_PERMISSIONS[Capacity.COORDINATOR]):
        mine |= ~Q(given(Capacity.COORDINATOR))
    if access.can(user, CAPACITY_PERMISSIONS[Capacity.RESETTLEMENT_MANAGER]):
        mine |= Q(fund__kind=FundKind.PROPERTY) & ~Q(given(Capacity.RESETTLEMENT_MANAGER))
    if access.can(user, CAPACITY_PERMISSIONS[Capacity.DIRECTOR]):
        over = Q(amount__gt=F("fund__approval_threshold"))
        # A hardship request at or under the threshold needs the director only if it breaks a
        # rule, which takes the person's other payments to tell, or its assessment recommends
        # it to them: checked one by one (few).
        hardship = waiting.filter(~over, fund__kind=FundKind.HARDSHIP).exclude(
            given(Capacity.DIRECTOR)
        )
        breaking = [
            r.pk
            for r in hardship.select_related("fund")
            if Capacity.DIRECTOR in check_rules(r).needed
        ]
        mine |= ~Q(given(Capacity.DIRECTOR)) & (over | Q(pk__in=breaking))
    return waiting.filter(mine)


@transaction.atomic
def approve_payment(
    request: PaymentRequest, *, comment: str = "", override_reason: str = "", by: AnyUser
) -> PaymentRequest:
    """Approve a request in the part the approver plays; when every part needed has approved,
    the money is committed.

    Rules: nobody approves their own request, nor approves one twice; at or below the fund's
    threshold the coordinator approves; above it the director approves too; MARS House
    property spend needs the resettlement manager as well; no approval may take the fund's
    committed and paid past its budget, nor a person past the fund's limit per person; past a
    hardship rule only the director approves, and records why. Two approvers acting at once are
    taken one after the other (row locks), so neither approves twice nor overspends.
    """
    request = _locked(request)
    fund = Fund.objects.select_for_update().get(pk=request.fund_id)
    request.fund = fund
    if request.client_id is not None:
        client_services.lock_unmerged_person(request.client_id, refusal=FundsError)
    checks = check_rules(request)
    reason = why_not_approver(request, by, checks)
    if reason is not None:
        raise FundsError(reason)
    if checks.refusals:
        raise FundsError(" ".join(checks.refusals))
    capacity = capacity_for(request, by, checks)
    assert capacity is not None  # why_not_approver said so
    if capacity == Capacity.DIRECTOR and checks.hardship_breaks and not override_reason.strip():
        raise FundsError(
            "This payment breaks a hardship rule: record why you approve it.",
            field="override_reason",
        )
    approval = Approval(
        request=request,
        capacity=capacity,
        approved_by=acting(by),
        comment=comment.strip(),
        override_reason=override_reason.strip() if capacity == Capacity.DIRECTOR else "",
    )
    save_record(approval, by=by)
    checks.given[capacity] = approval
    if checks.waiting_for:
        save_record(request, by=by, reason=f"{Capacity(capacity).label} approved")
        return request
    request.status = RequestStatus.APPROVED
    request.approved_at = timezone.now()
    save_record(request, by=by, reason="Approved")
    _tell_requester(request, "approved", f"{request.reference} was approved: it can be paid.")
    return request


@transaction.atomic
def reject_payment(request: PaymentRequest, *, reason: str, by: AnyUser) -> PaymentRequest:
    """Turn a request down, saying why.

    Rules: only someone who approves payments of this fund, never the person who asked; only a
    request still waiting; the reason is required.
    """
    if not reason.strip():
        raise FundsError(
            "Say why it is rejected: the person who asked will see it.", field="reason"
        )
    request = _locked(request)
    if not request.is_open:
        raise FundsError(f"This request is {request.get_status_display().lower()}.")
    if request.requested_by_id == by.pk:
        raise FundsError("You asked for this payment: cancel it instead.")
    if not may_reject(request, by, check_rules(request)):
        raise FundsError("Only those who approve this payment can reject it.")
    request.status = RequestStatus.REJECTED
    _close(request, reason, by)
    save_record(request, by=by, reason="Rejected")
    _tell_requester(request, "rejected", f"{request.reference} was rejected.")
    return request


def _close(request: PaymentRequest, reason: str, by: AnyUser) -> None:
    request.closed_by = acting(by)
    request.closed_at = timezone.now()
    request.close_reason = reason.strip()


@transaction.atomic
def cancel_payment(request: PaymentRequest, *, reason: str = "", by: AnyUser) -> PaymentRequest:
    """Withdraw a request that is waiting or approved but not paid: its money is released.

    Rules: the person who asked, or a coordinator; never once paid.
    """
    request = _locked(request)
    if not request.is_cancellable:
        raise FundsError(f"This request is {request.get_status_display().lower()}.")
    if not may_change(request, by):
        raise FundsError("Only the person who asked, or a coordinator, cancels a request.")
    request.status = RequestStatus.CANCELLED
    _close(request, reason, by)
    save_record(request, by=by, reason="Cancelled")
    if request.requested_by_id != by.pk:
        _tell_requester(request, "cancelled", f"{request.reference} was cancelled.")
    return request


# Paying


@transaction.atomic
def record_payment(
    request: PaymentRequest,
    *,
    paid_on: date,
    method: str,
    reference: str,
    receipt: UploadedFile | None = None,
    by: AnyUser,
) -> Payment:
    """Record that an approved request was paid, with a receipt if there is one.

    Rules: only an approved request, paid once (the database holds a request to one payment);
    the date is not in the future nor before the approval; the reference is required.
    """
    request = _locked(request)
    Fund.objects.select_for_update().get(pk=request.fund_id)
    if request.status != RequestStatus.APPROVED:
        raise FundsError(
            f"Only an approved request is paid: this one is {request.get_status_display().lower()}."
        )
    if paid_on > timezone.localdate():
        raise FundsError("The payment date cannot be in the future.", field="paid_on")
    approved_on = local_date(request.approved_at)  # type: ignore[arg-type]  # approved: it is set
    if paid_on < approved_on:
        raise FundsError(
            f"It was approved on {uk_date(approved_on)}: it cannot have been paid before.",
            field="paid_on",
        )
    if not reference.strip():
        raise FundsError("Give the payment's reference for finance.", field="reference")
    payment = Payment(
        request=request,
        amount=request.amount,
        paid_on=paid_on,
        method=method,
        reference=reference.strip(),
        recorded_by=acting(by),
    )
    save_record(payment, by=by)
    request.status = RequestStatus.PAID
    save_record(request, by=by, reason="Paid")
    if receipt is not None:
        attach_receipt(request, receipt, kind=DocumentKind.RECEIPT, by=by)
    _tell_requester(request, "paid", f"{request.reference} was paid on {uk_date(paid_on)}.")
    return payment


@transaction.atomic
def attach_receipt(
    request: PaymentRequest, upload: IO[bytes] | UploadedFile, *, kind: str, by: AnyUser
) -> Receipt:
    """Attach a receipt, invoice or quote to a request.

    Rules: PDF, JPEG or PNG, judged by the content; at most the size settings allow; not on a
    rejected or cancelled request.
    """
    request = _locked(request)
    if request.is_closed:
        raise FundsError(
            f"This request is {request.get_status_display().lower()}: nothing more is attached.",
            field="file",
        )
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    try:
        content_type = document_type(upload, size=size)
    except UploadRefused as error:
        raise FundsError(str(error), field="file") from error
    name = getattr(upload, "name", "") or "receipt"
    receipt = Receipt(
        request=request,
        kind=kind,
        original_name=name.replace("\\", "/").rsplit("/", 1)[-1][:255],
        content_type=content_type,
        size=size,
        uploaded_by=acting(by),
    )
    # Django wraps a plain file (a command's upload) itself; the stubs ask for a File.
    receipt.file.save(receipt.original_name, upload, save=False)  # type: ignore[arg-type]
    try:
        return save_record(receipt, by=by, exclude=["file"])
    except Exception:
        receipt.file.delete(save=False)
        raise


# Notifications


def visible_receipts(user: AnyUser) -> QuerySet[Receipt]:
    """Receipts are seen by those who may see receipts and the request they belong to."""
    if not access.can(user, "funds.view_receipt"):
        return Receipt.objects.none()
    return Receipt.objects.filter(
        request__in=access.visible(user, PaymentRequest.objects.all())
    ).select_related("request")


def _tell_approvers(request: PaymentRequest, needed: list[str]) -> None:
    recipients = {
        user
        for capacity in needed
        for user in notifications.holders_of(CAPACITY_PERMISSIONS[Capacity(capacity)])
        if user.pk != request.requested_by_id
    }
    notifications.notify(
        recipients,
        key=f"payment-request-{request.pk}",
        subject=f"Payment request {request.reference} to approve",
        body=f"{request.amount_label} from {request.fund} waits for approval.",
        url=reverse("funds:request_detail", args=[request.pk]),
    )


def _tell_requester(request: PaymentRequest, event: str, subject: str) -> None:
    # The subject names the request by reference only: emails never carry a person's details.
    notifications.notify(
        [request.requested_by],
        key=f"payment-{event}-{request.pk}",
        subject=subject,
        body=f"{request.amount_label} from {request.fund}.",
        url=reverse("funds:request_detail", args=[request.pk]),
    )


def month_spend(fund: Fund) -> list[tuple[date, Decimal]]:
    """What was paid from a fund in each month of its year, April to March (and any month
    after, when an approval of the year was paid late)."""
    paid = {
        (row["paid_on__year"], row["paid_on__month"]): row["total"]
        for row in Payment.objects.filter(request__fund=fund)
        .values("paid_on__year", "paid_on__month")
        .annotate(total=Sum("amount"))
    }
    months = [add_months(fund.starts, offset) for offset in range(12)]
    late = sorted(date(y, m, 1) for y, m in paid if date(y, m, 1) > fund.ends)
    return [(month, paid.get((month.year, month.month), ZERO)) for month in months + late]


def year_elapsed(fund: Fund, today: date) -> int:
    """How much of the fund's year has gone, in percent (for the burn rate beside the spend)."""
    if today < fund.starts:
        return 0
    if today > fund.ends:
        return 100
    days = (fund.ends - fund.starts + timedelta(days=1)).days
    return round(100 * ((today - fund.starts).days + 1) / days)
