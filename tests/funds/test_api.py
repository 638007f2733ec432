"""The funds API: the same services and rules as the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from funds.models import PaymentRequest, RequestStatus
from mars.dates import local_date
from mars.roles import Role

pytestmark = pytest.mark.django_db


def post(browser, url, data=None):  # type: ignore[no-untyped-def]
    return browser.post(url, data or {}, content_type="application/json")


def test_a_request_goes_from_asked_to_paid_through_the_api(client, make_user, personal_budget, sam):
    support, coordinator, director = (
        make_user(Role.SUPPORT),
        make_user(Role.COORDINATOR),
        make_user(Role.DIRECTOR),
    )
    client.force_login(support)
    asked = post(
        client,
        "/api/payment-requests/",
        {
            "fund": personal_budget.pk,
            "client": sam.pk,
            "amount": "300.00",
            "payee": "Landlord Ltd",
            "purpose": "Rent in advance",
        },
    )
    assert asked.status_code == 201, asked.content
    pk = asked.json()["id"]
    assert asked.json()["waiting_for"] == ["coordinator", "director"]
    own = post(client, f"/api/payment-requests/{pk}/approve/")
    assert own.status_code == 403  # a support worker approves nothing

    client.force_login(coordinator)
    assert [
        r["id"] for r in client.get("/api/payment-requests/?to_approve=1").json()["results"]
    ] == [pk]
    first = post(client, f"/api/payment-requests/{pk}/approve/", {"comment": "Fine"})
    assert first.status_code == 200 and first.json()["waiting_for"] == ["director"]
    again = post(client, f"/api/payment-requests/{pk}/approve/")
    assert again.status_code == 400 and "must be someone else" in again.json()["detail"]
    early = post(
        client,
        f"/api/payment-requests/{pk}/pay/",
        {"paid_on": "2026-11-20", "method": "card", "reference": "R"},
    )
    assert early.status_code == 400 and "Only an approved request" in early.json()["detail"]

    client.force_login(director)
    second = post(client, f"/api/payment-requests/{pk}/approve/")
    assert second.status_code == 200 and second.json()["status"] == "approved"
    fund = client.get(f"/api/funds/{personal_budget.pk}/").json()
    assert (fund["committed"], fund["remaining"]) == ("300.00", "700.00")

    client.force_login(coordinator)
    paid_on = local_date(PaymentRequest.objects.get(pk=pk).approved_at).isoformat()
    paid = post(
        client,
        f"/api/payment-requests/{pk}/pay/",
        {"paid_on": paid_on, "method": "bank_transfer", "reference": "BACS 991"},
    )
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid" and paid.json()["payment"]["reference"] == "BACS 991"
    fund = client.get(f"/api/funds/{personal_budget.pk}/").json()
    assert (fund["paid"], fund["committed"], fund["remaining"]) == ("300.00", "0.00", "700.00")
    assert client.get("/api/payments/").json()["count"] == 1


def test_over_budget_is_refused_with_the_reason(client, make_user, personal_budget, sam):
    personal_budget.budget = Decimal("100.00")
    personal_budget.save()
    client.force_login(make_user(Role.SUPPORT))
    pk = post(
        client,
        "/api/payment-requests/",
        {
            "fund": personal_budget.pk,
            "client": sam.pk,
            "amount": "150.00",
            "payee": "X",
            "purpose": "Y",
        },
    ).json()["id"]
    assert client.get(f"/api/payment-requests/{pk}/").json()["cannot_be_approved_because"] == [
        f"£150.00 would take {personal_budget} past its budget: £100.00 of £100.00 remains."
    ]
    client.force_login(make_user(Role.COORDINATOR))
    response = post(client, f"/api/payment-requests/{pk}/approve/")
    assert response.status_code == 400 and "past its budget" in response.json()["detail"]
    assert PaymentRequest.objects.get(pk=pk).status == RequestStatus.REQUESTED


def test_reject_needs_a_reason(client, make_user, personal_budget, sam):
    client.force_login(make_user(Role.SUPPORT))
    pk = post(
        client,
        "/api/payment-requests/",
        {
            "fund": personal_budget.pk,
            "client": sam.pk,
            "amount": "10.00",
            "payee": "X",
            "purpose": "Y",
        },
    ).json()["id"]
    client.force_login(make_user(Role.COORDINATOR))
    assert post(client, f"/api/payment-requests/{pk}/reject/").status_code == 400
    done = post(client, f"/api/payment-requests/{pk}/reject/", {"reason": "Not eligible"})
    assert done.json()["status"] == "rejected" and done.json()["close_reason"] == "Not eligible"


def test_funds_are_set_up_by_coordinator_not_by_support(client, make_user):
    body = {
        "name": "Hardship",
        "kind": "hardship",
        "year": 2026,
        "budget": "2000.00",
        "approval_threshold": "50.00",
        "hardship_largest_payment": "40.00",
        "hardship_most_payments": 3,
    }
    client.force_login(make_user(Role.SUPPORT))
    assert post(client, "/api/funds/", body).status_code == 403
    client.force_login(make_user(Role.COORDINATOR))
    made = post(client, "/api/funds/", body)
    assert made.status_code == 201, made.content
    assert made.json()["remaining"] == "2000.00"


def test_schema_lists_the_funds_endpoints(client, make_user):
    client.force_login(make_user(Role.COORDINATOR))
    schema = client.get("/api/schema/").content.decode()
    for path in [
        "/api/funds/",
        "/api/payment-requests/{id}/approve/",
        "/api/payment-requests/{id}/reject/",
        "/api/payment-requests/{id}/pay/",
        "/api/payment-requests/{id}/receipts/",
        "/api/receipts/{id}/download/",
        "/api/payments/export/",
    ]:
        assert path in schema, path
