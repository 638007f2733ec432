"""The outreach API: the same services and rules as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clients.services import merge_clients
from mars.roles import Role
from outreach.models import Contact, Intervention, OutreachSession, PublicReport
from tests.factories import (
    ClientFactory,
    ContactFactory,
    PublicReportFactory,
    RoughSleepingCountFactory,
    SwepActivationFactory,
)

pytestmark = pytest.mark.django_db


def _post(browser, name, data, *args):  # type: ignore[no-untyped-def]
    return browser.post(reverse(name, args=args), data, content_type="application/json")


def test_a_contact_is_logged_through_the_api_by_the_signed_in_worker(as_role, sam):
    browser = as_role(Role.OUTREACH)
    response = _post(
        browser,
        "contact-list",
        {
            "client": sam.pk,
            "kind": "street_outreach",
            "bedded_down": True,
            "verification": "seen_by_worker",
            "location": "Royal Parade",
            "needs_observed": ["alcohol"],
        },
    )
    assert response.status_code == 201, response.json()
    contact = Contact.objects.get()
    assert contact.worker.username == "outreach" and contact.needs_observed == ["alcohol"]
    assert response.json()["worker"] == contact.worker.pk


def test_bad_contacts_are_refused_with_reasons_and_nothing_saved(as_role, sam, coordinator):
    browser = as_role(Role.OUTREACH)
    response = _post(browser, "contact-list", {"kind": "street_outreach"})
    assert response.status_code == 400 and "description" in response.json()
    response = _post(
        browser, "contact-list", {"client": sam.pk, "kind": "phone", "bedded_down": True}
    )
    assert response.status_code == 400 and "verification" in response.json()
    duplicate = ClientFactory()
    merge_clients(duplicate, sam, by=coordinator)
    response = _post(browser, "contact-list", {"client": duplicate.pk, "kind": "phone"})
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_a_contact_time_without_an_offset_is_read_on_a_london_clock_or_refused(
    as_role, sam, time_machine
):
    """As in a bundle (mars.dates.local_instant): 01:30 on the March change day never happens
    in London and on the October one happens twice; neither is guessed."""
    time_machine.move_to(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC))
    browser = as_role(Role.OUTREACH)
    contact = {"client": sam.pk, "kind": "phone"}
    for at in ("2026-03-29T01:30:00", "2026-10-25T01:30:00"):
        response = _post(browser, "contact-list", {**contact, "at": at})
        assert response.status_code == 400, at
        assert "in London" in response.json()["at"][0]
    assert not Contact.objects.exists()
    response = _post(browser, "contact-list", {**contact, "at": "2026-10-25T01:30:00+00:00"})
    assert response.status_code == 201
    summer = _post(browser, "contact-list", {**contact, "at": "2026-07-01T06:30:00"})
    assert summer.status_code == 201
    assert Contact.objects.get(pk=summer.json()["id"]).at == dt.datetime(
        2026, 7, 1, 5, 30, tzinfo=dt.UTC
    )


def test_a_sighting_is_linked_through_the_api(as_role, sam):
    browser = as_role(Role.OUTREACH)
    sighting = ContactFactory(client=None, description="Beard, red hat")
    response = _post(browser, "contact-link", {"client": sam.pk}, sighting.pk)
    assert response.status_code == 200 and response.json()["client"] == sam.pk
    again = _post(browser, "contact-link", {"client": ClientFactory().pk}, sighting.pk)
    assert again.status_code == 400 and "already linked" in again.json()["detail"]


def test_the_api_cannot_move_a_contact_to_another_person(as_role, sam):
    browser = as_role(Role.OUTREACH)
    contact = ContactFactory(client=sam)
    response = browser.patch(
        reverse("contact-detail", args=[contact.pk]),
        {"client": ClientFactory().pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    contact.refresh_from_db()
    assert contact.client == sam


def test_report_actions_through_the_api(as_role, sam):
    browser = as_role(Role.OUTREACH)
    response = _post(
        browser,
        "publicreport-list",
        {"source": "police", "location": "Drake Circus", "description": "Woman in doorway"},
    )
    assert response.status_code == 201
    report = PublicReport.objects.get()
    contact = ContactFactory(client=sam)
    response = _post(browser, "publicreport-attempt", {"found_contact": contact.pk}, report.pk)
    assert response.status_code == 200 and response.json()["status"] == "found"
    response = _post(browser, "publicreport-close", {"outcome": ""}, report.pk)
    assert response.status_code == 400
    response = _post(browser, "publicreport-close", {"outcome": "Offered a bed"}, report.pk)
    assert response.json()["status"] == "closed"


def test_a_report_cannot_be_allocated_to_a_past_session_through_the_api(as_role):
    browser = as_role(Role.OUTREACH)
    report = PublicReportFactory()
    past = OutreachSession.objects.create(
        date=timezone.localdate() - dt.timedelta(days=2), start_time=dt.time(6), area="Hoe"
    )
    response = _post(browser, "publicreport-allocate", {"session": past.pk}, report.pk)
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.allocated_session is None


def test_interventions_keep_their_rules_in_the_api(as_role, sam):
    browser = as_role(Role.SUPPORT)
    response = _post(
        browser,
        "intervention-list",
        {
            "client": sam.pk,
            "kind": "advice",
            "opened": "2026-10-01",
            "closed": "2026-10-02",
            "outcome": "reconnected",
        },
    )
    assert response.status_code == 400 and "outcome" in response.json()
    response = _post(
        browser,
        "intervention-list",
        {
            "client": sam.pk,
            "kind": "reconnection",
            "opened": "2026-10-01",
            "destination": "Bristol",
        },
    )
    assert response.status_code == 201
    assert Intervention.objects.get().worker.username == "support"


def test_swep_summary_and_count_totals_in_the_api(as_role, sam):
    browser = as_role(Role.COORDINATOR)
    activation = SwepActivationFactory()
    ContactFactory(client=sam, at=timezone.now() - dt.timedelta(days=2))
    summary = browser.get(reverse("severeweatheractivation-summary", args=[activation.pk]))
    assert summary.json() == {
        "offered": 0,
        "accepted": 0,
        "declined": 0,
        "still_out": 1,
        "unidentified_sightings": 0,
    }
    count = RoughSleepingCountFactory()
    response = _post(
        browser,
        "countedperson-list",
        {"count": count.pk, "gender": "female", "age_band": "18_25", "nationality_group": "uk"},
    )
    assert response.status_code == 201
    totals = browser.get(reverse("roughsleepingcount-totals", args=[count.pk])).json()
    assert totals["total"] == 1 and totals["age_band"]["18_25"] == 1


def test_a_support_worker_cannot_activate_swep_through_the_api(as_role):
    browser = as_role(Role.SUPPORT)
    now = timezone.now()
    response = _post(
        browser,
        "severeweatheractivation-list",
        {
            "starts": now.isoformat(),
            "ends": (now + dt.timedelta(days=1)).isoformat(),
            "trigger": "freezing",
        },
    )
    assert response.status_code == 403


def test_the_openapi_schema_has_the_outreach_api_and_no_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in ("/api/contacts/{id}/link/", "/api/public-reports/{id}/attempt/", "/api/counts/"):
        assert path in schema


def test_the_api_refuses_reporter_details_without_consent_like_the_page(as_role):
    browser = as_role(Role.OUTREACH)
    response = _post(
        browser,
        "publicreport-list",
        {
            "source": "public",
            "location": "Drake Circus",
            "description": "Man in doorway",
            "reporter_name": "Pat",
        },
    )
    assert response.status_code == 400 and "reporter_consents" in response.json()
    assert not PublicReport.objects.exists()
