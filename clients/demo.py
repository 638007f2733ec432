"""Demo referrals past their time (the waiting list's and the referral timers'): one to a
partner not answered after its ten days, one from a partner MARS has not answered in its two."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import User

from clients.consent import LawfulBasis
from clients.models import Agency, Client, Referral, ReferralDirection, ReferralStatus
from clients.services import save_person_record

# (direction, days ago, reason): each past its REFERRAL_RESPONSE_DAYS by a few days.
LATE = [
    (ReferralDirection.OUT, 14, "Mental health assessment: no answer from the team yet"),
    (ReferralDirection.IN, 5, "Found bedded down by the police: asked for a street assessment"),
]


def load(today: date, users: dict[str, User], agencies: dict[str, Agency]) -> dict[str, int]:
    """Add the late referrals to a person of the support worker's caseload, once."""
    worker = users["support"]
    person = Client.objects.active().filter(key_worker=worker).order_by("pk").first()
    agency = next(iter(agencies.values()), None)
    if person is None or agency is None:
        return {}
    added = 0
    for direction, days, reason in LATE:
        if Referral.objects.filter(client=person, reason=reason).exists():
            continue
        referral = Referral(
            client=person,
            direction=direction,
            agency=agency,
            referred_on=today - timedelta(days=days),
            reason=reason,
            status=ReferralStatus.SENT,
            created_by=worker,
        )
        # Through the service, as a worker's referral is: where the demo person's consent does
        # not cover the agency, the basis is recorded as sharing without consent.
        save_person_record(
            referral,
            by=worker,
            basis=LawfulBasis.SAFEGUARDING,
            basis_reason="An assessment of the person's mental health is needed urgently.",
        )
        added += 1
    return {"referrals past their time": added}
