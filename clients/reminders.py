"""Reminders that a person's information-sharing consent is coming up to its review-by date.

Run from the nightly reminders (risk.reminders.send_reminders, which the beat schedule and
`manage.py send_reminders` call): clients sits below risk, so risk calls in here.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from clients.consent import CONSENT_NOTICE_DAYS, Consent
from mars.notifications import coordinators, notify
from mars.waiting import add_cover
from staffing.cover import covering


def send_consent_reminders(today: date | None = None) -> int:
    """Notify the person's key worker (and whoever covers their caseload today; the coordinators
    when they have none) of each deciding consent whose review-by date is within
    CONSENT_NOTICE_DAYS; return how many were new.

    Idempotent: each consent is notified once (its own key), however often this runs. Who
    covers whom is asked once for the run, not once a consent.
    """
    today = today or timezone.localdate()
    due = (
        Consent.objects.decided_by(today)
        .valid_on(today)
        .filter(review_by__lte=today + timedelta(days=CONSENT_NOTICE_DAYS))
        .select_related("client__key_worker")
    )
    consents = [consent for consent in due if consent.client.merged_into_id is None]
    covers = covering((consent.client.key_worker_id for consent in consents), today)
    leads: list[object] | None = None
    sent = 0
    for consent in consents:
        client = consent.client
        if client.key_worker is not None and client.key_worker.is_active:
            recipients: list[object] = add_cover([client.key_worker], covers)
        else:
            leads = leads if leads is not None else list(coordinators())
            recipients = leads
        sent += len(
            notify(
                recipients,
                key=f"consent-review:{consent.pk}",
                subject=f"Consent review due {consent.review_by:%d/%m/%Y}: {client.reference}",
                body=f"The information-sharing consent of {client.reference} is to be reviewed "
                f"by {consent.review_by:%d/%m/%Y}. Ask the person again and record their answer.",
                url=client.get_absolute_url() + "#consent",
            )
        )
    return sent
