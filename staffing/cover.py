"""Who covers whom: what the reminders and the waiting list ask before they tell a worker."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from mars.waiting import add_cover
from staffing.models import CaseloadCover


def covering(worker_ids: Iterable[int | None], day: date) -> dict[int, Any]:
    """The active covering worker of each worker covered on the day (one query), by worker id."""
    ids = {pk for pk in worker_ids if pk is not None}
    if not ids:
        return {}
    covers = CaseloadCover.objects.on(day).filter(worker_id__in=ids, covered_by__is_active=True)
    return {cover.worker_id: cover.covered_by for cover in covers.select_related("covered_by")}


def with_cover(users: Iterable[Any], day: date) -> list[Any]:
    """The users, each followed by whoever covers them on the day (once each, in order)."""
    users = [user for user in users if user is not None]
    return add_cover(users, covering((user.pk for user in users), day))
