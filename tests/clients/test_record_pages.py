import datetime as dt

import pytest
from django.urls import reverse

from clients.models import Agency, HealthAccess, Referral, SupportPlan
from mars.roles import Role
from tests.conftest import READERS
from tests.factories import (
    A2AReferralFactory,
    AgencyFactory,
    ConsentFactory,
    HealthAccessFactory,
    ReferralFactory,
    SupportPlanFactory,
)

pytestmark = pytest.mark.django_db

RECORDS = {
    "support_plan": SupportPlanFactory,
    "referral": ReferralFactory,
    "health_access": HealthAccessFactory,
}


@pytest.mark.parametrize("kind", RECORDS)
@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR, Role.DIRECTOR])
def test_staff_open_a_record_with_its_history(as_role, role, kind):
    record = RECORDS[kind]()
    response = as_role(role).get(reverse(f"clients:{kind}_detail", args=[record.pk]))
    assert response.status_code == 200
    assert "History" in response.text
    assert record.client.reference in response.text


@pytest.mark.parametrize("kind", RECORDS)
@pytest.mark.parametrize("role", [Role.PANEL, Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_roles_without_case_access_get_not_found_for_records(as_role, role, kind):
    record = RECORDS[kind]()
    A2AReferralFactory(client=record.client)  # the panel sees the person, not these records
    assert as_role(role).get(reverse(f"clients:{kind}_detail", args=[record.pk])).status_code == 404
    assert as_role(role).get(reverse(f"clients:{kind}_edit", args=[record.pk])).status_code == 404


@pytest.mark.parametrize("kind", RECORDS)
@pytest.mark.parametrize("role", [Role.DIRECTOR])
def test_readers_cannot_change_records(as_role, role, kind):
    record = RECORDS[kind]()
    assert as_role(role).get(reverse(f"clients:{kind}_edit", args=[record.pk])).status_code == 403


def test_support_worker_adds_a_support_plan_from_the_page(as_role, sam):
    harbour = AgencyFactory(name="Harbour")
    ConsentFactory(client=sam, given_on=dt.date(2026, 1, 1), agencies=[harbour])
    response = as_role(Role.SUPPORT).post(
        reverse("clients:support_plan_create", args=[sam.pk]),
        {
            "start": "2026-10-12",
            "agencies": [harbour.pk],
            "goals-TOTAL_FORMS": "2",
            "goals-INITIAL_FORMS": "0",
            "goals-0-description": "Register with a GP",
            "goals-0-status": "in_progress",
            "goals-1-description": "",
            "goals-1-status": "not_started",
        },
    )
    plan = SupportPlan.objects.get(client=sam)
    assert response.status_code == 302
    assert [g.description for g in plan.goals.all()] == ["Register with a GP"]
    assert plan.created_by.username == "support"


def test_outreach_worker_cannot_add_a_support_plan(as_role, sam):
    url = reverse("clients:support_plan_create", args=[sam.pk])
    assert as_role(Role.OUTREACH).get(url).status_code == 403


def test_a_plan_ending_before_it_starts_is_refused_beside_the_field(as_role, sam):
    response = as_role(Role.SUPPORT).post(
        reverse("clients:support_plan_create", args=[sam.pk]),
        {
            "start": "2026-10-12",
            "end": "2026-10-01",
            "summary": "Kept",
            "goals-TOTAL_FORMS": "0",
            "goals-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end"] == ["The plan cannot end before it starts."]
    assert "Kept" in response.text
    assert not SupportPlan.objects.exists()


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR])
def test_case_workers_record_referrals_and_health_access(as_role, role, sam):
    agency = AgencyFactory(kind="drug_alcohol")
    ConsentFactory(client=sam, given_on=dt.date(2026, 1, 1), scopes=["drug_alcohol"])
    client = as_role(role)
    referral = client.post(
        reverse("clients:referral_create", args=[sam.pk]),
        {
            "direction": "out",
            "agency": agency.pk,
            "referred_on": "2026-10-05",
            "reason": "Detox",
            "status": "sent",
        },
    )
    health = client.post(
        reverse("clients:health_access_create", args=[sam.pk]),
        {"kind": "dental", "date": "2026-10-06"},
    )
    assert referral.status_code == health.status_code == 302
    assert str(Referral.objects.get(client=sam).created_by_id) == client.session["_auth_user_id"]
    assert HealthAccess.objects.get(client=sam).kind == "dental"


def test_future_health_access_is_refused(as_role, sam):
    response = as_role(Role.SUPPORT).post(
        reverse("clients:health_access_create", args=[sam.pk]),
        {"kind": "dental", "date": "2099-10-06"},
    )
    assert response.status_code == 200
    assert "This date cannot be in the future." in response.text
    assert not HealthAccess.objects.exists()


def test_coordinator_adds_an_agency_and_support_worker_cannot(as_role):
    data = {"key": "harbour", "name": "Harbour", "kind": "drug_alcohol", "active": "on"}
    assert as_role(Role.SUPPORT).post(reverse("clients:agency_create"), data).status_code == 403
    assert as_role(Role.COORDINATOR).post(reverse("clients:agency_create"), data).status_code == 302
    assert Agency.objects.get(key="harbour").history.count() == 1


@pytest.mark.parametrize(
    "role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR, *READERS, Role.ADMINISTRATOR]
)
def test_staff_see_agencies(as_role, role):
    AgencyFactory(name="Harbour")
    assert "Harbour" in as_role(role).get(reverse("clients:agency_list")).text


def test_commissioner_is_refused_agencies(as_role):
    assert as_role(Role.COMMISSIONER).get(reverse("clients:agency_list")).status_code == 403


def test_no_record_is_added_to_a_merged_person(sam):
    from clients.services import ClientError, merge_clients, save_person_record
    from tests.factories import ClientFactory

    merge_clients(sam, ClientFactory(), by=None)
    with pytest.raises(ClientError, match="merged into another"):
        save_person_record(HealthAccess(client=sam, kind="dental", date="2026-10-06"), by=None)
    assert not HealthAccess.objects.exists()


def test_api_stamps_who_recorded_health_access(as_role, sam):
    client = as_role(Role.SUPPORT)
    response = client.post(
        "/api/health-access/",
        {"client": sam.pk, "kind": "dental", "date": "2026-10-06"},
        content_type="application/json",
    )
    assert response.status_code == 201
    record = HealthAccess.objects.get(pk=response.json()["id"])
    assert record.created_by.username == "support"
    assert record.history.first().history_user.username == "support"
