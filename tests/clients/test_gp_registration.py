"""Registered with a GP: one answer, kept in step with the health access records."""

import pytest

from clients.models import Client
from mars.roles import Role
from reporting.bundle import export_bundle, import_bundle
from tests.factories import HealthAccessFactory
from tests.reporting.conftest import scenario_data

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_recording_a_gp_registration_shows_the_person_registered_on_page_and_api(as_role, sam):
    browser = as_role(Role.SUPPORT)
    response = browser.post(
        "/api/health-access/",
        {"client": sam.pk, "kind": "gp_registration", "date": "2026-10-06"},
        content_type=JSON,
    )
    assert response.status_code == 201
    page = browser.get(sam.get_absolute_url()).content.decode()
    assert "<dt>Registered with a GP</dt><dd>Yes</dd>" in page
    assert browser.get(f"/api/clients/{sam.pk}/").json()["gp_registered"] is True
    sam.refresh_from_db()
    assert sam.history.first().history_change_reason == "GP registration on record"


def test_a_gp_appointment_alone_does_not_say_registered(as_role, sam):
    as_role(Role.SUPPORT).post(
        "/api/health-access/",
        {"client": sam.pk, "kind": "gp_appointment", "date": "2026-10-06"},
        content_type=JSON,
    )
    sam.refresh_from_db()
    assert sam.gp_registered is False


def test_saying_not_registered_beside_a_gp_registration_is_refused(as_role, sam):
    sam.gp_registered = True
    sam.save()
    HealthAccessFactory(client=sam, kind="gp_registration")
    response = as_role(Role.SUPPORT).patch(
        f"/api/clients/{sam.pk}/", {"gp_registered": False}, content_type=JSON
    )
    assert response.status_code == 400
    assert "registered with a GP" in str(response.json())
    sam.refresh_from_db()
    assert sam.gp_registered is True


def test_an_imported_gp_registration_makes_the_person_registered_in_the_export():
    data = scenario_data()
    assert {"client": "C01", "kind": "gp_registration", "date": "2026-10-20"} in data[
        "health_access"
    ]
    import_bundle(data)
    assert Client.objects.get(external_ref="C01").gp_registered is True
    exported = {c["ref"]: c for c in export_bundle()["clients"]}
    assert exported["C01"]["gp_registered"] is True
