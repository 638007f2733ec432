"""What waits past its time in accommodation: A2A referrals the panel has not decided, and
MARS House referrals the coordinator has not decided, after their days (REFERRAL_RESPONSE_DAYS)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, timedelta

from accommodation.models import MARS_HOUSE_UNDECIDED, A2AReferral, MarsHouseReferral
from mars.waiting import ReferralKind, Waiting, response_days


def overdue(today: date, owners: Collection[int] | None = None) -> Iterator[Waiting]:
    """A2A referrals waiting for the panel (its decisions are the coordinators', the owner left
    empty), MARS House referrals waiting for the coordinator's decision: no worker owns them."""
    if owners is not None:
        return
    a2a_made_before = today - timedelta(days=response_days(ReferralKind.A2A))
    for referral in (
        A2AReferral.objects.waiting()
        .filter(referred_on__lt=a2a_made_before, client__merged_into__isnull=True)
        .select_related("client")
    ):
        yield Waiting(
            key=f"a2a-referral:{referral.pk}",
            kind="A2A referral",
            title=f"{referral.client.reference}: A2A panel decision",
            url=referral.get_absolute_url(),
            since=referral.referred_on,
            due=referral.response_due,
            owner_label="The A2A panel",
            client_id=referral.client_id,
            reference=referral.client.reference,
        )
    house_received_before = today - timedelta(days=response_days(ReferralKind.MARS_HOUSE))
    for house in MarsHouseReferral.objects.filter(
        status__in=MARS_HOUSE_UNDECIDED,
        received_on__lt=house_received_before,
        client__merged_into__isnull=True,
    ).select_related("client"):
        yield Waiting(
            key=f"mars-house-referral:{house.pk}",
            kind="MARS House referral",
            title=f"{house.client.reference}: MARS House decision",
            url=house.get_absolute_url(),
            since=house.received_on,
            due=house.response_due,
            client_id=house.client_id,
            reference=house.client.reference,
        )
