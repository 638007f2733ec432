"""What waits past its time in data protection: subject access requests near their legal
deadline (one month from receipt, or the extension's: UK GDPR Art. 12(3)) or past it."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, timedelta

from django.db.models import F
from django.db.models.functions import Coalesce

from mars.waiting import Waiting
from rights.models import SubjectAccessRequest

# A request shows on the waiting list this many days before its legal deadline: by then the
# search and the export should be done, and a week is what redaction and sending take.
NOTICE_DAYS = 7


def overdue(today: date, owners: Collection[int] | None = None) -> Iterator[Waiting]:
    """Open requests whose deadline is within NOTICE_DAYS or has passed: the coordinators'
    (no worker owns them). Due on the legal deadline, listed from NOTICE_DAYS before it."""
    if owners is not None:
        return
    requests = (
        SubjectAccessRequest.objects.open()
        .alias(answer_by=Coalesce(F("extended_to"), F("due_on")))
        .filter(answer_by__lte=today + timedelta(days=NOTICE_DAYS))
        .select_related("client")
    )
    for request in requests:
        yield Waiting(
            key=f"subject-access:{request.pk}",
            kind="Subject access request",
            title=f"{request.client.reference}: legal deadline {request.deadline:%d/%m/%Y}",
            url=request.get_absolute_url(),
            since=request.received_on,
            due=request.deadline,
            show_from=request.deadline - timedelta(days=NOTICE_DAYS),
            client_id=request.client_id,
            reference=request.client.reference,
        )
