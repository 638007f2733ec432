"""Move each person's consent dates (Client.consent_given_on / consent_withdrawn_on) into a
Consent record, and back when reversed.

The old consent had no scope: a moved consent covers every kind of agency (health, police,
housing, drug and alcohol, probation), as the old one was read, and says how it was given as
"not recorded". Its review-by is given on plus CONSENT_REVIEW_MONTHS, so a consent given longer
ago than that is expired from now on. A withdrawal without a given date (the old record allowed
it) becomes a consent given and withdrawn on that day.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.conf import settings
from django.db import migrations
from django.utils import timezone

NOTE = (
    "Moved from the person's record when consent became a record of its own. The old consent had "
    "no scope, so this one covers every kind of agency."
)
EVERY_SCOPE = ["drug_alcohol", "health", "housing", "police", "probation"]


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def forward(apps: Any, schema_editor: Any) -> None:
    Client = apps.get_model("clients", "Client")
    Consent = apps.get_model("clients", "Consent")
    HistoricalConsent = apps.get_model("clients", "HistoricalConsent")
    now = timezone.now()
    people = Client.objects.exclude(consent_given_on=None, consent_withdrawn_on=None)
    for person in people.order_by("pk").iterator():
        given = person.consent_given_on or person.consent_withdrawn_on
        consent = Consent.objects.create(
            client_id=person.pk,
            outcome="given",
            how="not_recorded",
            scopes=EVERY_SCOPE,
            given_on=given,
            review_by=_add_months(given, settings.CONSENT_REVIEW_MONTHS),
            withdrawn_on=person.consent_withdrawn_on,
            recorded_at=now,
            notes=NOTE,
        )
        HistoricalConsent.objects.create(
            id=consent.pk,
            client_id=person.pk,
            outcome=consent.outcome,
            how=consent.how,
            scopes=consent.scopes,
            given_on=consent.given_on,
            review_by=consent.review_by,
            withdrawn_on=consent.withdrawn_on,
            recorded_at=now,
            notes=NOTE,
            history_date=now,
            history_type="+",
            history_change_reason="Moved from the person's record",
        )


def backward(apps: Any, schema_editor: Any) -> None:
    """Each person's latest consent given goes back onto their record; the records are removed
    (refusals and scopes have no place on the old record). Their change history is kept, as the
    database insists (audit), until 0008 reversed drops its table."""
    Client = apps.get_model("clients", "Client")
    Consent = apps.get_model("clients", "Consent")
    for person in Client.objects.filter(consents__outcome="given").distinct().iterator():
        latest = (
            Consent.objects.filter(client_id=person.pk, outcome="given")
            .order_by("-given_on", "-recorded_at", "-id")
            .first()
        )
        person.consent_given_on = latest.given_on
        person.consent_withdrawn_on = latest.withdrawn_on
        person.save(update_fields=["consent_given_on", "consent_withdrawn_on"])
    Consent.agencies.through.objects.all().delete()
    Consent.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0008_consent_records"),
    ]

    operations = [migrations.RunPython(forward, backward)]
