"""Hardship payments assessed in line with the procedure: the assessment asks for the payment,
whose approval follows the funds' rules; a decline is kept with its reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from funds import hardship as funds_hardship
from funds import services
from funds.models import (
    Capacity,
    HardshipAnswer,
    HardshipAssessment,
    HardshipQuestion,
    PaymentRequest,
    Recommendation,
    RequestStatus,
)
from mars.roles import Role
from tests.factories import HardshipQuestionFactory, assess_hardship

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(db: None) -> HardshipQuestion:
    return HardshipQuestionFactory(text="Is the need immediate?")


def form_data(fund: Any, question: HardshipQuestion | None = None, **changes: Any) -> dict:
    data = {
        "fund": fund.pk,
        "circumstances": "Sanctioned for four weeks; no gas.",
        "benefits": "tried",
        "benefits_note": "DWP hardship payment refused.",
        "local_welfare": "tried",
        "local_welfare_note": "",
        "food_bank": "not_tried",
        "food_bank_note": "",
        "other_funds": "not_applicable",
        "other_funds_note": "",
        "amount": "30.00",
        "purpose": "Gas top-up for a week",
        "payee": "Post Office PayPoint",
        "recommendation": "authorise",
        "reason": "Nothing else open before the sanction ends.",
    }
    if question is not None:
        data[f"question_{question.pk}"] = "Yes: no heating tonight."
    return {**data, **changes}


def test_a_support_worker_assesses_and_the_coordinator_approves_the_request_it_makes(
    client, support, coordinator, hardship, sam, question
):
    client.force_login(support)
    response = client.post(
        reverse("funds:assessment_create", args=[sam.pk]), form_data(hardship, question)
    )
    assessment = HardshipAssessment.objects.get()
    assert response.status_code == 302 and response.url == assessment.get_absolute_url()
    request = assessment.request
    assert request is not None
    assert (request.fund, request.client, request.amount) == (hardship, sam, Decimal("30.00"))
    assert request.requested_by == support and request.status == RequestStatus.REQUESTED
    assert services.check_rules(request).waiting_for == [Capacity.COORDINATOR]
    assert [(a.question_text, a.answer) for a in assessment.answers.all()] == [
        ("Is the need immediate?", "Yes: no heating tonight.")
    ]
    assert "Largest single payment: £50.00" in assessment.rules

    client.force_login(coordinator)
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "Waiting for the coordinator" in page and request.reference in page
    client.post(reverse("funds:request_approve", args=[request.pk]), {"comment": ""})
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_the_assessor_does_not_approve_the_request_their_assessment_made(coordinator, hardship):
    request = assess_hardship(by=coordinator, fund=hardship).request
    with pytest.raises(services.FundsError, match="someone else approves"):
        services.approve_payment(request, by=coordinator)


def test_recommended_to_the_director_it_needs_the_director_under_the_threshold(
    support, coordinator, make_user, hardship
):
    director = make_user(Role.DIRECTOR)
    request = assess_hardship(
        by=support, fund=hardship, recommendation=Recommendation.DIRECTOR
    ).request
    assert services.check_rules(request).needed == [Capacity.COORDINATOR, Capacity.DIRECTOR]
    assert list(services.approval_queue(director)) == [request]
    services.approve_payment(request, by=coordinator)
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED
    services.approve_payment(request, by=director)  # no hardship rule broken: no reason asked
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_an_assessment_past_a_hardship_rule_still_needs_the_director_and_their_reason(
    support, coordinator, make_user, hardship
):
    request = assess_hardship(by=support, fund=hardship, amount=Decimal("75.00")).request
    checks = services.check_rules(request)
    assert checks.needed == [Capacity.COORDINATOR, Capacity.DIRECTOR]
    assert checks.hardship_breaks
    services.approve_payment(request, by=coordinator)
    with pytest.raises(services.FundsError, match="record why"):
        services.approve_payment(request, by=make_user(Role.DIRECTOR))


def test_a_decline_asks_for_nothing_and_is_kept_with_its_reason(client, support, hardship, sam):
    assessment = assess_hardship(
        by=support,
        fund=hardship,
        client=sam,
        recommendation=Recommendation.DECLINE,
        reason="The food bank can help this week.",
    )
    assert assessment.request is None and not PaymentRequest.objects.exists()
    client.force_login(support)
    person = client.get(reverse("clients:detail", args=[sam.pk])).content.decode()
    assert assessment.reference in person and "The food bank can help this week." in person
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "Declined:" in page and "The food bank can help this week." in page


def test_a_hardship_request_without_an_assessment_is_refused_saying_how(
    client, support, hardship, sam
):
    client.force_login(support)
    response = client.post(
        reverse("funds:request_create", args=[sam.pk]),
        {"fund": hardship.pk, "amount": "20.00", "payee": "Tesco", "purpose": "Food"},
    )
    assert response.status_code == 200
    assert "Assess a hardship payment" in response.content.decode()
    api = client.post(
        "/api/payment-requests/",
        {
            "fund": hardship.pk,
            "client": sam.pk,
            "amount": "20.00",
            "payee": "Tesco",
            "purpose": "Food",
        },
        content_type="application/json",
    )
    assert api.status_code == 400 and "/api/hardship-assessments/" in api.json()["detail"]
    assert not PaymentRequest.objects.exists()


def test_every_active_question_is_answered_and_nothing_typed_is_lost(
    client, support, hardship, sam, question
):
    client.force_login(support)
    data = form_data(hardship, question, circumstances="Flooded flat")
    data[f"question_{question.pk}"] = ""
    response = client.post(reverse("funds:assessment_create", args=[sam.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "This field is required." in page
    assert "Flooded flat" in page and 'value="Post Office PayPoint"' in page
    assert not HardshipAssessment.objects.exists()


def test_the_service_refuses_a_missing_answer_and_a_non_hardship_fund(
    support, hardship, personal_budget, question
):
    with pytest.raises(services.FundsError, match="Answer: Is the need immediate"):
        assess_hardship(by=support, fund=hardship, answers={})
    with pytest.raises(services.FundsError, match="Choose a hardship fund"):
        assess_hardship(by=support, fund=personal_budget)
    assert not HardshipAssessment.objects.exists()


def test_answers_keep_the_question_as_asked_and_retired_questions_are_not_asked(
    client, support, hardship, sam, question
):
    assessment = assess_hardship(by=support, fund=hardship)
    question.text = "Changed wording?"
    question.active = False
    question.save()
    assert HardshipAnswer.objects.get(assessment=assessment).question_text == (
        "Is the need immediate?"
    )
    client.force_login(support)
    form = client.get(reverse("funds:assessment_create", args=[sam.pk])).content.decode()
    assert "Changed wording?" not in form and f"question_{question.pk}" not in form


def test_the_form_shows_the_funds_rules_and_what_the_person_has_had(
    client, support, coordinator, hardship, sam
):
    request = assess_hardship(by=support, fund=hardship, client=sam).request
    services.approve_payment(request, by=coordinator)
    client.force_login(support)
    page = client.get(reverse("funds:assessment_create", args=[sam.pk])).content.decode()
    assert "Largest single payment: £50.00" in page
    assert "Most payments a person in 12 months: 2 (more needs the director)" in page
    assert f"{sam.reference} has had 1." in page
    assert f"{sam.reference} has had £30.00 from {hardship}" in page


def test_the_api_lists_the_questions_and_makes_an_assessment(
    client, support, hardship, sam, question
):
    client.force_login(support)
    questions = client.get("/api/hardship-questions/").json()
    assert questions == [
        {"id": question.pk, "text": "Is the need immediate?", "order": question.order}
    ]
    data: dict[str, Any] = {**form_data(hardship), "client": sam.pk}
    data["answers"] = [{"question": question.pk, "answer": "Yes"}]
    made = client.post("/api/hardship-assessments/", data, content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["request"] == PaymentRequest.objects.get().pk
    assert body["answers"] == [
        {"question": question.pk, "question_text": "Is the need immediate?", "answer": "Yes"}
    ]
    data["answers"] = []
    missing = client.post("/api/hardship-assessments/", data, content_type="application/json")
    assert missing.status_code == 400 and "Answer: Is the need immediate?" in str(missing.json())


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OUTREACH, 200),
        (Role.SUPPORT, 200),
        (Role.COORDINATOR, 200),
        (Role.DIRECTOR, 200),
        (Role.PANEL, 404),
        (Role.RESETTLEMENT_MANAGER, 404),
        (Role.COMMISSIONER, 404),
        (Role.ADMINISTRATOR, 404),
    ],
)
def test_who_reads_an_assessment(as_role, support, hardship, role, status):
    assessment = assess_hardship(by=support, fund=hardship)
    assert as_role(role).get(assessment.get_absolute_url()).status_code == status
    api = as_role(role).get(f"/api/hardship-assessments/{assessment.pk}/")
    assert api.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OUTREACH, 200),
        (Role.SUPPORT, 200),
        (Role.COORDINATOR, 200),
        (Role.DIRECTOR, 403),
        (Role.PANEL, 403),
        (Role.RESETTLEMENT_MANAGER, 403),
        (Role.COMMISSIONER, 403),
        (Role.ADMINISTRATOR, 403),
    ],
)
def test_who_assesses(as_role, sam, role, status):
    url = reverse("funds:assessment_create", args=[sam.pk])
    assert as_role(role).get(url).status_code == status


def test_the_administrator_keeps_the_questions_in_the_admin(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(
        reverse("admin:funds_hardshipquestion_add"),
        {"text": "  Has the person a bank account?  ", "order": "1", "active": "on"},
    )
    assert response.status_code == 302
    question = HardshipQuestion.objects.get()
    assert question.text == "Has the person a bank account?"
    assert question.history.get().history_user is not None


def test_an_assessment_is_kept_as_made(support, hardship):
    assessment = assess_hardship(by=support, fund=hardship)
    with pytest.raises(services.FundsError, match="kept as it was made"):
        funds_hardship.assess_hardship(assessment, answers={}, by=support)


def test_an_assessed_request_keeps_the_amount_and_fund_assessed(client, support, hardship):
    request = assess_hardship(by=support, fund=hardship).request
    client.force_login(support)
    response = client.post(
        reverse("funds:request_edit", args=[request.pk]),
        {"fund": hardship.pk, "amount": "45.00", "payee": "Tesco", "purpose": "Food"},
    )
    assert "cancel this request and assess it again" in response.content.decode()
    client.post(
        reverse("funds:request_edit", args=[request.pk]),
        {"fund": hardship.pk, "amount": "30.00", "payee": "Co-op", "purpose": "Food"},
    )
    request.refresh_from_db()
    assert (request.amount, request.payee) == (Decimal("30.00"), "Co-op")
