"""Who may see and do what with accommodation, in pages and API alike, for every role."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accommodation.models import A2AReferral, Placement, ReferralStatus
from mars.roles import Role

LISTS = [
    "accommodation:board",
    "accommodation:referral_list",
    "accommodation:placement_list",
    "accommodation:housing_first",
    "accommodation:mars_house",
    "accommodation:mars_house_referral_list",
    "accommodation:voids",
    "accommodation:issue_list",
    "accommodation:property_list",
    "accommodation:provider_list",
]
DETAILS = [
    ("accommodation:provider_detail", "provider"),
    ("accommodation:property_detail", "property"),
    ("accommodation:unit_detail", "unit"),
    ("accommodation:referral_detail", "referral"),
    ("accommodation:placement_detail", "placement"),
    ("accommodation:mars_house_referral_detail", "mars_house_referral"),
    ("accommodation:issue_detail", "issue"),
]
PERSONAL = ["referral", "placement", "mars_house_referral", "issue"]
API_LISTS = [
    "providers",
    "properties",
    "units",
    "unit-unavailability",
    "a2a-referrals",
    "placements",
    "mars-house-referrals",
    "house-issues",
    "availability",
    "mars-house-voids",
    "housing-first",
]
EVERY_WORKER = [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR, Role.DIRECTOR]
# The panel's need to know: housing stock and the referrals before it; no placements, MARS House
# referrals or house issues (tests/mars/test_need_to_know.py has the rest).
PANEL_LISTS = ["accommodation:board", "accommodation:referral_list", "accommodation:voids"]
PANEL_LISTS += ["accommodation:property_list", "accommodation:provider_list"]
PANEL_API = ["providers", "properties", "units", "unit-unavailability", "a2a-referrals"]
PANEL_API += ["availability", "mars-house-voids"]


@pytest.mark.parametrize("role", EVERY_WORKER)
def test_every_worker_sees_every_accommodation_page_with_history(as_role, records, role):
    browser = as_role(role)
    for name in LISTS:
        assert browser.get(reverse(name)).status_code == 200, name
    for name, key in DETAILS:
        response = browser.get(reverse(name, args=[records[key].pk]))
        assert response.status_code == 200, name
        assert b"History" in response.content, name
    for name in API_LISTS:
        assert browser.get(f"/api/{name}/").status_code == 200, name


def test_the_panel_sees_the_housing_and_the_referrals_before_it_and_nothing_else(as_role, records):
    browser = as_role(Role.PANEL)
    for name in LISTS:
        status = 200 if name in PANEL_LISTS else 403
        assert browser.get(reverse(name)).status_code == status, name
    for name, key in DETAILS:
        status = 404 if key in ["placement", "mars_house_referral", "issue"] else 200
        assert browser.get(reverse(name, args=[records[key].pk])).status_code == status, name
    for name in API_LISTS:
        status = 200 if name in PANEL_API else 403
        assert browser.get(f"/api/{name}/").status_code == status, name


def test_commissioner_sees_nothing_of_accommodation(as_role, records):
    browser = as_role(Role.COMMISSIONER)
    for name in LISTS:
        assert browser.get(reverse(name)).status_code == 403, name
    for name, key in DETAILS:
        assert browser.get(reverse(name, args=[records[key].pk])).status_code == 404, name
    for name in API_LISTS:
        assert browser.get(f"/api/{name}/").status_code == 403, name
    assert browser.get(f"/api/placements/{records['placement'].pk}/").status_code == 404


def test_administrator_keeps_properties_but_sees_no_one(as_role, records):
    browser = as_role(Role.ADMINISTRATOR)
    assert browser.get(reverse("accommodation:property_create")).status_code == 200
    page = browser.get(reverse("accommodation:unit_detail", args=[records["unit"].pk]))
    assert page.status_code == 200
    assert records["placement"].client.last_name.encode() not in page.content
    for key in PERSONAL:
        name = next(n for n, k in DETAILS if k == key)
        assert browser.get(reverse(name, args=[records[key].pk])).status_code == 404, key
    assert browser.get("/api/placements/").status_code == 403


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR])
def test_outreach_and_support_workers_refer_to_the_panel(as_role, sam, role):
    browser = as_role(role)
    url = reverse("accommodation:referral_create", args=[sam.pk])
    response = browser.post(
        url,
        {
            "referred_on": timezone.localdate().isoformat(),
            "requested_type": "hostel",
            "needs": "Mental health support",
            "reasons": "Sleeping out at the bus station",
        },
    )
    referral = A2AReferral.objects.get(client=sam)
    assert response.status_code == 302 and response.url == referral.get_absolute_url()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.parametrize("role", [Role.PANEL, Role.DIRECTOR, Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_others_cannot_refer(as_role, sam, role):
    browser = as_role(role)
    assert browser.get(reverse("accommodation:referral_create", args=[sam.pk])).status_code in (
        403,
        404,
    )
    assert browser.post("/api/a2a-referrals/", {"client": sam.pk}).status_code == 403


@pytest.mark.parametrize("role", [Role.PANEL, Role.COORDINATOR])
def test_the_panel_decides(as_role, records, role):
    browser = as_role(role)
    referral = records["referral"]
    response = browser.post(
        reverse("accommodation:referral_decide", args=[referral.pk]),
        {"decision": "approve", "priority": "1", "reason": "High risk; engages"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPROVED and referral.priority == 1
    assert referral.decided_by.username == ("panel" if role == Role.PANEL else "coordinator")


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.DIRECTOR])
def test_workers_outside_the_panel_cannot_decide(as_role, records, role):
    browser = as_role(role)
    referral = records["referral"]
    url = reverse("accommodation:referral_decide", args=[referral.pk])
    assert browser.post(url, {"decision": "approve", "reason": "x"}).status_code == 403
    api = browser.post(
        f"/api/a2a-referrals/{referral.pk}/decide/",
        {"approve": True, "reason": "x"},
        content_type="application/json",
    )
    assert api.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.parametrize(
    "role", [Role.OUTREACH, Role.SUPPORT, Role.PANEL, Role.DIRECTOR, Role.ADMINISTRATOR]
)
def test_only_the_coordinator_places(as_role, records, sam, role):
    browser = as_role(role)
    assert browser.get(
        reverse("accommodation:placement_create") + f"?client={sam.pk}"
    ).status_code in (403, 404)
    placement = records["placement"]
    assert browser.get(reverse("accommodation:placement_end", args=[placement.pk])).status_code in (
        403,
        404,
    )
    api = browser.post(
        "/api/placements/",
        {"client": sam.pk, "unit": records["unit"].pk, "start": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert Placement.objects.count() == 1


def test_the_person_page_shows_accommodation_to_workers_only(as_role, records):
    person = records["placement"].client
    page = as_role(Role.SUPPORT).get(person.get_absolute_url())
    assert b"Accommodation" in page.content and b"Devonport House, Bed 1" in page.content
    assert b"Moved in" in page.content  # on the timeline


def test_navigation_shows_accommodation_to_those_who_may_see_it(as_role, records):
    assert b'href="/accommodation/"' in as_role(Role.OUTREACH).get("/").content
    assert b'href="/accommodation/"' not in as_role(Role.COMMISSIONER).get("/").content
