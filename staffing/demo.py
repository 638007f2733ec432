"""Demo attendance and cover: Jess Lowe (outreach2) on leave next week, Priya Shah (support3) on
training this week, and Tom Baker's (support2) caseload covered by Priya while he was on leave a
month ago. The outreach rota's sessions next week, with Jess on them (one gap covered, one
open), are outreach's (outreach.demo.load_rota)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import User

from staffing import services
from staffing.models import Absence, AbsenceKind, CaseloadCover


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def load(today: date, users: dict[str, User]) -> dict[str, int]:
    """Create the demo absences and cover unless there are absences already."""
    if Absence.objects.exists():
        return {}
    coordinator = users["coordinator"]
    jess, tom, priya = users["outreach2"], users["support2"], users["support3"]
    monday = next_monday(today)
    this_monday = monday - timedelta(days=7)
    past_monday = this_monday - timedelta(days=28)
    absences = [
        Absence(
            worker=jess,
            kind=AbsenceKind.LEAVE,
            starts=monday,
            ends=monday + timedelta(days=4),
            notes="Family wedding",
        ),
        Absence(
            worker=priya,
            kind=AbsenceKind.TRAINING,
            starts=this_monday + timedelta(days=3),
            ends=this_monday + timedelta(days=3),
            notes="Trauma-informed practice, day two",
        ),
        Absence(
            worker=tom,
            kind=AbsenceKind.LEAVE,
            starts=past_monday,
            ends=past_monday + timedelta(days=4),
        ),
    ]
    for absence in absences:
        # Jess books her own leave; the coordinator records the rest.
        services.record_absence(absence, by=jess if absence.worker == jess else coordinator)
    services.hand_over_caseload(
        CaseloadCover(
            worker=tom,
            covered_by=priya,
            starts=past_monday,
            ends=past_monday + timedelta(days=4),
            notes="Tom's annual leave",
        ),
        by=coordinator,
    )
    return {"absences": len(absences), "caseload covers": 1}
