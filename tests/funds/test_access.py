"""Who may see and do what with funds and payments, role by role, on the pages and in the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from funds import services
from funds.models import PaymentRequest
from mars.roles import Role
from tests.factories import PaymentRequestFactory, PropertyFactory, UserFactory
from tests.funds.files import image

pytestmark = pytest.mark.django_db

ASKERS = [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR]
NOTHING = [Role.PANEL, Role.COMMISSIONER, Role.ADMINISTRATOR]


@pytest.fixture
def records(personal_budget, property_fund, sam):  # type: ignore[no-untyped-def]
    asker = UserFactory()
    person = PaymentRequestFactory(fund=personal_budget, client=sam, requested_by=asker)
    house = PaymentRequestFactory(
        fund=property_fund,
        client=None,
        house=PropertyFactory(type="mars_house"),
        requested_by=asker,
        amount=Decimal("300"),
    )
    receipt = services.attach_receipt(
        person, ContentFile(image(), name="r.png"), kind="receipt", by=asker
    )
    return {"person": person, "house": house, "receipt": receipt}


@pytest.mark.parametrize("role", [*ASKERS, Role.DIRECTOR])
def test_team_and_director_see_every_request_and_receipt(as_role, records, role):
    browser = as_role(role)
    assert browser.get(reverse("funds:request_list")).status_code == 200
    assert browser.get(reverse("funds:fund_list")).status_code == 200
    for key in ("person", "house"):
        assert browser.get(records[key].get_absolute_url()).status_code == 200
    download = browser.get(records["receipt"].get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="r.png"'
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert browser.get("/api/payment-requests/").json()["count"] == 2
    assert browser.get(f"/api/receipts/{records['receipt'].pk}/download/").status_code == 200
    assert "Funds" in [label for label, _ in browser.get("/").context["nav_links"]]


def test_resettlement_manager_sees_property_spend_but_no_person(as_role, records):
    browser = as_role(Role.RESETTLEMENT_MANAGER)
    assert browser.get(records["house"].get_absolute_url()).status_code == 200
    assert browser.get(records["person"].get_absolute_url()).status_code == 404
    assert browser.get(records["receipt"].get_absolute_url()).status_code == 404
    listed = browser.get("/api/payment-requests/").json()
    assert [r["id"] for r in listed["results"]] == [records["house"].pk]
    queue = browser.get(reverse("funds:request_list") + "?show=to_approve").content.decode()
    assert records["house"].reference in queue
    assert (
        browser.get(reverse("funds:request_approve", args=[records["house"].pk])).status_code == 200
    )
    assert (
        browser.post(
            reverse("funds:request_create", args=[records["person"].client_id])
        ).status_code
        == 403
    )


@pytest.mark.parametrize("role", NOTHING)
def test_panel_commissioner_and_administrator_see_no_payments(as_role, records, role):
    browser = as_role(role)
    assert browser.get(reverse("funds:request_list")).status_code == 403
    for key in ("person", "house"):
        assert browser.get(records[key].get_absolute_url()).status_code == 404
    assert browser.get(records["receipt"].get_absolute_url()).status_code in (403, 404)
    for endpoint in ["payment-requests", "payments"]:
        assert browser.get(f"/api/{endpoint}/").status_code == 403, endpoint
    assert browser.get(f"/api/receipts/{records['receipt'].pk}/download/").status_code in (403, 404)
    assert browser.get(reverse("funds:export")).status_code == 403


def test_administrator_keeps_the_funds_themselves(as_role, personal_budget):
    browser = as_role(Role.ADMINISTRATOR)
    assert browser.get(reverse("funds:fund_list")).status_code == 200
    assert browser.get(reverse("funds:fund_create")).status_code == 200
    assert browser.get(f"/admin/funds/fund/{personal_budget.pk}/change/").status_code == 200


@pytest.mark.parametrize("role", ASKERS)
def test_the_team_may_ask_for_a_payment(as_role, sam, personal_budget, role):
    browser = as_role(role)
    assert browser.get(reverse("funds:request_create", args=[sam.pk])).status_code == 200
    response = browser.post(
        "/api/payment-requests/",
        {
            "fund": personal_budget.pk,
            "client": sam.pk,
            "amount": "12.00",
            "payee": "Boots",
            "purpose": "Glasses",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["waiting_for"] == ["coordinator"]


@pytest.mark.parametrize(
    "role", [Role.OUTREACH, Role.SUPPORT, Role.DIRECTOR, Role.RESETTLEMENT_MANAGER]
)
def test_only_coordinators_record_payments(as_role, records, role):
    browser = as_role(role)
    assert browser.get(reverse("funds:request_pay", args=[records["house"].pk])).status_code == 403
    response = browser.post(
        f"/api/payment-requests/{records['house'].pk}/pay/",
        {"paid_on": "2026-11-01", "method": "card", "reference": "X"},
        content_type="application/json",
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT])
def test_workers_cannot_approve(as_role, records, role):
    browser = as_role(role)
    pk = records["person"].pk
    assert browser.get(reverse("funds:request_approve", args=[pk])).status_code == 403
    assert browser.post(f"/api/payment-requests/{pk}/approve/", {}).status_code == 403
    assert PaymentRequest.objects.get(pk=pk).approvals.count() == 0


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.DIRECTOR])
def test_coordinator_and_director_export_for_finance(as_role, role):
    assert as_role(role).get(reverse("funds:export")).status_code == 200


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.RESETTLEMENT_MANAGER])
def test_others_do_not_export(as_role, role):
    browser = as_role(role)
    assert browser.get(reverse("funds:export")).status_code == 403
    assert (
        browser.get("/api/payments/export/?paid_from=2026-04-01&paid_to=2026-11-30").status_code
        == 403
    )


def test_only_the_asker_or_a_coordinator_changes_a_request(as_role, records, make_user, client):
    browser = as_role(Role.SUPPORT)
    pk = records["person"].pk
    response = browser.patch(
        f"/api/payment-requests/{pk}/", {"amount": "41.00"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "Only the person who asked" in response.json()["detail"]
