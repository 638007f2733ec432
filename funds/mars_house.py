"""What funds adds to MARS House's pages: the property fund's spend, and a repair's payments."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from accommodation.mars_house_page import IssueAdditions
from accommodation.models import HouseIssue, PropertyType
from funds.models import Fund, FundKind, PaymentRequest
from mars import access
from mars.registry import Part


def property_spend(user: access.AnyUser, today: date) -> Part | None:
    """This year's property funds: paid, committed, waiting and remaining."""
    funds = (
        access.visible(user, Fund.objects.all())
        .filter(kind=FundKind.PROPERTY)
        .taking_requests(today)
        .with_totals()
    )
    if not funds:
        return None
    return Part("funds/_mars_house_spend.html", {"property_funds": funds})


def issue_payments(user: access.AnyUser, issue: HouseIssue) -> IssueAdditions:
    """A repair's payments, and (for MARS House) asking for its cost from its page."""
    additions = IssueAdditions()
    if issue.property.type == PropertyType.MARS_HOUSE and access.can(
        user, "funds.add_paymentrequest"
    ):
        # Property spend goes through funds: a repair's cost is asked for from its page.
        additions.actions.append(
            ("Ask for property spend", reverse("funds:property_request") + f"?issue={issue.pk}")
        )
    payments = access.visible(user, PaymentRequest.objects.all()).filter(issue=issue)
    additions.rows += [(f"Payment {r.get_status_display().lower()}", r) for r in payments]
    return additions
