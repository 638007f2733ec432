"""The nightly supervision reminder: a worker whose supervision is overdue is told so."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mars.notifications import notify
from team import schedule


@transaction.atomic
def send_supervision_reminders(today: date | None = None) -> int:
    """Tell each worker whose supervision is overdue, once per due date (a new supervision sets
    a new due date, and a new reminder once that one passes). The supervisor, or else the
    coordinators, hear of it through the waiting list's escalation (team.waiting).

    Idempotent: a second run sends nothing new.
    """
    today = today or timezone.localdate()
    sent = 0
    for due in schedule.overdue(today):
        sent += len(
            notify(
                [due.worker],
                key=f"supervision-overdue:{due.worker.pk}:{due.due:%Y-%m-%d}",
                subject=f"Your supervision was due on {due.due:%d/%m/%Y}",
                body="Your one-to-one supervision is overdue: arrange it with your supervisor "
                "or the coordinator.",
                url=reverse("team:worker_supervisions", args=[due.worker.pk]),
            )
        )
    return sent
