"""Every worker's caseload side by side, so the coordinator can share the work fairly.

Counts only: the page names no person, so reading it reads no one's record. A fixed number of
queries, whatever the number of workers or people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q
from django.utils import timezone

from clients.models import Client, ClientStatus, Referral, ReferralStatus, SupportPlan
from risk.models import MeetingAction, PlanAction, PlanStatus, RiskAssessment
from staffing.cover import covering
from team import schedule
from team.models import TeamAction

# Reviews due within this many days are shown beside those already overdue.
REVIEW_NOTICE_DAYS = 14


@dataclass
class Caseload:
    """One worker's row."""

    worker: Any
    people: int = 0
    never_contacted: int = 0
    oldest_last_contact: date | None = None
    plans_in_force: int = 0
    reviews_due: int = 0
    reviews_overdue: int = 0
    referrals_waiting: int = 0
    actions_open: int = 0
    actions_past_due: int = 0
    supervision: schedule.SupervisionDue | None = None
    covered_by: Any = None


def caseload_workers() -> list[Any]:
    """Support and outreach workers, and anyone else who is someone's key worker."""
    users = get_user_model().objects.filter(
        Q(is_active=True, groups__name__in=schedule.SUPERVISED_ROLES) | Q(caseload__in=_people())
    )
    return list(users.distinct().order_by("first_name", "last_name", "username"))


def _people() -> Any:
    """The people a caseload holds: not merged, still alive."""
    return Client.objects.active().exclude(status=ClientStatus.DECEASED)


def caseloads(today: date) -> list[Caseload]:
    """Each worker's caseload on the day."""
    workers = caseload_workers()
    rows = {w.pk: Caseload(worker=w) for w in workers}
    ids = list(rows)
    notice = today + timedelta(days=REVIEW_NOTICE_DAYS)
    people = _people().filter(key_worker_id__in=ids)

    last_contacts = people.annotate(last=Max("contacts__at")).values_list("key_worker_id", "last")
    for worker_id, last in last_contacts:
        row = rows[worker_id]
        row.people += 1
        if last is None:
            row.never_contacted += 1
            continue
        day = timezone.localdate(last)
        if row.oldest_last_contact is None or day < row.oldest_last_contact:
            row.oldest_last_contact = day

    plans = (
        SupportPlan.objects.in_force_on(today)
        .filter(client__in=people)
        .values("client__key_worker_id")
        .annotate(
            people=Count("client", distinct=True),
            due=Count("id", filter=Q(review_date__gte=today, review_date__lte=notice)),
            overdue=Count("id", filter=Q(review_date__lt=today)),
        )
    )
    for p in plans:
        row = rows[p["client__key_worker_id"]]
        row.plans_in_force = p["people"]
        row.reviews_due += p["due"]
        row.reviews_overdue += p["overdue"]

    risk_reviews = (
        RiskAssessment.objects.to_review()
        .filter(client__in=people, review_due__lte=notice)
        .values("client__key_worker_id")
        .annotate(
            due=Count("id", filter=Q(review_due__gte=today)),
            overdue=Count("id", filter=Q(review_due__lt=today)),
        )
    )
    for r in risk_reviews:
        row = rows[r["client__key_worker_id"]]
        row.reviews_due += r["due"]
        row.reviews_overdue += r["overdue"]

    referrals = (
        Referral.objects.filter(client__in=people, status=ReferralStatus.SENT)
        .values("client__key_worker_id")
        .annotate(n=Count("id"))
        .values_list("client__key_worker_id", "n")
    )
    for worker_id, waiting in referrals:
        rows[worker_id].referrals_waiting = waiting

    open_actions = [
        MeetingAction.objects.open(),
        TeamAction.objects.open(),
        PlanAction.objects.filter(done_on__isnull=True, plan__status=PlanStatus.APPROVED),
    ]
    for actions in open_actions:
        counted = (
            actions.filter(owner_id__in=ids)
            .values("owner_id")
            .annotate(n=Count("id"), past=Count("id", filter=Q(due__lt=today)))
        )
        for a in counted:
            rows[a["owner_id"]].actions_open += a["n"]
            rows[a["owner_id"]].actions_past_due += a["past"]

    for due in schedule.due_for(w for w in workers):
        rows[due.worker.pk].supervision = due
    for worker_id, cover in covering(ids, today).items():
        rows[worker_id].covered_by = cover
    return list(rows.values())
