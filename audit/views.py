"""Seeing the access log: who looked at a person, what one member of staff read, the CSV export.

Each of these pages is itself a read (of the people it names) and is logged like any other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from audit.access import VIEW_ACCESS_LOG, named_people
from audit.forms import PeriodForm, UserActivityForm
from audit.models import AccessEvent
from mars import access, reads
from mars.pages import page_of
from mars.spreadsheets import csv_streaming_response


@login_required
def person_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Every read of one person's information, newest first."""
    access.require(request.user, VIEW_ACCESS_LOG)
    reads.note([pk], "access log of a person")
    person = access.get_visible(request.user, access.person_model(), pk)
    events = AccessEvent.objects.about(person.pk).select_related("user").newest_first()
    return render(
        request, "audit/person_log.html", {"person": person, "page": page_of(request, events)}
    )


@login_required
def user_activity(request: HttpRequest) -> HttpResponse:
    """What one member of staff read over some days, with the people named."""
    access.require(request.user, VIEW_ACCESS_LOG)
    form = UserActivityForm(request.GET or None)
    page = None
    people: dict[int, Any] = {}
    chosen = form.cleaned_data.get("user") if form.is_valid() else None
    if chosen is not None:
        events = AccessEvent.objects.by(chosen.pk).between(*form.bounds()).newest_first()
        page = page_of(request, events)
        people = named_people(request.user, [pk for e in page for pk in e.people])
        reads.note(people, "access log of a member of staff")
    start, end = form.days()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/user_activity.html",
        {
            "form": form,
            "chosen": chosen,
            "page": page,
            "rows": [(e, [people[pk] for pk in e.people if pk in people]) for e in page or []],
            "start": start,
            "end": end,
            "query": query.urlencode(),
        },
    )


CSV_HEADER = ["at", "user", "what", "people", "path", "method", "ip", "device", "reason"]


def _csv_rows(events: Any) -> Iterator[list[str]]:
    for e in events.iterator(chunk_size=2000):
        yield [
            e.at.isoformat(),
            e.username,
            e.what,
            " ".join(str(pk) for pk in e.people),
            e.path,
            e.method,
            e.ip or "",
            e.device,
            e.reason,
        ]


@login_required
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The log for some days as CSV, for the data protection officer. The export is logged; the
    people in it are not listed in that row (the export's days say which rows it held)."""
    access.require(request.user, VIEW_ACCESS_LOG)
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/user_activity.html", {"form": form}, status=400)
    start, end = form.days()
    reads.note([], "access log export")
    # Oldest first: the order a reader of the file follows.
    events = AccessEvent.objects.between(*form.bounds()).order_by("at", "id")
    name = f"access-log-{start.isoformat()}-to-{end.isoformat()}.csv"
    response = csv_streaming_response(name, CSV_HEADER, _csv_rows(events))
    response["Cache-Control"] = "private, no-store"
    return response
