"""The nightly reminders: risk reviews coming due and overdue, meeting actions past due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clients.reminders import send_consent_reminders
from mars.notifications import coordinators, notify
from mars.waiting import add_cover
from risk.models import MeetingAction, RiskAssessment
from staffing.cover import covering


@dataclass
class Sent:
    reviews_due: int = 0
    reviews_overdue: int = 0
    actions_past_due: int = 0
    consent_reviews: int = 0

    @property
    def total(self) -> int:
        return (
            self.reviews_due + self.reviews_overdue + self.actions_past_due + self.consent_reviews
        )


@transaction.atomic
def send_reminders(today: date | None = None) -> Sent:
    """Notify the key worker and the coordinators of each risk review due within the notice
    period (settings.RISK_REVIEW_NOTICE_DAYS) or overdue, and the owner, key worker and
    coordinators of each meeting action past its due date; and (clients.reminders) the key
    worker of each person whose consent comes up to its review-by date. Whoever covers a key
    worker's or an owner's caseload today (staffing.cover) is told too, and no longer once the
    cover has ended.

    Idempotent: each review and action is notified once in each state, so a second run on the
    same day (or the next) sends nothing new. Who covers whom is asked once for the run, not
    once a review or an action.
    """
    today = today or timezone.localdate()
    sent = Sent()
    leads = list(coordinators())
    assessments = RiskAssessment.objects.select_related("client__key_worker")
    notice = settings.RISK_REVIEW_NOTICE_DAYS
    reviews = [
        ("due", list(assessments.due_within(today, notice)), "is due for review on"),
        ("overdue", list(assessments.overdue(today)), "was due for review on"),
    ]
    actions = list(
        MeetingAction.objects.past_due(today).select_related("owner", "meeting__client__key_worker")
    )
    covers = covering(
        [a.client.key_worker_id for _, due, _ in reviews for a in due]
        + [a.owner_id for a in actions]
        + [a.meeting.client.key_worker_id for a in actions],
        today,
    )
    for state, due, said in reviews:
        for a in due:
            reference = a.client.reference
            new = notify(
                [*add_cover([a.client.key_worker], covers), *leads],
                key=f"risk-review-{state}:{a.pk}",
                subject=f"Risk review {state} {a.review_due:%d/%m/%Y}: {reference}",
                body=f"The {a.get_level_display().lower()} risk assessment of {reference} "
                f"{said} {a.review_due:%d/%m/%Y}.",
                url=a.client.get_absolute_url() + "#risk",
            )
            if state == "due":
                sent.reviews_due += len(new)
            else:
                sent.reviews_overdue += len(new)
    for action in actions:
        client = action.meeting.client
        sent.actions_past_due += len(
            notify(
                [*add_cover([action.owner, client.key_worker], covers), *leads],
                key=f"meeting-action-past-due:{action.pk}",
                subject=f"Meeting action past due: {client.reference}",
                # The action's own words stay in the app: emails carry no case detail.
                body=f"An action from the {action.meeting} for {client.reference} was due on "
                f"{action.due:%d/%m/%Y} and is still open.",
                url=action.get_absolute_url(),
            )
        )
    sent.consent_reviews = send_consent_reminders(today)
    return sent
