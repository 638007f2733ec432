"""Funds: budgets per financial year, payment requests approved by two pairs of eyes where the
rules ask for them, the payments made, and the receipts and invoices that back them."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accommodation.models import HouseIssue, Property
from clients.models import Client
from mars.dates import financial_year, financial_year_bounds, financial_year_label
from mars.text import limited_text
from mars.uploads import size_label

USER = settings.AUTH_USER_MODEL


class MoneyDigits(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: MoneyDigits = {"max_digits": 10, "decimal_places": 2}
ZERO = Decimal("0.00")


def pounds(amount: Decimal | None) -> str:
    """An amount as the team reads it: £1,234.50."""
    return f"£{amount or ZERO:,.2f}"


class FundKind(models.TextChoices):
    TEMPORARY_ACCOMMODATION = "temporary_accommodation", "Temporary accommodation"
    PERSONAL_BUDGET = "personal_budget", "Personal budget"
    HARDSHIP = "hardship", "Hardship"
    PROPERTY = "mars_house_property", "MARS House property"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


def _total(status: str) -> Coalesce:
    return Coalesce(
        Sum("requests__amount", filter=Q(requests__status=status)),
        ZERO,
        output_field=models.DecimalField(**MONEY),
    )


class FundQuerySet(models.QuerySet["Fund"]):
    def for_year(self, year: int) -> FundQuerySet:
        return self.filter(year=year)

    def taking_requests(self, today: date) -> FundQuerySet:
        """Funds whose financial year has not ended: this year's, and any set up for next year."""
        return self.filter(year__gte=financial_year(today))

    def with_totals(self) -> FundQuerySet:
        """Each fund with what is waiting for approval, committed (approved, not paid) and paid."""
        return self.annotate(
            waiting=_total(RequestStatus.REQUESTED),
            committed=_total(RequestStatus.APPROVED),
            paid=_total(RequestStatus.PAID),
        )


class Fund(models.Model):
    """A budget for one financial year, with the rules its payments are approved by."""

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=30, choices=FundKind.choices)
    year = models.PositiveSmallIntegerField(
        "financial year",
        help_text="The year it starts: 2026 for 1 April 2026 to 31 March 2027.",
    )
    budget = models.DecimalField(max_digits=12, decimal_places=2)
    approval_threshold = models.DecimalField(
        **MONEY, help_text="Above this amount the director approves as well as the coordinator."
    )
    per_person_limit = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        help_text="The most one person may receive from this fund in its year (blank: no limit).",
    )
    hardship_largest_payment = models.DecimalField(
        "largest single payment",
        **MONEY,
        null=True,
        blank=True,
        help_text="Hardship funds: a larger payment needs the director, who records why.",
    )
    hardship_most_payments = models.PositiveSmallIntegerField(
        "most payments per person in 12 months",
        null=True,
        blank=True,
        help_text="Hardship funds: more payments need the director, who records why.",
    )
    notes = limited_text(blank=True)
    history = HistoricalRecords()

    objects = FundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "year"],
                name="fund_name_unique_per_year",
                violation_error_message="There is already a fund with this name for this year.",
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0) & Q(approval_threshold__gte=0),
                name="fund_amounts_not_negative",
                violation_error_message="The budget and threshold cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(per_person_limit__isnull=True) | Q(per_person_limit__gt=0),
                name="fund_person_limit_positive",
                violation_error_message="A limit per person must be more than £0.",
            ),
            models.CheckConstraint(
                condition=Q(kind=FundKind.HARDSHIP)
                | Q(hardship_largest_payment__isnull=True, hardship_most_payments__isnull=True),
                name="fund_hardship_rules_only_for_hardship",
                violation_error_message="Only a hardship fund has hardship rules.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="fund_year_plausible",
                violation_error_message="Give the year the fund starts, for example 2026.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year_label}"

    def get_absolute_url(self) -> str:
        return reverse("funds:fund_detail", args=[self.pk])

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)

    @property
    def starts(self) -> date:
        return financial_year_bounds(self.year)[0]

    @property
    def ends(self) -> date:
        return financial_year_bounds(self.year)[1]

    @property
    def is_property(self) -> bool:
        return self.kind == FundKind.PROPERTY

    @property
    def is_hardship(self) -> bool:
        return self.kind == FundKind.HARDSHIP

    @property
    def remaining(self) -> Decimal:
        """The budget not yet committed or paid (needs with_totals())."""
        return self.budget - self.committed - self.paid  # type: ignore[attr-defined]  # with_totals()

    def totals(self) -> dict[str, Decimal]:
        """Waiting, committed, paid and remaining, read fresh from the database."""
        totals = Fund.objects.with_totals()
        # The checker cannot see with_totals()'s annotations.
        row = totals.values("waiting", "committed", "paid").get(pk=self.pk)  # type: ignore[misc]
        return {**row, "remaining": self.budget - row["committed"] - row["paid"]}


class Capacity(models.TextChoices):
    """The part an approver plays: each request needs one or more, each from another person."""

    COORDINATOR = "coordinator", "Coordinator"
    DIRECTOR = "director", "Director"
    RESETTLEMENT_MANAGER = "resettlement_manager", "Resettlement manager"


# The permission that lets a user approve in each capacity.
CAPACITY_PERMISSIONS = {
    Capacity.COORDINATOR: "funds.approve_paymentrequest",
    Capacity.DIRECTOR: "funds.approve_large_paymentrequest",
    Capacity.RESETTLEMENT_MANAGER: "funds.approve_property_paymentrequest",
}


class PaymentRequestQuerySet(models.QuerySet["PaymentRequest"]):
    def counting(self) -> PaymentRequestQuerySet:
        """Requests whose money is spoken for: approved or paid."""
        return self.filter(status__in=[RequestStatus.APPROVED, RequestStatus.PAID])

    def waiting(self) -> PaymentRequestQuerySet:
        return self.filter(status=RequestStatus.REQUESTED)


class PaymentRequest(models.Model):
    """Money asked for from a fund: for a person, or (MARS House property spend) for a house."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="requests")
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_requests",
        verbose_name="person",
    )
    house = models.ForeignKey(
        Property,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_requests",
        help_text="Property spend: the house it is for.",
    )
    issue = models.ForeignKey(
        HouseIssue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_requests",
        help_text="Property spend: the repair or issue it pays for, if any.",
    )
    amount = models.DecimalField(**MONEY, help_text="In pounds, for example 45.50.")
    purpose = limited_text(help_text="What it is for and why it is needed.")
    payee = models.CharField(max_length=200, help_text="Who is paid: a supplier, landlord, shop.")
    needed_by = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who rejected or cancelled it.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = limited_text("reason", blank=True)
    history = HistoricalRecords()

    objects = PaymentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        permissions = [
            ("approve_paymentrequest", "Approve payment requests (coordinator)"),
            (
                "approve_large_paymentrequest",
                "Approve payment requests above the threshold or past a hardship rule (director)",
            ),
            (
                "approve_property_paymentrequest",
                "Approve MARS House property spend (resettlement manager)",
            ),
            ("pay_paymentrequest", "Record payments"),
            ("export_paymentrequest", "Export payments for finance"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_request_amount_positive",
                violation_error_message="The amount must be more than £0.",
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=True) | Q(house__isnull=True, issue__isnull=True),
                name="payment_request_person_or_property",
                violation_error_message="A request is for a person or for a property, not both.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[RequestStatus.APPROVED, RequestStatus.PAID])
                | Q(approved_at__isnull=False),
                name="payment_request_approved_when",
                violation_error_message="An approved request records when it was approved.",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.REJECTED)
                | (Q(closed_by__isnull=False, closed_at__isnull=False) & ~Q(close_reason="")),
                name="payment_request_rejected_with_reason",
                violation_error_message="A rejected request records who rejected it and why.",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.CANCELLED) | Q(closed_at__isnull=False),
                name="payment_request_cancelled_when",
                violation_error_message="A cancelled request records when it was cancelled.",
            ),
        ]
        indexes = [models.Index(fields=["fund", "status"])]

    def __str__(self) -> str:
        return f"{self.reference}: {pounds(self.amount)} from {self.fund}"

    def get_absolute_url(self) -> str:
        return reverse("funds:request_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"PAY-{self.pk:06d}" if self.pk else "New request"

    @property
    def amount_label(self) -> str:
        return pounds(self.amount)

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.REQUESTED

    @property
    def is_changeable(self) -> bool:
        """A request can be changed only until someone approves any part of it."""
        return self.is_open and not self.approvals.all()

    @property
    def is_approved(self) -> bool:
        return self.status == RequestStatus.APPROVED

    @property
    def is_cancellable(self) -> bool:
        """A request can be cancelled while it waits or is approved, never once paid."""
        return self.status in (RequestStatus.REQUESTED, RequestStatus.APPROVED)

    @property
    def is_paid(self) -> bool:
        return self.status == RequestStatus.PAID

    @property
    def is_closed(self) -> bool:
        return self.status in (RequestStatus.REJECTED, RequestStatus.CANCELLED)


class Approval(models.Model):
    """One person's approval of a request, in one capacity: the four eyes, kept."""

    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="approvals")
    capacity = models.CharField(max_length=24, choices=Capacity.choices)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)
    comment = limited_text(blank=True)
    override_reason = limited_text(
        "why past a hardship rule",
        blank=True,
        help_text="The director's reason for approving a payment that breaks a hardship rule.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["approved_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "capacity"],
                name="approval_once_per_capacity",
                violation_error_message="This approval has already been given.",
            ),
            models.UniqueConstraint(
                fields=["request", "approved_by"],
                name="approval_once_per_person",
                violation_error_message="One person gives one approval of a request.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_capacity_display()} approval of {self.request.reference}"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CARD = "card", "Payment card"
    CASH = "cash", "Cash"
    CHEQUE = "cheque", "Cheque"
    VOUCHER = "voucher", "Voucher"
    PURCHASE_ORDER = "purchase_order", "Purchase order"


class PaymentQuerySet(models.QuerySet["Payment"]):
    def between(self, first: date, last: date) -> PaymentQuerySet:
        return self.filter(paid_on__gte=first, paid_on__lte=last)


class Payment(models.Model):
    """The payment of an approved request: one, never two (the database holds it to one)."""

    request = models.OneToOneField(PaymentRequest, on_delete=models.PROTECT, related_name="payment")
    amount = models.DecimalField(**MONEY)
    paid_on = models.DateField()
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(
        max_length=100, help_text="The bank, card, cheque or receipt reference finance will see."
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message="The amount must be more than £0.",
            ),
        ]

    def __str__(self) -> str:
        return f"{pounds(self.amount)} paid {self.paid_on:%d/%m/%Y} ({self.request.reference})"

    def get_absolute_url(self) -> str:
        return self.request.get_absolute_url()


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    INVOICE = "invoice", "Invoice"
    QUOTE = "quote", "Quote"
    OTHER = "other", "Other"


def receipt_storage() -> Storage:
    """Private storage, outside the static area: files are served only through a checked view."""
    return storages["receipts"]


def receipt_path(instance: Receipt, filename: str) -> str:
    # The stored name is random, with the extension of the type found in the content: the
    # uploaded name is kept only as text, and never touches the file system.
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
    today = timezone.localdate()
    return f"{today:%Y/%m}/{uuid.uuid4().hex}.{extension[instance.content_type]}"


class Receipt(models.Model):
    """A receipt, invoice or quote attached to a request: PDF, JPEG or PNG."""

    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(
        max_length=10, choices=DocumentKind.choices, default=DocumentKind.RECEIPT
    )
    file = models.FileField(storage=receipt_storage, upload_to=receipt_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("funds:receipt_download", args=[self.pk])

    @property
    def size_label(self) -> str:
        return size_label(self.size)


# Hardship assessments: before a payment from a hardship fund, in line with the procedure.


class HardshipQuestion(models.Model):
    """One of the procedure's questions, kept by the administrator; answers keep its text."""

    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Asked on new assessments.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Tried(models.TextChoices):
    TRIED = "tried", "Tried"
    NOT_TRIED = "not_tried", "Not tried"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


# What else a person could turn to before a hardship payment: (field, label).
OTHER_HELP = [
    ("benefits", "Benefits (an advance, a short-term benefit advance, a budgeting loan)"),
    ("local_welfare", "Local welfare assistance"),
    ("food_bank", "Food bank"),
    ("other_funds", "Other funds or charities"),
]


class Recommendation(models.TextChoices):
    AUTHORISE = "authorise", "Authorise"
    DIRECTOR = "director", "Recommend to the director"
    DECLINE = "decline", "Decline"


def _tried_field(label: str) -> models.CharField[str, str]:
    return models.CharField(label, max_length=16, choices=Tried.choices)


class HardshipAssessment(models.Model):
    """A hardship payment assessed in line with the procedure: what happened, what else was
    tried, what is asked for and the assessor's recommendation. Authorise and recommend to the
    director make the payment request; a decline is kept with its reason."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="hardship_assessments", verbose_name="person"
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="assessments")
    circumstances = limited_text(help_text="What has happened and why the money is needed now.")
    benefits = _tried_field("benefits")
    benefits_note = limited_text("note", blank=True)
    local_welfare = _tried_field("local welfare assistance")
    local_welfare_note = limited_text("note", blank=True)
    food_bank = _tried_field("food bank")
    food_bank_note = limited_text("note", blank=True)
    other_funds = _tried_field("other funds")
    other_funds_note = limited_text("note", blank=True)
    amount = models.DecimalField(**MONEY, help_text="In pounds, for example 45.50.")
    purpose = limited_text("what it is for")
    payee = models.CharField(max_length=200, help_text="Who is paid: a supplier, shop, utility.")
    rules = limited_text(
        "the fund's rules that applied",
        blank=True,
        help_text="The fund's hardship rules and what the person had had, as they stood.",
    )
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    reason = limited_text(help_text="Why: the approver, or the person declined, reads it.")
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    request = models.OneToOneField(
        PaymentRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hardship_assessment",
        verbose_name="payment request",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="hardship_assessment_amount_positive",
                violation_error_message="The amount must be more than £0.",
            ),
            models.CheckConstraint(
                condition=~Q(recommendation=Recommendation.DECLINE) | Q(request__isnull=True),
                name="hardship_decline_makes_no_request",
                violation_error_message="A declined assessment asks for no payment.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {pounds(self.amount)} for {self.client.reference}"

    def get_absolute_url(self) -> str:
        return reverse("funds:assessment_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"HA-{self.pk:06d}" if self.pk else "New assessment"

    @property
    def amount_label(self) -> str:
        return pounds(self.amount)

    @property
    def is_declined(self) -> bool:
        return self.recommendation == Recommendation.DECLINE

    def other_help(self) -> list[tuple[str, str, str]]:
        """What else was tried: (label, tried or not, note) for each kind of help."""
        return [
            (
                label.split(" (")[0],
                getattr(self, f"get_{name}_display")(),
                getattr(self, f"{name}_note"),
            )
            for name, label in OTHER_HELP
        ]


class HardshipAnswer(models.Model):
    """An answer to one of the procedure's questions, with the question as it was asked."""

    assessment = models.ForeignKey(
        HardshipAssessment, on_delete=models.PROTECT, related_name="answers"
    )
    question = models.ForeignKey(
        HardshipQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question_text = models.CharField("question", max_length=300)
    answer = limited_text()
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.question_text
