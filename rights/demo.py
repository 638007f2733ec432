"""Demo data protection requests: a subject access request due next week, one completed, and a
rectification request decided. Made through rights.services, as the coordinator's would be."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from clients.models import Client
from rights import services
from rights.models import (
    Decision,
    Requester,
    RightsKind,
    RightsRequest,
    SubjectAccessRequest,
)


def load(today: date, users: dict[str, User]) -> dict[str, int]:
    """Create the requests unless there are some already."""
    if SubjectAccessRequest.objects.exists() or RightsRequest.objects.exists():
        return {}
    coordinator = users["coordinator"]
    people = list(Client.objects.active().order_by("pk")[2:5])
    if len(people) < 3:
        return {}
    due_soon, answered, corrected = people

    # Received 23 days ago: one calendar month from receipt falls next week.
    services.record_access_request(
        SubjectAccessRequest(
            client=due_soon,
            received_on=today - timedelta(days=23),
            requested_by=Requester.REPRESENTATIVE,
            representative="Alex Morgan, advocate at the Shelter advice service, with signed "
            "authority",
            identity_checked_on=today - timedelta(days=20),
            notes="Asked for everything held since first contact.",
        ),
        by=coordinator,
    )

    done = services.record_access_request(
        SubjectAccessRequest(
            client=answered,
            received_on=today - timedelta(days=90),
            requested_by=Requester.PERSON,
            identity_checked_on=today - timedelta(days=88),
            notes="Asked in person at the hub; photo ID seen.",
        ),
        by=coordinator,
    )
    done = services.note_export(done, by=coordinator)
    # The export was made on the day it was given, weeks ago: the service stamps "now".
    made = timezone.make_aware(datetime.combine(today - timedelta(days=75), time(10, 30)))
    SubjectAccessRequest.objects.filter(pk=done.pk).update(export_made_at=made)
    done.refresh_from_db()
    services.complete_request(done, completed_on=today - timedelta(days=75), by=coordinator)

    rectification = services.record_rights_request(
        RightsRequest(
            client=corrected,
            kind=RightsKind.RECTIFICATION,
            received_on=today - timedelta(days=14),
            request="Says his date of birth on the record is a year out, and showed his passport.",
        ),
        by=coordinator,
    )
    services.decide_rights_request(
        rectification,
        decision=Decision.AGREED,
        reason="Passport seen; the date of birth on the record was corrected the same day.",
        decided_on=today - timedelta(days=12),
        by=coordinator,
    )
    return {"subject access requests": 2, "rights requests": 1}
