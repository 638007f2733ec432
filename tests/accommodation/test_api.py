"""The accommodation API: the same services and rules as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accommodation.models import A2AReferral, Placement, ReferralStatus
from clients.models import ClientStatus
from mars.roles import Role
from tests.factories import PlacementFactory, UnitFactory, plan_in_force

pytestmark = pytest.mark.django_db


def post(browser, url, data):  # type: ignore[no-untyped-def]
    return browser.post(url, data, content_type="application/json")


def test_refer_decide_and_place_through_the_api(client, make_user, sam, bed):
    support, panel, coordinator = (
        make_user(Role.SUPPORT),
        make_user(Role.PANEL),
        make_user(Role.COORDINATOR),
    )
    client.force_login(support)
    made = post(
        client,
        "/api/a2a-referrals/",
        {"client": sam.pk, "requested_type": "hostel", "needs": "Alcohol", "reasons": "Out"},
    )
    assert made.status_code == 201, made.json()
    referral_id = made.json()["id"]
    assert made.json()["status"] == "submitted" and made.json()["days_waiting"] == 0

    client.force_login(panel)
    decided = post(
        client,
        f"/api/a2a-referrals/{referral_id}/decide/",
        {"approve": True, "reason": "Approved", "priority": 1},
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "approved" and decided.json()["decided_by"] == panel.pk

    client.force_login(coordinator)
    placed = post(
        client,
        "/api/placements/",
        {
            "client": sam.pk,
            "unit": bed.pk,
            "start": timezone.localdate().isoformat(),
            "referral": referral_id,
        },
    )
    assert placed.status_code == 201, placed.json()
    assert placed.json()["property_type"] == "hostel"
    assert A2AReferral.objects.get(pk=referral_id).status == ReferralStatus.PLACED
    sam.refresh_from_db()
    assert sam.status == ClientStatus.TEMPORARY_ACCOMMODATION


def test_a_clash_is_a_clear_400_that_changes_nothing(as_role, sam, bed):
    PlacementFactory(unit=bed)
    browser = as_role(Role.COORDINATOR)
    response = post(
        browser,
        "/api/placements/",
        {"client": sam.pk, "unit": bed.pk, "start": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "is not free" in response.json()["detail"]
    assert Placement.objects.filter(client=sam).count() == 0


def test_end_and_move_through_the_api(as_role, sam, bed):
    browser = as_role(Role.COORDINATOR)
    placement = PlacementFactory(
        client=sam, unit=bed, start=timezone.localdate() - dt.timedelta(days=3)
    )
    room = UnitFactory(property=bed.property, name="Bed 2")
    moved = post(
        browser,
        f"/api/placements/{placement.pk}/move/",
        {"unit": room.pk, "on": timezone.localdate().isoformat()},
    )
    assert moved.status_code == 201, moved.json()
    assert moved.json()["unit"] == room.pk
    ended = post(
        browser,
        f"/api/placements/{moved.json()['id']}/end/",
        {"end": timezone.localdate().isoformat(), "reason": "reconnected", "destination": "Leeds"},
    )
    assert ended.status_code == 200 and ended.json()["end_reason"] == "reconnected"
    sam.refresh_from_db()
    assert sam.status == ClientStatus.RECONNECTED


def test_a_placement_keeps_its_person_and_unit_when_corrected(as_role, sam, bed):
    browser = as_role(Role.COORDINATOR)
    placement = PlacementFactory(client=sam, unit=bed)
    other = UnitFactory()
    response = browser.patch(
        f"/api/placements/{placement.pk}/",
        {"unit": other.pk, "nightly_cost": "30.00"},
        content_type="application/json",
    )
    assert response.status_code == 200
    placement.refresh_from_db()
    assert placement.unit == bed and str(placement.nightly_cost) == "30.00"


def test_mars_house_sign_up_through_the_api(as_role, sam, mars_house):
    plan_in_force(sam)
    browser = as_role(Role.COORDINATOR)
    made = post(browser, "/api/mars-house-referrals/", {"client": sam.pk, "reasons": "Ready"})
    pk = made.json()["id"]
    today = timezone.localdate().isoformat()
    assert (
        post(
            browser,
            f"/api/mars-house-referrals/{pk}/assess/",
            {"assessed_on": today, "notes": "ok"},
        ).status_code
        == 200
    )
    assert (
        post(browser, f"/api/mars-house-referrals/{pk}/decide/", {"accept": True}).status_code
        == 200
    )
    room = mars_house.units.get(name="Room 2")
    signed = post(
        browser,
        f"/api/mars-house-referrals/{pk}/sign-up/",
        {"unit": room.pk, "licence_date": today},
    )
    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "signed_up" and signed.json()["placement"]
    board = browser.get("/api/availability/?type=mars_house").json()
    assert room.pk not in [u["id"] for u in board["free"]]


def test_support_worker_logs_an_issue_but_cannot_place(as_role, mars_house, sam, bed):
    browser = as_role(Role.SUPPORT)
    logged = post(
        browser,
        "/api/house-issues/",
        {"property": mars_house.pk, "kind": "incident", "description": "Fire alarm set off"},
    )
    assert logged.status_code == 201
    assert (
        post(
            browser, "/api/placements/", {"client": sam.pk, "unit": bed.pk, "start": "2026-11-01"}
        ).status_code
        == 403
    )


def test_the_schema_lists_the_accommodation_endpoints(as_role):
    schema = as_role(Role.COORDINATOR).get("/api/schema/").content.decode()
    for path in [
        "/api/placements/{id}/move/",
        "/api/a2a-referrals/{id}/decide/",
        "/api/mars-house-referrals/{id}/sign-up/",
        "/api/availability/",
        "/api/mars-house-voids/",
        "/api/housing-first/",
    ]:
        assert path in schema, path


def test_a_future_referral_is_refused_by_the_api_too(as_role, sam):
    browser = as_role(Role.SUPPORT)
    response = post(
        browser,
        "/api/a2a-referrals/",
        {
            "client": sam.pk,
            "referred_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            "requested_type": "hostel",
            "needs": "x",
            "reasons": "y",
        },
    )
    assert response.status_code == 400 and "future" in response.json()["detail"]
    assert not A2AReferral.objects.exists()


def test_a_planned_end_before_the_move_in_is_refused_in_words(as_role, sam, bed):
    response = post(
        as_role(Role.COORDINATOR),
        "/api/placements/",
        {
            "client": sam.pk,
            "unit": bed.pk,
            "start": timezone.localdate().isoformat(),
            "planned_end": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "on or after the day they moved in" in str(response.json())
    assert not Placement.objects.exists()
