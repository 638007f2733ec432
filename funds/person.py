"""What a person's page shows of funds: their payment requests and what was paid this year."""

from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone

from clients.models import Client
from funds.models import HardshipAssessment, PaymentRequest, RequestStatus
from mars import access
from mars.dates import financial_year
from mars.person_page import PersonSection


def section(client: Client, user: access.AnyUser) -> PersonSection | None:
    if not access.can(user, access.perm(PaymentRequest, "view")):
        return None
    requests = (
        access.visible(user, PaymentRequest.objects.all())
        .filter(client=client)
        .select_related("fund")
    )
    year = financial_year(timezone.localdate())
    paid = requests.filter(status=RequestStatus.PAID, fund__year=year).aggregate(t=Sum("amount"))
    return PersonSection(
        id="payments",
        title="Payments",
        template="funds/_person_section.html",
        context={
            "requests": requests[:10],
            "paid_this_year": paid["t"],
            "can_ask": access.can_add_for(user, PaymentRequest) and not client.is_merged,
        },
    )


def hardship_section(client: Client, user: access.AnyUser) -> PersonSection | None:
    """The person's hardship assessments: what was recommended and, for a decline, why."""
    if not access.can(user, access.perm(HardshipAssessment, "view")):
        return None
    assessments = (
        access.visible(user, HardshipAssessment.objects.all())
        .filter(client=client)
        .select_related("fund", "request")
    )
    return PersonSection(
        id="hardship",
        title="Hardship assessments",
        template="funds/_person_hardship.html",
        context={
            "assessments": assessments[:10],
            "can_assess": access.can_add_for(user, HardshipAssessment) and not client.is_merged,
        },
    )
