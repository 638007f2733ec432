"""The Django admin keeps funds through the funds service."""

import pytest

from funds.models import Fund
from mars.roles import Role
from tests.factories import FundFactory, PaymentRequestFactory

pytestmark = pytest.mark.django_db


def fund_form(fund, **changes):
    data = {
        "name": fund.name,
        "kind": fund.kind,
        "year": fund.year,
        "budget": fund.budget,
        "approval_threshold": fund.approval_threshold,
        "notes": "",
    }
    return {**data, **changes}


def test_a_fund_with_requests_keeps_its_year_in_the_admin(as_role):
    fund = PaymentRequestFactory().fund
    browser = as_role(Role.ADMINISTRATOR)
    response = browser.post(
        f"/admin/funds/fund/{fund.pk}/change/",
        fund_form(fund, year=fund.year + 1, name="Renamed"),
    )
    assert response.status_code == 200
    assert "its year cannot change" in response.content.decode()
    fund.refresh_from_db()
    assert fund.name != "Renamed"


def test_a_fund_without_requests_is_changed_in_the_admin_as_the_administrator(as_role):
    fund = FundFactory()
    browser = as_role(Role.ADMINISTRATOR)
    response = browser.post(
        f"/admin/funds/fund/{fund.pk}/change/", fund_form(fund, year=fund.year + 1)
    )
    assert response.status_code == 302
    fund.refresh_from_db()
    assert fund.history.first().history_user.username == "admin"


def test_a_fund_with_requests_is_not_deleted_in_the_admin(admin_client):
    fund = PaymentRequestFactory().fund
    response = admin_client.post(f"/admin/funds/fund/{fund.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert Fund.objects.filter(pk=fund.pk).exists()
