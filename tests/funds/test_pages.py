"""The funds pages: asking, the queues, approving, paying with a receipt, the fund's figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funds import services
from funds.models import Payment, PaymentRequest, Receipt, RequestStatus
from mars.roles import Role
from tests.factories import PaymentRequestFactory, assess_hardship
from tests.funds.files import image

pytestmark = pytest.mark.django_db

PNG = image("PNG")


def test_a_support_worker_asks_and_the_coordinator_approves_and_pays(
    client, support, coordinator, personal_budget, sam
):
    client.force_login(support)
    page = client.get(sam.get_absolute_url()).content.decode()
    assert "Ask for a payment" in page
    response = client.post(
        reverse("funds:request_create", args=[sam.pk]),
        {
            "fund": personal_budget.pk,
            "amount": "65.50",
            "payee": "Argos",
            "purpose": "A kettle and bedding for the new flat",
        },
    )
    request = PaymentRequest.objects.get()
    assert response.status_code == 302 and response.url == request.get_absolute_url()
    assert (request.client, request.requested_by, request.amount) == (
        sam,
        support,
        Decimal("65.50"),
    )

    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    assert "1</strong> payment request to approve" in home
    queue = client.get(reverse("funds:request_list") + "?show=to_approve").content.decode()
    assert request.reference in queue
    response = client.post(reverse("funds:request_approve", args=[request.pk]), {"comment": ""})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED

    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("funds:request_pay", args=[request.pk]),
        {
            "paid_on": timezone.localdate().isoformat(),
            "method": "card",
            "reference": "CARD-0042",
            "receipt": SimpleUploadedFile("till receipt.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.PAID
    receipt = Receipt.objects.get()
    assert (receipt.content_type, receipt.original_name) == ("image/png", "till receipt.png")
    fund_page = client.get(personal_budget.get_absolute_url()).content.decode()
    assert "£934.50" in fund_page  # £1,000 less £65.50


def test_approving_your_own_request_is_refused_on_the_page(client, coordinator, personal_budget):
    request = PaymentRequestFactory(fund=personal_budget, requested_by=coordinator)
    client.force_login(coordinator)
    detail = client.get(request.get_absolute_url()).content.decode()
    assert "someone else approves it" in detail
    assert reverse("funds:request_approve", args=[request.pk]) not in detail
    response = client.post(reverse("funds:request_approve", args=[request.pk]), {})
    assert response.status_code == 200
    assert "someone else approves it" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED


def test_a_refusal_keeps_what_was_typed_and_shows_beside_the_field(
    client, support, personal_budget, sam
):
    client.force_login(support)
    response = client.post(
        reverse("funds:request_create", args=[sam.pk]),
        {"fund": personal_budget.pk, "amount": "-5", "payee": "Argos", "purpose": "Kettle"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The amount must be more than £0." in page and 'value="Argos"' in page
    assert not PaymentRequest.objects.exists()


def test_the_director_records_why_past_a_hardship_rule(
    client, support, coordinator, director, hardship, sam
):
    request = assess_hardship(by=support, fund=hardship, client=sam, amount=Decimal("80")).request
    services.approve_payment(request, by=coordinator)
    client.force_login(director)
    form = client.get(reverse("funds:request_approve", args=[request.pk])).content.decode()
    assert "more than the largest hardship payment" in form
    assert 'name="override_reason"' in form
    response = client.post(
        reverse("funds:request_approve", args=[request.pk]), {"override_reason": ""}
    )
    assert "record why you approve it" in response.content.decode()
    client.post(
        reverse("funds:request_approve", args=[request.pk]),
        {"override_reason": "Family emergency"},
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_rejecting_asks_why(client, support, coordinator, personal_budget):
    request = PaymentRequestFactory(fund=personal_budget, requested_by=support)
    client.force_login(coordinator)
    response = client.post(reverse("funds:request_reject", args=[request.pk]), {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    client.post(reverse("funds:request_reject", args=[request.pk]), {"reason": "Use the grant"})
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    client.force_login(support)
    assert "Use the grant" in client.get(request.get_absolute_url()).content.decode()


def test_property_spend_is_asked_for_a_house(client, coordinator, property_fund):
    from tests.factories import PropertyFactory

    house = PropertyFactory(type="mars_house", name="MARS House")
    client.force_login(coordinator)
    response = client.post(
        reverse("funds:property_request"),
        {
            "fund": property_fund.pk,
            "house": house.pk,
            "amount": "420.00",
            "payee": "Ace Plumbing",
            "purpose": "New boiler pump",
        },
    )
    assert response.status_code == 302
    request = PaymentRequest.objects.get()
    assert request.house == house and request.client is None


def test_fund_page_shows_spend_by_month(client, coordinator, support, personal_budget, sam):
    request = services.request_payment(
        PaymentRequest(
            fund=personal_budget, client=sam, amount=Decimal("120"), payee="P", purpose="x"
        ),
        by=support,
    )
    services.approve_payment(request, by=coordinator)
    today = timezone.localdate()
    services.record_payment(request, paid_on=today, method="cash", reference="R1", by=coordinator)
    client.force_login(coordinator)
    page = client.get(personal_budget.get_absolute_url()).content.decode()
    assert f"{today:%B %Y}</th><td>£120.00" in page
    assert "<svg" in page
    assert Payment.objects.count() == 1


def test_fund_list_totals_this_year(client, coordinator, personal_budget, hardship):
    client.force_login(coordinator)
    page = client.get(reverse("funds:fund_list")).content.decode()
    assert "Personal budget" in page and "Hardship" in page
    assert "£3,000.00" in page


def test_budget_cannot_be_set_below_spend_on_the_page(
    client, coordinator, support, personal_budget, sam
):
    request = services.request_payment(
        PaymentRequest(
            fund=personal_budget, client=sam, amount=Decimal("200"), payee="P", purpose="x"
        ),
        by=support,
    )
    services.approve_payment(request, by=coordinator)
    client.force_login(coordinator)
    data = {
        "name": personal_budget.name,
        "kind": personal_budget.kind,
        "year": personal_budget.year,
        "budget": "100.00",
        "approval_threshold": "250.00",
        "per_person_limit": "500.00",
    }
    response = client.post(reverse("funds:fund_edit", args=[personal_budget.pk]), data)
    assert response.status_code == 200
    assert "£200.00 is already committed or paid" in response.content.decode()
    personal_budget.refresh_from_db()
    assert personal_budget.budget == Decimal("1000.00")


def test_nobody_gets_a_role_they_do_not_have(make_user, client, personal_budget):
    request = PaymentRequestFactory(fund=personal_budget)
    client.force_login(make_user(Role.OUTREACH))
    assert client.get(reverse("funds:request_approve", args=[request.pk])).status_code == 403
    assert client.get(reverse("funds:request_pay", args=[request.pk])).status_code == 403


def test_the_request_list_narrows_to_one_fund(client, coordinator, personal_budget, hardship):
    mine = PaymentRequestFactory(fund=personal_budget)
    other = PaymentRequestFactory(fund=hardship)
    client.force_login(coordinator)
    page = client.get(
        reverse("funds:request_list"), {"fund": personal_budget.pk, "show": "waiting"}
    ).content.decode()
    assert mine.reference in page and other.reference not in page
    assert f"fund={personal_budget.pk}&amp;show=to_approve" in page


def test_the_request_list_runs_the_same_queries_for_many_requests(
    client, coordinator, personal_budget, django_assert_max_num_queries
):
    client.force_login(coordinator)
    PaymentRequestFactory(fund=personal_budget)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("funds:request_list") + "?show=waiting")
    for _ in range(10):
        PaymentRequestFactory(fund=personal_budget)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("funds:request_list") + "?show=waiting")


def test_property_spend_is_asked_from_a_repair_and_shown_on_mars_house(
    client, coordinator, support, property_fund
):
    from tests.factories import HouseIssueFactory, PropertyFactory

    house = PropertyFactory(type="mars_house", name="MARS House")
    issue = HouseIssueFactory(property=house, description="Boiler failed")
    client.force_login(support)
    issue_page = client.get(issue.get_absolute_url()).content.decode()
    ask_url = reverse("funds:property_request") + f"?issue={issue.pk}"
    assert ask_url in issue_page
    form = client.get(ask_url).content.decode()
    assert f'<option value="{issue.pk}" selected>' in form
    client.post(
        ask_url,
        {
            "fund": property_fund.pk,
            "house": house.pk,
            "issue": issue.pk,
            "amount": "480",
            "payee": "Ace Plumbing",
            "purpose": "Boiler pump",
        },
    )
    request = PaymentRequest.objects.get()
    assert request.issue == issue
    assert request.reference in client.get(issue.get_absolute_url()).content.decode()
    client.force_login(coordinator)
    house_page = client.get(reverse("accommodation:mars_house")).content.decode()
    assert "Property spend" in house_page and "waiting for approval £480.00" in house_page
