"""Pages for risk assessments: recording one area by area, reading it, correcting it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from clients.access import (
    SENSITIVE_NOTE_HELD,
    history_mask,
    may_break_glass,
    may_see_special_category,
    person_for_record,
)
from mars import access
from mars.forms import staff_label
from mars.pages import history_of, record_page, service_form
from risk import services
from risk.forms import AssessmentForm
from risk.models import AreaRating, RiskAssessment, RiskPlan

REFUSALS = (services.RiskError,)
REVIEW_NOTE = {"overdue": " (overdue)", "due": " (due soon)"}


def _form(request: HttpRequest, assessment: RiskAssessment, title: str) -> HttpResponse:
    sees_special = not assessment.pk or may_see_special_category(request.user, assessment.client)
    ratings = {
        r.area: {
            "level": r.level,
            # Held, not read: the service keeps such a note as it is whatever comes back.
            "notes": r.notes if sees_special or not r.sensitive else SENSITIVE_NOTE_HELD,
            "sensitive": r.sensitive,
            "triggers": r.triggers,
        }
        for r in (assessment.areas.all() if assessment.pk else [])
    }
    initial = {}
    if assessment.pk and assessment.review_due != services.review_limit(
        assessment.level, assessment.assessed_on
    ):
        initial["review_due"] = assessment.review_due
    form = AssessmentForm(
        request.POST or None, instance=assessment, ratings=ratings, initial=initial
    )

    def run(data: dict[str, Any]) -> RiskAssessment:
        record = form.save(commit=False)
        if record.assessor_id is None:
            record.assessor = request.user
        return services.record_assessment(
            record, form.ratings(), review_due=data["review_due"], by=request.user
        )

    return service_form(
        request,
        form,
        title,
        run=run,
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Risk assessment saved.",
        template="risk/assessment_form.html",
        client=assessment.client,
        cancel_url=assessment.get_absolute_url() if assessment.pk else None,
    )


@login_required
def assessment_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    access.require(request.user, access.perm(RiskAssessment, "add"))
    client = person_for_record(request, client_pk)
    assessment = RiskAssessment(client=client, assessed_on=timezone.localdate())
    return _form(request, assessment, "New risk assessment")


@login_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_visible(request.user, RiskAssessment, pk, write=True)
    return _form(request, assessment, "Correct the risk assessment")


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    a = access.get_visible(user, RiskAssessment, pk)
    state = a.review_state()
    rows = [
        ("Person", a.client),
        ("Assessed on", a.assessed_on),
        ("Assessor", staff_label(a.assessor)),
        ("Overall level", a.get_level_display()),
        ("Review due", f"{a.review_due:%d/%m/%Y}{REVIEW_NOTE.get(state, '')}"),
        ("Summary", a.summary),
    ]
    actions = []
    writing = RiskPlan.objects.open().filter(client=a.client).exists()
    if access.can_add_for(user, RiskPlan) and not writing:
        new_plan = reverse("risk:plan_create", args=[a.client_id])
        actions.append(("Write a plan for it", f"{new_plan}?assessment={a.pk}"))
    history = history_of(
        a,
        ("Area", AreaRating.history.filter(assessment_id=a.pk).select_related("history_user")),
        mask=history_mask(user, a.client),
    )
    areas = list(a.areas.all())
    held = False
    if not may_see_special_category(user, a.client):
        for rating in areas:
            if rating.sensitive and rating.notes:
                rating.notes, held = SENSITIVE_NOTE_HELD, True
    return record_page(
        request,
        a,
        rows,
        edit_url=reverse("risk:assessment_edit", args=[pk]),
        template="risk/assessment_detail.html",
        history=history,
        actions=actions,
        areas=areas,
        plans=a.plans.all(),
        title=str(a),
        break_glass_url=reverse("clients:break_glass", args=[a.client_id])
        if held and may_break_glass(user, a.client)
        else "",
    )
