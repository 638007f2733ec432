"""Pages for hardship assessments: assessing a payment for a person, and the assessment kept."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from clients.access import person_for_record
from funds import hardship, services
from funds.forms import AssessmentForm
from funds.models import HardshipAnswer, HardshipAssessment, Recommendation, pounds
from mars import access
from mars.dates import uk_datetime
from mars.forms import staff_label
from mars.pages import history_of, record_page, service_form

REFUSALS = (services.FundsError,)


@login_required
def assessment_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Assess a hardship payment for a person, from their page: the fund's rules beside it."""
    access.require(request.user, access.perm(HardshipAssessment, "add"))
    client = person_for_record(request, client_pk)
    today = timezone.localdate()
    form = AssessmentForm(
        request.POST or None,
        instance=HardshipAssessment(client=client),
        questions=list(hardship.questions()),
    )
    messages: dict[str, str] = {
        Recommendation.AUTHORISE: "Assessment saved: the payment request waits for approval.",
        Recommendation.DIRECTOR: "Assessment saved: the payment request waits for the "
        "coordinator and the director.",
        Recommendation.DECLINE: "Assessment saved as declined, with its reason.",
    }
    return service_form(
        request,
        form,
        "Assess a hardship payment",
        run=lambda data: hardship.assess_hardship(
            form.save(commit=False), answers=form.answers(), by=request.user
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message=messages.get(request.POST.get("recommendation", ""), "Assessment saved."),
        template="funds/assessment_form.html",
        client=client,
        rules=[
            (rules.fund, rules.lines(client))
            for rules in hardship.rules_for(client, hardship.hardship_funds(today), today)
        ],
        submit_label="Save the assessment",
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessment as made: what else was tried, the answers, the rules as they stood, the
    recommendation and reason, and the payment request it made (with where its approval is)."""
    user = request.user
    record = access.get_visible(user, HardshipAssessment, pk)
    record = (
        HardshipAssessment.objects.select_related("fund", "client", "assessed_by", "request")
        .prefetch_related("answers")
        .get(pk=record.pk)
    )
    rows: list[tuple[str, Any]] = [
        ("Person", record.client),
        ("Fund", record.fund),
        ("Assessed", f"{staff_label(record.assessed_by)}, {uk_datetime(record.assessed_at)}"),
        ("Circumstances", record.circumstances),
        ("Amount", pounds(record.amount)),
        ("What it is for", record.purpose),
        ("Payee", record.payee),
        ("Recommendation", record.get_recommendation_display()),
        ("Reason", record.reason),
    ]
    payment = record.request
    if payment is not None and access.can(user, "funds.view_paymentrequest"):
        rows.append(("Payment request", payment))
        rows.append(("Its status", payment.get_status_display()))
    checks = services.check_rules(payment) if payment is not None and payment.is_open else None
    history = history_of(
        record,
        (
            "Answer",
            HardshipAnswer.history.filter(assessment_id=record.pk).select_related("history_user"),
        ),
    )
    return record_page(
        request,
        record,
        rows,
        template="funds/assessment_detail.html",
        history=history,
        title=f"Hardship assessment {record.reference}",
        other_help=record.other_help(),
        answers=record.answers.all(),
        rules=record.rules.splitlines(),
        checks=checks,
        may_decide=checks is not None
        and payment is not None
        and services.why_not_approver(payment, user, checks) is None,
    )
