"""The coordinator's pages and the API for data protection requests, and who may use them."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from mars.roles import Role
from rights.models import AccessStatus, RightsRequest, SubjectAccessRequest
from tests.clock import ORDINARY_DAY
from tests.rights.conftest import record

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]

OTHERS = [r for r in Role if r != Role.COORDINATOR]


def test_coordinator_records_a_request_on_the_page(as_role, sam):
    web = as_role(Role.COORDINATOR)
    url = reverse("rights:request_create", args=[sam.pk])
    answer = web.post(
        url, {"received_on": "2027-06-10", "requested_by": "representative", "representative": ""}
    )
    assert answer.status_code == 200
    assert "Name the representative" in answer.content.decode()
    assert 'value="2027-06-10"' in answer.content.decode()  # nothing typed is lost
    assert not SubjectAccessRequest.objects.exists()
    answer = web.post(url, {"received_on": "2027-06-10", "requested_by": "person"})
    sar = SubjectAccessRequest.objects.get()
    assert answer.url == sar.get_absolute_url()
    assert sar.due_on == date(2027, 7, 10)


def test_the_list_shows_due_and_overdue(as_role, sam, coordinator, django_assert_max_num_queries):
    record(sam, coordinator, date(2027, 5, 10))
    web = as_role(Role.COORDINATOR)
    with django_assert_max_num_queries(20):
        page = web.get(reverse("rights:request_list")).content.decode()
    assert "Overdue by 6 days" in page
    assert sam.reference in page


@pytest.mark.parametrize("role", OTHERS)
def test_no_one_but_the_coordinator_reaches_requests(as_role, sam, coordinator, role):
    sar = record(sam, coordinator, date(2027, 6, 1), identity_checked_on=date(2027, 6, 1))
    web = as_role(role)
    assert web.get(reverse("rights:request_list")).status_code == 403
    assert web.get(sar.get_absolute_url()).status_code == 404
    assert web.post(reverse("rights:request_export", args=[sar.pk])).status_code == 404
    assert web.get(reverse("rights:request_pdf", args=[sar.pk])).status_code == 404
    assert (
        web.post(
            reverse("rights:request_identity", args=[sar.pk]), {"checked_on": "2027-06-02"}
        ).status_code
        == 404
    )
    assert web.get("/api/subject-access-requests/").status_code == 403
    assert web.post(f"/api/subject-access-requests/{sar.pk}/export/").status_code == 404


def test_the_export_needs_the_identity_check(as_role, sam, coordinator):
    sar = record(sam, coordinator, date(2027, 6, 1))
    web = as_role(Role.COORDINATOR)
    answer = web.post(reverse("rights:request_export", args=[sar.pk]), follow=True)
    assert "Check the requester&#x27;s identity" in answer.content.decode()
    sar.refresh_from_db()
    assert sar.export_made_at is None


def test_make_the_export_sends_a_zip_and_writes_the_access_log(as_role, sam, coordinator):
    sar = record(sam, coordinator, date(2027, 6, 1), identity_checked_on=date(2027, 6, 1))
    web = as_role(Role.COORDINATOR)
    answer = web.post(reverse("rights:request_export", args=[sar.pk]))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/zip"
    assert "no-store" in answer["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))
    assert any(name.endswith(".pdf") for name in archive.namelist())
    assert "REDACTIONS.txt" in archive.namelist()
    event = AccessEvent.objects.about(sam.pk).get(what="subject access export")
    assert event.username == "coordinator"
    sar.refresh_from_db()
    assert sar.export_made_by.username == "coordinator"
    assert sar.history.first().history_change_reason == "Export made"


def test_view_pdf_serves_the_pdf(as_role, sam, coordinator):
    sar = record(sam, coordinator, date(2027, 6, 1), identity_checked_on=date(2027, 6, 1))
    answer = as_role(Role.COORDINATOR).get(reverse("rights:request_pdf", args=[sar.pk]))
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert AccessEvent.objects.about(sam.pk).filter(what="subject access export").exists()


def test_the_request_page_shows_history_and_actions(as_role, sam, coordinator):
    sar = record(sam, coordinator, date(2027, 6, 1))
    page = as_role(Role.COORDINATOR).get(sar.get_absolute_url()).content.decode()
    assert "Record identity check" in page
    assert "History" in page or "history" in page
    assert "Make the export" not in page


def test_person_page_links_to_their_requests(as_role, sam):
    page = as_role(Role.COORDINATOR).get(sam.get_absolute_url()).content.decode()
    assert reverse("rights:person_requests", args=[sam.pk]) in page
    page = as_role(Role.SUPPORT).get(sam.get_absolute_url()).content.decode()
    assert reverse("rights:person_requests", args=[sam.pk]) not in page


def test_rights_request_recorded_and_decided_on_the_pages(as_role, sam):
    web = as_role(Role.COORDINATOR)
    web.post(
        reverse("rights:rights_create", args=[sam.pk]),
        {"kind": "rectification", "received_on": "2027-06-01", "request": "Wrong birthday"},
    )
    request = RightsRequest.objects.get()
    url = reverse("rights:rights_decide", args=[request.pk])
    answer = web.post(
        url, {"decision": "agreed", "decision_reason": "", "decided_on": "2027-06-02"}
    )
    assert answer.status_code == 200
    request.refresh_from_db()
    assert not request.is_decided
    web.post(url, {"decision": "agreed", "decision_reason": "Fixed", "decided_on": "2027-06-02"})
    request.refresh_from_db()
    assert request.decision == "agreed"


def test_api_records_extends_and_exports(as_role, sam):
    web = as_role(Role.COORDINATOR)
    made = web.post(
        "/api/subject-access-requests/",
        {"client": sam.pk, "received_on": "2027-06-01", "requested_by": "person"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["due_on"] == "2027-07-01"
    refused = web.post(
        f"/api/subject-access-requests/{pk}/extend/",
        {"extended_to": "2027-09-02", "extension_reason": "Complex"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "two months" in refused.json()["detail"]
    refused = web.post(f"/api/subject-access-requests/{pk}/export/")
    assert refused.status_code == 400
    web.post(
        f"/api/subject-access-requests/{pk}/identity/",
        {"checked_on": "2027-06-02"},
        content_type="application/json",
    )
    answer = web.post(f"/api/subject-access-requests/{pk}/export/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/zip"
    assert SubjectAccessRequest.objects.get().status == AccessStatus.IN_PROGRESS


def test_api_decides_a_rights_request_once(as_role, sam):
    web = as_role(Role.COORDINATOR)
    made = web.post(
        "/api/rights-requests/",
        {"client": sam.pk, "kind": "objection", "received_on": "2027-06-01", "request": "Stop"},
        content_type="application/json",
    )
    pk = made.json()["id"]
    body = {"decision": "refused", "decision_reason": "Safeguarding", "decided_on": "2027-06-03"}
    first = web.post(f"/api/rights-requests/{pk}/decide/", body, content_type="application/json")
    assert first.status_code == 200
    again = web.post(f"/api/rights-requests/{pk}/decide/", body, content_type="application/json")
    assert again.status_code == 400
