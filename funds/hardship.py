"""Hardship payments assessed in line with the procedure: what happened, what else was tried,
the fund's rules, the procedure's questions and a recommendation. Authorising or recommending
to the director asks for the payment (funds.services.request_payment), whose approval then
follows the funds' own rules; a decline is kept with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from clients import services as client_services
from clients.models import Client
from funds import services
from funds.models import (
    ZERO,
    Fund,
    FundKind,
    HardshipAnswer,
    HardshipAssessment,
    HardshipQuestion,
    PaymentRequest,
    Recommendation,
    pounds,
)
from funds.services import FundsError
from mars.access import AnyUser
from mars.dates import add_months, uk_date
from mars.records import acting, save_record


def hardship_funds(today: date) -> QuerySet[Fund]:
    """The hardship funds an assessment can ask from: those whose year has not ended."""
    return Fund.objects.taking_requests(today).filter(kind=FundKind.HARDSHIP).order_by("year")


def questions() -> QuerySet[HardshipQuestion]:
    """The procedure's questions asked on a new assessment, in the administrator's order."""
    return HardshipQuestion.objects.filter(active=True)


@dataclass(frozen=True)
class FundRules:
    """A hardship fund's rules and where one person stands against them, as of a day."""

    fund: Fund
    payments_in_year: int
    had_from_fund: Decimal

    def lines(self, person: Client) -> list[str]:
        fund = self.fund
        largest = fund.hardship_largest_payment
        most = fund.hardship_most_payments
        limit = fund.per_person_limit
        count = self.payments_in_year
        return [
            f"Largest single payment: {pounds(largest) if largest is not None else 'no limit'}"
            " (more needs the director).",
            f"Most payments a person in 12 months: {most if most is not None else 'no limit'}"
            f" (more needs the director); {person.reference} has had {count}.",
            f"Limit a person this year: {pounds(limit) if limit is not None else 'none'};"
            f" {person.reference} has had {pounds(self.had_from_fund)} from {fund}.",
        ]


def rules_for(person: Client, funds: QuerySet[Fund], today: date) -> list[FundRules]:
    """Each fund's hardship rules with what the person has had: hardship payments approved in
    the last 12 months (the rule check_rules applies) and what this fund has approved or paid
    them this year."""
    since = add_months(today, -12)
    theirs = PaymentRequest.objects.counting().filter(client=person)
    count = theirs.filter(fund__kind=FundKind.HARDSHIP, approved_at__date__gt=since).count()
    had = {
        row["fund"]: row["total"]
        for row in theirs.filter(fund__in=funds).values("fund").annotate(total=Sum("amount"))
    }
    return [FundRules(fund, count, had.get(fund.pk, ZERO)) for fund in funds]


@transaction.atomic
def assess_hardship(
    assessment: HardshipAssessment, *, answers: Mapping[int, str], by: AnyUser
) -> HardshipAssessment:
    """Record a hardship assessment and, unless it declines, ask for the payment from it.

    Rules: an assessment is made once and kept as made (a new one follows a change of mind);
    the fund is a hardship fund whose year has not ended; the person's record is not merged;
    every active question of the procedure is answered (answers keep the question's text);
    the recommendation has a reason. Authorise and recommend to the director ask for the payment
    through request_payment, so its approval follows the funds' rules (nobody approves their
    own; the director above the threshold, past a hardship rule or when recommended to them).
    """
    if assessment.pk is not None:
        raise FundsError("An assessment is kept as it was made: make a new one.")
    assessor = acting(by)
    if assessor is None:
        raise FundsError("An assessment is made by a signed-in member of staff.")
    today = timezone.localdate()
    fund = assessment.fund
    if not fund.is_hardship:
        raise FundsError("Choose a hardship fund.", field="fund")
    if fund.ends < today:
        raise FundsError(
            f"{fund} closed on {uk_date(fund.ends)}: choose this year's fund.", field="fund"
        )
    person = client_services.lock_unmerged_person(assessment.client_id, refusal=FundsError)
    asked = list(questions())
    known = {question.pk for question in asked}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise FundsError(f"No such question of the procedure: {unknown[0]}.", field="answers")
    for question in asked:
        if not answers.get(question.pk, "").strip():
            raise FundsError(f"Answer: {question.text}", field=f"question_{question.pk}")
    if not assessment.reason.strip():
        raise FundsError("Say why: the approver reads it.", field="reason")
    assessment.assessed_by = assessor
    assessment.assessed_at = timezone.now()
    assessment.request = None
    rules = rules_for(person, Fund.objects.filter(pk=fund.pk), today)
    assessment.rules = "\n".join(rules[0].lines(person))
    save_record(assessment, by=by)
    for order, question in enumerate(asked):
        save_record(
            HardshipAnswer(
                assessment=assessment,
                question=question,
                question_text=question.text,
                answer=answers[question.pk].strip(),
                order=order,
            ),
            by=by,
        )
    if assessment.recommendation != Recommendation.DECLINE:
        services.request_payment(
            PaymentRequest(
                fund=fund,
                client=person,
                amount=assessment.amount,
                purpose=assessment.purpose,
                payee=assessment.payee,
            ),
            by=by,
            assessment=assessment,
        )
    return assessment


@transaction.atomic
def save_question(question: HardshipQuestion, *, by: AnyUser | None) -> HardshipQuestion:
    """Add or change one of the procedure's questions (the administrator's). Answers already
    given keep the text as it was asked; a question no longer asked is made inactive."""
    question.text = question.text.strip()
    return save_record(question, by=by)
