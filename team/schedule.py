"""When each worker's next supervision is due, and whose it is to hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from mars.roles import Role
from team.models import Supervision

# Those who keep a caseload or work the street are supervised one to one.
SUPERVISED_ROLES = (Role.SUPPORT, Role.OUTREACH)


def supervised_workers() -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=SUPERVISED_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@dataclass(frozen=True)
class SupervisionDue:
    """A worker's last supervision (if any) and the day the next is due."""

    worker: Any
    last: Supervision | None
    due: date

    @property
    def supervisor(self) -> Any:
        """Who holds the next one: the last supervisor while they are active, else nobody
        named (the coordinators)."""
        if self.last is not None and self.last.supervisor.is_active:
            return self.last.supervisor
        return None

    def is_overdue(self, today: date) -> bool:
        return self.due < today


def _first_due(worker: Any) -> date:
    """A worker never supervised is due SUPERVISION_WEEKS after they joined."""
    joined = timezone.localdate(worker.date_joined)
    return joined + timedelta(weeks=settings.SUPERVISION_WEEKS)


def due_for(workers: Iterable[Any]) -> list[SupervisionDue]:
    """Each worker's next supervision (one query for their last supervisions)."""
    workers = list(workers)
    latest = (
        Supervision.objects.filter(worker__in=workers)
        .select_related("supervisor")
        .order_by("worker_id", "-held_on", "-id")
        .distinct("worker_id")
    )
    last = {s.worker_id: s for s in latest}
    return [
        SupervisionDue(
            worker=worker,
            last=last.get(worker.pk),
            due=last[worker.pk].next_due if worker.pk in last else _first_due(worker),
        )
        for worker in workers
    ]


def overdue(today: date) -> list[SupervisionDue]:
    """Supervised workers whose next supervision was due before the day."""
    return [due for due in due_for(supervised_workers()) if due.is_overdue(today)]
