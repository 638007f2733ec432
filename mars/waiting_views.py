"""The waiting list: everything past its time that the user may see (mars.waiting), oldest
first, filtered by kind and by owner; and its count on the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from mars import reads, waiting
from mars.home import HomePart
from mars.pages import page_of
from mars.waiting import Waiting


def owner_key(item: Waiting) -> str:
    """A filter value for an item's owner: a member of staff's id, or the label said instead."""
    return f"user-{item.owner.pk}" if item.owner is not None else f"other-{item.owner_name}"


@dataclass(frozen=True)
class Row:
    item: Waiting
    days_waiting: int
    days_over: int

    @property
    def due_in(self) -> int:
        """Days until its due date, for an item listed ahead of it."""
        return -self.days_over


def chosen(items: list[Waiting], *, kind: str = "", owner: str = "") -> list[Waiting]:
    """The items of a kind and an owner (each, when given)."""
    return [
        item
        for item in items
        if (not kind or item.kind == kind) and (not owner or owner_key(item) == owner)
    ]


def rows_of(items: list[Waiting], today: date) -> list[Row]:
    return [Row(item, item.days_waiting(today), item.days_over(today)) for item in items]


@login_required
def waiting_list(request: HttpRequest) -> HttpResponse:
    """Everything past its time: the coordinator's all of it, a worker's their own and that of
    those they cover today."""
    user = request.user
    if not waiting.can_see_waiting(user):
        raise PermissionDenied
    today = timezone.localdate()
    items = waiting.waiting_for(user, today)
    kind = request.GET.get("kind", "")
    owner = request.GET.get("owner", "")
    shown = chosen(items, kind=kind, owner=owner)
    page = page_of(request, rows_of(shown, today))
    reads.note([row.item.client_id for row in page.object_list], "waiting list")
    owners = sorted(
        {owner_key(item): item.owner_name for item in items}.items(), key=lambda o: o[1]
    )
    query = urlencode(
        [(name, value) for name, value in (("kind", kind), ("owner", owner)) if value]
    )
    htmx = getattr(request, "htmx", False)
    return render(
        request,
        "mars/_waiting_results.html" if htmx else "mars/waiting.html",
        {
            "page": page,
            "total": len(items),
            "shown": len(shown),
            "kinds": sorted({item.kind for item in items}),
            "owners": owners,
            "kind": kind,
            "owner": owner,
            "query": query,
            "sees_all": waiting.sees_all(user),
        },
    )


def home_part(request: HttpRequest) -> HomePart | None:
    """How many things are past their time, for those who see the waiting list (a worker's
    count reads only their own and their covered workers' items: waiting_for)."""
    if not waiting.can_see_waiting(request.user):
        return None
    count = len(waiting.waiting_for(request.user, timezone.localdate()))
    return HomePart(
        "mars/_waiting_home.html",
        {"waiting_count": count, "waiting_all": waiting.sees_all(request.user)},
    )
