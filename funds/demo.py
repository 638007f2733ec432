"""Demo funds: this financial year's four funds with spend month by month since April, and
requests in every state (waiting for each approver, past a hardship rule, approved to pay, paid
with receipts, rejected, cancelled). Every hardship payment comes from a hardship assessment, as
the procedure asks: the paid ones authorised, one recommended to the director (waiting for them),
and one declined with its reason.

Everything goes through funds.services, as the team's would. Past payments are then backdated
with a queryset update (their request, approvals and approval date moved to the month they were
paid), because the services rightly date an approval now and refuse a payment before its
approval. Those past requests keep no notifications: nobody needs told today of April's payments.
"""

from __future__ import annotations

import io
import itertools
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db.models import Sum
from django.utils import timezone
from PIL import Image, ImageDraw

from accommodation.models import HouseIssue, Property, PropertyType
from clients.models import Client, ClientStatus
from funds import hardship, services
from funds.models import (
    Approval,
    DocumentKind,
    Fund,
    FundKind,
    HardshipAssessment,
    HardshipQuestion,
    PaymentMethod,
    PaymentRequest,
    Recommendation,
    RequestStatus,
    Tried,
)
from mars.dates import add_months, financial_year
from mars.models import Notification

FUNDS = [
    # name, kind, budget, threshold, per person, hardship largest, hardship most
    ("Temporary accommodation", FundKind.TEMPORARY_ACCOMMODATION, "24000", "500", None, None, None),
    ("Personal budgets", FundKind.PERSONAL_BUDGET, "4000", "250", "750", None, None),
    ("Hardship", FundKind.HARDSHIP, "1200", "100", None, "50", 3),
    ("MARS House property", FundKind.PROPERTY, "6000", "1000", None, None, None),
]

# What each fund pays for: payee, purpose, lowest and highest amount, method.
SPEND = {
    FundKind.TEMPORARY_ACCOMMODATION: [
        ("Harbourside Guest House", "Emergency B&B, 3 nights while a hostel bed comes up", 75, 180),
        ("Station Road B&B", "B&B for a week after eviction from a tent", 140, 320),
        ("Premier Inn Plymouth City Centre", "SWEP night: room for one", 45, 95),
        ("Citadel Lodge", "Deposit and first week in temporary room", 180, 450),
    ],
    FundKind.PERSONAL_BUDGET: [
        ("Argos", "Kettle, bedding and towels for the new flat", 35, 120),
        ("Primark", "Clothes and shoes for a job interview", 25, 80),
        ("Plymouth Citybus", "Monthly bus pass to attend treatment", 40, 60),
        ("Boots Opticians", "Glasses after an eye test", 30, 90),
        ("Currys", "Second-hand fridge for the tenancy", 80, 220),
        ("DVLA and Passport Office", "ID documents for a bank account", 30, 95),
    ],
    FundKind.HARDSHIP: [
        ("Tesco", "Food until the first Universal Credit payment", 15, 40),
        ("Post Office PayPoint", "Electricity top-up: no credit left", 10, 30),
        ("Co-op", "Food and toiletries after discharge from hospital", 15, 35),
        ("Plymouth Citybus", "Fare to a housing appointment", 5, 12),
    ],
    FundKind.PROPERTY: [
        ("Ace Plumbing & Heating", "Repair to the boiler pump", 180, 650),
        ("City Locksmiths", "New locks after a key went missing", 90, 180),
        ("Citadel Decorators", "Redecorate a void room before the next sign-up", 250, 700),
        ("Safe Electrics Ltd", "Annual electrical safety check", 150, 300),
    ],
}
METHODS = {
    FundKind.TEMPORARY_ACCOMMODATION: (PaymentMethod.PURCHASE_ORDER, "PO"),
    FundKind.PERSONAL_BUDGET: (PaymentMethod.CARD, "CARD"),
    FundKind.HARDSHIP: (PaymentMethod.VOUCHER, "VCH"),
    FundKind.PROPERTY: (PaymentMethod.BANK_TRANSFER, "BACS"),
}
# The hardship procedure's questions, as the administrator first sets them.
QUESTIONS = [
    "Is the need immediate (today or in the next two days)?",
    "Has the person been told this is not a loan and how it will be paid (voucher, top-up)?",
    "Could the payee be paid directly rather than giving cash?",
]

PAID_PER_MONTH = {
    FundKind.TEMPORARY_ACCOMMODATION: 8,
    FundKind.PERSONAL_BUDGET: 4,
    FundKind.HARDSHIP: 4,
    FundKind.PROPERTY: 2,
}


def receipt_file(reference: str, payee: str, amount: Decimal, pdf: bool) -> ContentFile:
    """A small receipt drawn for the demo: a real PNG or PDF the upload checks accept."""
    picture = Image.new("RGB", (360, 160), "white")
    pen = ImageDraw.Draw(picture)
    for line, text in enumerate([payee, f"Receipt for {reference}", f"Total £{amount:,.2f}"]):
        pen.text((16, 20 + 40 * line), text, fill="black")
    out = io.BytesIO()
    picture.save(out, "PDF" if pdf else "PNG")
    return ContentFile(out.getvalue(), name=f"receipt-{reference}.{'pdf' if pdf else 'png'}")


def load(today: date, users: dict[str, User]) -> dict[str, int]:
    """Create this year's funds and their requests unless there are funds already."""
    if Fund.objects.exists():
        return {}
    for order, text in enumerate(QUESTIONS):
        hardship.save_question(HardshipQuestion(text=text, order=order), by=None)
    coordinator, director = users["coordinator"], users["director"]
    askers = [users["support"], users["outreach"]]
    resettlement = users["resettlement"]
    year = financial_year(today)
    funds = {}
    for name, kind, budget, threshold, per_person, largest, most in FUNDS:
        funds[kind] = services.save_fund(
            Fund(
                name=name,
                kind=kind,
                year=year,
                budget=Decimal(budget),
                approval_threshold=Decimal(threshold),
                per_person_limit=Decimal(per_person) if per_person else None,
                hardship_largest_payment=Decimal(largest) if largest else None,
                hardship_most_payments=most,
            ),
            by=coordinator,
        )
    people = list(
        Client.objects.active()
        .exclude(status=ClientStatus.DECEASED)
        .order_by("last_name", "first_name")
    )
    house = Property.objects.filter(type=PropertyType.MARS_HOUSE).first()
    rng = random.Random(2027)
    # People take turns, so nobody nears a fund's limit per person or the hardship rules.
    turns = itertools.cycle(people)

    def ask(kind: FundKind, by: User, *, amount: Decimal | None = None, **fields: Any) -> Any:
        payee, purpose, low, high = rng.choice(SPEND[kind])
        property_spend = kind == FundKind.PROPERTY
        request = PaymentRequest(
            fund=funds[kind],
            client=None if property_spend else fields.pop("client", None) or next(turns),
            house=house if property_spend else None,
            amount=amount or Decimal(rng.randint(low * 4, high * 4)) / 4,
            payee=fields.pop("payee", payee),
            purpose=fields.pop("purpose", purpose),
            **fields,
        )
        if kind == FundKind.HARDSHIP:
            return _assess(request, by).request
        return services.request_payment(request, by=by)

    def approve_all(request: PaymentRequest, reason: str = "") -> PaymentRequest:
        checks = services.check_rules(request)
        for capacity in checks.waiting_for:
            approver = {"coordinator": coordinator, "director": director}.get(
                capacity, resettlement
            )
            request = services.approve_payment(request, override_reason=reason, by=approver)
        return request

    # Spend since April: each month's payments, approved and paid in that month.
    past = []
    month = funds[FundKind.PERSONAL_BUDGET].starts
    while month <= today:
        for kind, count in PAID_PER_MONTH.items():
            for _ in range(count):
                paid_on = min(month + timedelta(days=rng.randint(0, 27)), today - timedelta(1))
                if paid_on < month:
                    continue
                request = ask(kind, rng.choice(askers))
                checks = services.check_rules(request)
                if checks.refusals or checks.hardship_breaks or _leaves_too_little(request):
                    services.cancel_payment(request, reason="Asked twice", by=coordinator)
                    past.append(request)
                    continue
                request = approve_all(request)
                past.append(_backdate(request, paid_on))
                method, prefix = METHODS[kind]
                payment = services.record_payment(
                    request,
                    paid_on=paid_on,
                    method=method,
                    reference=f"{prefix} {paid_on:%y%m}-{request.pk:04d}",
                    by=coordinator,
                )
                if request.pk % 3 == 0:
                    services.attach_receipt(
                        request,
                        receipt_file(
                            request.reference,
                            request.payee,
                            payment.amount,
                            kind == FundKind.PROPERTY,
                        ),
                        kind=DocumentKind.RECEIPT,
                        by=coordinator,
                    )
        month = add_months(month, 1)
    # Past requests carry no notifications (and so send no emails): they are months old.
    Notification.objects.filter(url__in=[r.get_absolute_url() for r in past]).delete()

    support, outreach = users["support"], users["outreach"]
    # Waiting for the coordinator.
    ask(
        FundKind.TEMPORARY_ACCOMMODATION,
        outreach,
        amount=Decimal("135.00"),
        needed_by=today + timedelta(days=1),
        payee="Harbourside Guest House",
        purpose="Two nights B&B: found bedded down in the car park, wants to come in tonight",
    )
    ask(
        FundKind.PERSONAL_BUDGET,
        support,
        amount=Decimal("64.99"),
        payee="Argos",
        purpose="Bedding and a kettle for the move into MARS House",
    )
    ask(
        FundKind.HARDSHIP,
        support,
        amount=Decimal("25.00"),
        payee="Tesco",
        purpose="Food until the first Universal Credit payment next week",
    )
    # Above the threshold: the coordinator has approved, the director has not.
    big = ask(
        FundKind.TEMPORARY_ACCOMMODATION,
        support,
        amount=Decimal("640.00"),
        payee="Citadel Lettings",
        purpose="Deposit and rent in advance for a private let",
    )
    services.approve_payment(big, comment="Tenancy ready to sign on Friday.", by=coordinator)
    # Past a hardship rule (more than the largest payment) and recommended to the director:
    # the coordinator has approved; it waits for the director's reason.
    over = _assess(
        PaymentRequest(
            fund=funds[FundKind.HARDSHIP],
            client=next(turns),
            amount=Decimal("80.00"),
            payee="Post Office PayPoint",
            purpose="Gas and electricity top-up for a family of three after a flood",
        ),
        outreach,
        recommendation=Recommendation.DIRECTOR,
        reason="More than the largest payment, but the flood left them with no heating and a "
        "baby: I recommend it to the director.",
    ).request
    assert over is not None
    services.approve_payment(over, by=coordinator)
    # Declined, and kept with its reason.
    _assess(
        PaymentRequest(
            fund=funds[FundKind.HARDSHIP],
            client=next(turns),
            amount=Decimal("40.00"),
            payee="Argos",
            purpose="A mobile phone",
        ),
        support,
        recommendation=Recommendation.DECLINE,
        reason="Not a hardship need: the phone project at the day centre gives phones free.",
    )
    # MARS House property spend: one waiting for both approvers, one for the resettlement manager.
    issue = HouseIssue.objects.filter(property=house).first() if house else None
    if house is not None:
        ask(
            FundKind.PROPERTY,
            support,
            amount=Decimal("1240.00"),
            payee="Ace Plumbing & Heating",
            purpose="Replace the boiler: engineer condemned it",
            issue=issue,
        )
        locks = ask(
            FundKind.PROPERTY,
            support,
            amount=Decimal("145.00"),
            payee="City Locksmiths",
            purpose="New front-door lock after a key went missing",
        )
        services.approve_payment(locks, by=coordinator)
    # Approved, to pay.
    for _ in range(2):
        approve_all(ask(FundKind.PERSONAL_BUDGET, rng.choice(askers)))
    # Rejected and cancelled.
    declined = ask(
        FundKind.PERSONAL_BUDGET,
        outreach,
        amount=Decimal("210.00"),
        payee="Currys",
        purpose="Television for the flat",
    )
    services.reject_payment(
        declined, reason="Not an essential item: ask the furniture project.", by=coordinator
    )
    dropped = ask(FundKind.TEMPORARY_ACCOMMODATION, support, amount=Decimal("90.00"))
    services.cancel_payment(dropped, reason="A hostel bed came up the same day.", by=support)
    counts = PaymentRequest.objects.values_list("status", flat=True)
    return {
        "hardship assessments": HardshipAssessment.objects.count(),
        "funds": len(funds),
        "payment requests": len(counts),
        "payments": sum(1 for s in counts if s == RequestStatus.PAID),
    }


def _assess(
    request: PaymentRequest,
    by: User,
    *,
    recommendation: str = Recommendation.AUTHORISE,
    reason: str = "Essential, and nothing else could help in time.",
) -> HardshipAssessment:
    """A hardship assessment of what `request` asks for (not yet saved): authorised unless
    told otherwise, in which case the service asks for the payment."""
    assessment = HardshipAssessment(
        client=request.client,
        fund=request.fund,
        circumstances=f"Needs: {request.purpose.lower()}. No money until the next benefit payment.",
        benefits=Tried.TRIED,
        benefits_note="Universal Credit advance asked for: not in time.",
        local_welfare=Tried.TRIED,
        local_welfare_note="The council's scheme had no appointment this week.",
        food_bank=Tried.NOT_APPLICABLE if "food" not in request.purpose.lower() else Tried.TRIED,
        other_funds=Tried.NOT_TRIED,
        amount=request.amount,
        purpose=request.purpose,
        payee=request.payee,
        recommendation=recommendation,
        reason=reason,
    )
    answers = {question.pk: "Yes." for question in hardship.questions()}
    return hardship.assess_hardship(assessment, answers=answers, by=by)


def _leaves_too_little(request: PaymentRequest) -> bool:
    """Past spend keeps a quarter of each budget for the requests made today: late in the
    financial year a fund spent to its budget would refuse them."""
    counted = PaymentRequest.objects.filter(fund=request.fund).counting()
    spent = counted.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return spent + request.amount > request.fund.budget * Decimal("0.75")


def _backdate(request: PaymentRequest, paid_on: date) -> PaymentRequest:
    """Move an approved request's dates back to the month it was paid."""
    asked = timezone.make_aware(datetime.combine(paid_on, time(9, 15)))
    approved = asked + timedelta(hours=2, minutes=30)
    PaymentRequest.objects.filter(pk=request.pk).update(requested_at=asked, approved_at=approved)
    Approval.objects.filter(request=request).update(approved_at=approved)
    HardshipAssessment.objects.filter(request=request).update(
        assessed_at=asked - timedelta(minutes=20)
    )
    request.refresh_from_db()
    return request
