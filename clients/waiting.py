"""What waits past its time in people's records: referrals not answered in their days
(REFERRAL_RESPONSE_DAYS by direction) and support plans past their review date."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, DateField, ExpressionWrapper, F, Value, When

from clients.models import ClientStatus, Referral, ReferralDirection, ReferralStatus, SupportPlan
from mars.waiting import Waiting, owned_by


def _answer_due() -> Case:
    """A referral's answer's due date, by direction, in the database."""
    days = settings.REFERRAL_RESPONSE_DAYS
    return Case(
        *(
            When(
                direction=direction,
                then=ExpressionWrapper(
                    F("referred_on") + Value(timedelta(days=days[direction])),
                    output_field=DateField(),
                ),
            )
            for direction in ReferralDirection.values
        ),
        output_field=DateField(),
    )


def overdue(today: date, owners: Collection[int] | None = None) -> Iterator[Waiting]:
    """Referrals still waiting for their answer after their days; support plans in force whose
    review date has passed (the key worker's, the coordinators' when there is none)."""
    referrals = (
        Referral.objects.filter(status=ReferralStatus.SENT, client__merged_into__isnull=True)
        .alias(answer_due=_answer_due())
        .filter(owned_by(owners, "client__key_worker"), answer_due__lt=today)
        .select_related("client__key_worker", "agency")
    )
    for referral in referrals:
        client = referral.client
        way = "from" if referral.direction == ReferralDirection.IN else "to"
        yield Waiting(
            key=f"referral:{referral.pk}",
            kind=f"Referral {referral.direction}",
            title=f"{client.reference}: referral {way} {referral.agency.name}",
            url=referral.get_absolute_url(),
            since=referral.referred_on,
            due=referral.response_due,
            owner=client.key_worker,
            client_id=client.pk,
            reference=client.reference,
        )
    plans = (
        SupportPlan.objects.in_force_on(today)
        .filter(
            owned_by(owners, "client__key_worker"),
            review_date__lt=today,
            client__merged_into__isnull=True,
        )
        .exclude(client__status=ClientStatus.DECEASED)
        .select_related("client__key_worker")
    )
    for plan in plans:
        assert plan.review_date is not None
        yield Waiting(
            key=f"support-plan-review:{plan.pk}",
            kind="Support plan review",
            title=f"{plan.client.reference}: support plan review",
            url=plan.get_absolute_url(),
            since=plan.review_date,
            due=plan.review_date,
            owner=plan.client.key_worker,
            client_id=plan.client_id,
            reference=plan.client.reference,
        )
