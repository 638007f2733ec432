"""Who may see and change outreach records, in pages and API alike, for every role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mars.roles import Role

LISTS = [
    "outreach:home",
    "outreach:session_list",
    "outreach:sighting_list",
    "outreach:seen_recently",
    "outreach:report_list",
    "outreach:swep_list",
    "outreach:count_list",
]
DETAILS = [
    ("outreach:session_detail", "session"),
    ("outreach:contact_detail", "contact"),
    ("outreach:contact_detail", "sighting"),
    ("outreach:report_detail", "report"),
    ("outreach:intervention_detail", "intervention"),
    ("outreach:swep_detail", "swep"),
    ("outreach:swep_offer_detail", "offer"),
    ("outreach:count_detail", "count"),
]
EDITS = [
    ("outreach:session_edit", "session"),
    ("outreach:contact_edit", "contact"),
    ("outreach:report_edit", "report"),
    ("outreach:intervention_edit", "intervention"),
    ("outreach:swep_edit", "swep"),
    ("outreach:swep_offer_edit", "offer"),
    ("outreach:count_edit", "count"),
]
EVERY_WORKER = [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR, Role.DIRECTOR]


@pytest.mark.parametrize("role", EVERY_WORKER)
def test_every_worker_sees_every_outreach_page(as_role, records, role):
    browser = as_role(role)
    for name in LISTS:
        assert browser.get(reverse(name)).status_code == 200, name
    for name, key in DETAILS:
        response = browser.get(reverse(name, args=[records[key].pk]))
        assert response.status_code == 200, name
        assert b"History" in response.content
    assert (
        browser.get(reverse("outreach:hotspot_detail", args=[records["hotspot"].pk])).status_code
        == 200
    )


@pytest.mark.parametrize("role", [Role.PANEL, Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_panel_commissioner_and_administrator_see_no_outreach_case_records(as_role, records, role):
    browser = as_role(role)
    for name in LISTS:
        assert browser.get(reverse(name)).status_code == 403, name
    for name, key in DETAILS:
        assert browser.get(reverse(name, args=[records[key].pk])).status_code == 404, name
    people = browser.get(
        reverse("outreach:contact_create") + f"?client={records['contact'].client_id}"
    )
    assert people.status_code == 403


def test_administrator_keeps_hotspots_and_commissioner_does_not(as_role, records, make_user):
    admin = as_role(Role.ADMINISTRATOR)
    assert admin.get(reverse("outreach:hotspot_list")).status_code == 200
    page = admin.get(reverse("outreach:hotspot_detail", args=[records["hotspot"].pk]))
    assert page.status_code == 200
    assert (
        b"Sam Example" not in page.content
    )  # a hotspot's page shows no one to those who see no people
    assert admin.get(reverse("outreach:hotspot_create")).status_code == 200
    admin.force_login(make_user(Role.COMMISSIONER))
    assert admin.get(reverse("outreach:hotspot_list")).status_code == 403


@pytest.mark.parametrize("role", [Role.DIRECTOR])
def test_directors_only_read(as_role, records, role):
    browser = as_role(role)
    for name, key in EDITS:
        assert browser.get(reverse(name, args=[records[key].pk])).status_code == 403, name
    assert browser.get(reverse("outreach:contact_create")).status_code == 403
    assert browser.get(reverse("outreach:session_create")).status_code == 403


@pytest.mark.parametrize(
    ("role", "may_run_swep_and_count"),
    [(Role.COORDINATOR, True), (Role.OUTREACH, False), (Role.SUPPORT, False)],
)
def test_only_the_coordinator_activates_swep_and_records_the_count(
    as_role, records, role, may_run_swep_and_count
):
    browser = as_role(role)
    expected = 200 if may_run_swep_and_count else 403
    assert browser.get(reverse("outreach:swep_create")).status_code == expected
    assert browser.get(reverse("outreach:count_create")).status_code == expected
    assert (
        browser.get(reverse("outreach:swep_edit", args=[records["swep"].pk])).status_code
        == expected
    )


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR])
def test_case_workers_log_contacts_and_interventions(as_role, records, role):
    browser = as_role(role)
    sam = records["contact"].client
    assert browser.get(reverse("outreach:contact_create") + f"?client={sam.pk}").status_code == 200
    assert browser.get(reverse("outreach:intervention_create", args=[sam.pk])).status_code == 200
    assert browser.get(reverse("outreach:report_create")).status_code == 200
    for name, key in [("outreach:contact_edit", "contact"), ("outreach:report_edit", "report")]:
        assert browser.get(reverse(name, args=[records[key].pk])).status_code == 200


API_LISTS = [
    "hotspot-list",
    "outreachsession-list",
    "contact-list",
    "publicreport-list",
    "intervention-list",
    "severeweatheractivation-list",
    "swepoffer-list",
    "roughsleepingcount-list",
    "countedperson-list",
]


@pytest.mark.parametrize("role", EVERY_WORKER)
def test_every_worker_reads_the_outreach_api(as_role, records, role):
    browser = as_role(role)
    for name in API_LISTS:
        response = browser.get(reverse(name))
        assert response.status_code == 200, name
        assert response.json()["count"] >= 1, name


def test_commissioner_gets_nothing_from_the_outreach_api(as_role, records):
    browser = as_role(Role.COMMISSIONER)
    for name in API_LISTS:
        assert browser.get(reverse(name)).status_code == 403, name
    detail = reverse("contact-detail", args=[records["contact"].pk])
    assert browser.get(detail).status_code == 404


def test_panel_member_neither_reads_nor_changes_street_records_through_the_api(as_role, records):
    browser = as_role(Role.PANEL)
    for name in API_LISTS:
        assert browser.get(reverse(name)).status_code == 403, name
    url = reverse("contact-detail", args=[records["contact"].pk])
    response = browser.patch(url, {"notes": "changed"}, content_type="application/json")
    assert response.status_code in (403, 404)
    records["contact"].refresh_from_db()
    assert records["contact"].notes == ""


def test_outreach_worker_cannot_delete_a_counted_person_but_coordinator_can(
    as_role, records, make_user
):
    url = reverse("countedperson-detail", args=[records["counted"].pk])
    browser = as_role(Role.OUTREACH)
    assert browser.delete(url).status_code == 403
    browser.force_login(make_user(Role.COORDINATOR))
    assert browser.delete(url).status_code == 204
