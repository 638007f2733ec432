"""The outreach rota: the planned sessions of this week and the next, gaps where a member of staff
is away that day, and the coordinator's cover for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from mars import access
from mars.pages import service_form
from outreach import services
from outreach.access import may_cover_sessions
from outreach.models import OutreachSession, SessionCover
from outreach.views.common import clock
from staffing.forms import SessionCoverForm
from staffing.models import Absence


@dataclass
class RotaRow:
    session: OutreachSession
    staff: list[tuple[Any, bool]]  # each member of staff, and whether they are away that day
    covers: list[SessionCover] = field(default_factory=list)

    @property
    def uncovered(self) -> list[Any]:
        """Staff away that day with no cover recorded for them on the session."""
        covered = {cover.away_id for cover in self.covers}
        return [user for user, away in self.staff if away and user.pk not in covered]

    @property
    def gap(self) -> bool:
        return bool(self.uncovered)


def rota_days(today: date) -> tuple[date, date]:
    """From today to the Sunday of next week: the sessions still to come this week and next."""
    monday = today - timedelta(days=today.weekday())
    return today, monday + timedelta(days=13)


def rota_rows(user: Any, today: date) -> list[RotaRow]:
    """The planned sessions, each with its staff (away or not) and its covers: four queries."""
    first, last = rota_days(today)
    sessions = list(
        access.visible(user, OutreachSession.objects.all())
        .filter(date__gte=first, date__lte=last)
        .prefetch_related("staff")
        .order_by("date", "start_time", "id")
    )
    staff_ids = {u.pk for s in sessions for u in s.staff.all()}
    away_days: dict[int, list[tuple[date, date]]] = {}
    for worker_id, starts, ends in (
        Absence.objects.overlapping(first, last)
        .filter(worker_id__in=staff_ids)
        .values_list("worker_id", "starts", "ends")
    ):
        away_days.setdefault(worker_id, []).append((starts, ends))
    covers: dict[int, list[SessionCover]] = {}
    for cover in SessionCover.objects.filter(session__in=[s.pk for s in sessions]).select_related(
        "away", "covering"
    ):
        covers.setdefault(cover.session_id, []).append(cover)

    def is_away(worker_id: int, day: date) -> bool:
        return any(starts <= day <= ends for starts, ends in away_days.get(worker_id, []))

    return [
        RotaRow(
            session,
            [(u, is_away(u.pk, session.date)) for u in session.staff.all()],
            covers.get(session.pk, []),
        )
        for session in sessions
    ]


@login_required
def rota(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(OutreachSession, "view"))
    today = timezone.localdate()
    rows = rota_rows(request.user, today)
    first, last = rota_days(today)
    return render(
        request,
        "outreach/rota.html",
        {
            "rows": rows,
            "first": first,
            "last": last,
            "gaps": sum(1 for row in rows if row.gap),
            "can_cover": may_cover_sessions(request.user),
            "clock": clock,
        },
    )


@login_required
def rota_cover(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's cover on one session: in place of, or beside, a member of staff."""
    session = access.get_visible(request.user, OutreachSession, pk, write=True)
    if not may_cover_sessions(request.user):
        raise PermissionDenied
    on_session = session.staff.all()
    initial = {}
    away = request.GET.get("away")
    if away and away.isdigit():
        initial["away"] = int(away)
    form = SessionCoverForm(request.POST or None, on_session=on_session, initial=initial)
    return service_form(
        request,
        form,
        f"Cover on the session of {session.date:%a %d/%m/%Y} at {clock(session.start_time)}",
        run=lambda data: services.cover_session(
            session,
            away=data["away"],
            covering=data["covering"],
            replace=data["replace"],
            by=request.user,
        ),
        refusals=(services.OutreachError,),
        done=lambda saved: reverse("outreach:rota"),
        message="Cover assigned.",
        cancel_url=reverse("outreach:rota"),
        intro=f"{session.area}. A covering worker away that day, or already on the session, is "
        "refused.",
        submit_label="Assign cover",
    )
