import datetime as dt

import pytest

from clients.models import Client, HealthAccess, Referral, SupportPlan
from mars.roles import Role
from tests.conftest import CASE_WORKERS, READERS
from tests.factories import (
    A2AReferralFactory,
    AgencyFactory,
    ClientFactory,
    ConsentFactory,
    HealthAccessFactory,
    ReferralFactory,
    SupportPlanFactory,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"
ENDPOINTS = ["clients", "agencies", "support-plans", "referrals", "health-access"]


@pytest.fixture
def records(sam):
    harbour = AgencyFactory(key="harbour", name="Harbour")
    return {
        "clients": sam,
        "agencies": harbour,
        "support-plans": SupportPlanFactory(client=sam, agencies=[harbour]),
        "referrals": ReferralFactory(client=sam, agency=harbour),
        "health-access": HealthAccessFactory(client=sam),
        # Sam agreed to share with Harbour by name: referrals out and plans may include it.
        "consent": ConsentFactory(client=sam, given_on=dt.date(2026, 1, 1), agencies=[harbour]),
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", [*CASE_WORKERS, Role.DIRECTOR])
def test_staff_list_and_retrieve(as_role, role, endpoint, records):
    client = as_role(role)
    listed = client.get(f"/api/{endpoint}/")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert client.get(f"/api/{endpoint}/{records[endpoint].pk}/").status_code == 200


def test_the_panel_gets_the_people_before_it_and_none_of_their_case_records(as_role, records):
    A2AReferralFactory(client=records["clients"])
    ClientFactory(first_name="Unreferred")
    client = as_role(Role.PANEL)
    listed = client.get("/api/clients/").json()
    assert [row["id"] for row in listed["results"]] == [records["clients"].pk]
    for endpoint in ["support-plans", "referrals", "health-access"]:
        assert client.get(f"/api/{endpoint}/").status_code == 403, endpoint
        assert client.get(f"/api/{endpoint}/{records[endpoint].pk}/").status_code == 404


@pytest.mark.parametrize("endpoint", ["clients", "support-plans", "referrals", "health-access"])
def test_commissioner_gets_nothing_about_people(as_role, endpoint, records):
    client = as_role(Role.COMMISSIONER)
    assert client.get(f"/api/{endpoint}/").status_code == 403
    assert client.get(f"/api/{endpoint}/{records[endpoint].pk}/").status_code == 404
    assert (
        client.patch(f"/api/{endpoint}/{records[endpoint].pk}/", {}, content_type=JSON).status_code
        == 404
    )


def test_anonymous_requests_are_refused(client, records):
    assert client.get("/api/clients/").status_code in (401, 403)


def test_token_authentication_works(client, make_user, records):
    from knox.models import AuthToken

    _, secret = AuthToken.objects.create(user=make_user(Role.SUPPORT))
    response = client.get("/api/clients/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200


def test_client_list_filters_and_searches(as_role, records):
    ClientFactory(first_name="Zed", status="settled")
    client = as_role(Role.OUTREACH)
    assert [
        c["first_name"] for c in client.get("/api/clients/", {"q": "sam"}).json()["results"]
    ] == ["Sam"]
    assert [
        c["first_name"]
        for c in client.get("/api/clients/", {"status": "settled"}).json()["results"]
    ] == ["Zed"]


def test_client_create_update_and_aliases(as_role):
    client = as_role(Role.SUPPORT)
    created = client.post(
        "/api/clients/",
        {
            "first_name": "Robin",
            "last_name": "Tremayne",
            "aliases": ["Bird"],
            "support_needs": ["drugs"],
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["aliases"] == ["Bird"]
    changed = client.patch(
        f"/api/clients/{body['id']}/", {"status": "settled", "aliases": ["Rob"]}, content_type=JSON
    )
    assert changed.status_code == 200
    person = Client.objects.get(pk=body["id"])
    assert person.status == "settled"
    assert person.alias_names == ["Rob"]
    assert person.history.count() == 2


def test_bad_client_input_is_refused_and_changes_nothing(as_role):
    response = as_role(Role.SUPPORT).post(
        "/api/clients/",
        {"first_name": "", "date_of_birth": "2099-01-01", "support_needs": ["flying"]},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"first_name", "date_of_birth", "support_needs"}
    assert not Client.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_create_or_change(as_role, role, records):
    A2AReferralFactory(client=records["clients"])  # before the panel: the panel sees Sam
    client = as_role(role)
    assert client.post("/api/clients/", {"first_name": "X"}, content_type=JSON).status_code == 403
    assert (
        client.patch(
            f"/api/clients/{records['clients'].pk}/", {"first_name": "X"}, content_type=JSON
        ).status_code
        == 403
    )
    assert client.post("/api/referrals/", {}, content_type=JSON).status_code == 403


def test_support_worker_creates_a_support_plan_with_goals(as_role, records):
    harbour = records["agencies"]
    client = as_role(Role.SUPPORT)
    response = client.post(
        "/api/support-plans/",
        {
            "client": records["clients"].pk,
            "start": "2026-10-12",
            "agencies": [harbour.pk],
            "goals": [{"description": "Register with a GP", "status": "in_progress"}],
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    plan = SupportPlan.objects.get(pk=response.json()["id"])
    assert list(plan.agencies.all()) == [harbour]
    assert [g.description for g in plan.goals.all()] == ["Register with a GP"]


def test_a_plan_ending_before_it_starts_is_refused(as_role, records):
    response = as_role(Role.SUPPORT).post(
        "/api/support-plans/",
        {"client": records["clients"].pk, "start": "2026-10-12", "end": "2026-10-01"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "end" in response.json()


def test_outreach_records_a_referral_and_health_access_but_not_a_plan(as_role, records):
    client = as_role(Role.OUTREACH)
    sam, harbour = records["clients"], records["agencies"]
    referral = client.post(
        "/api/referrals/",
        {
            "client": sam.pk,
            "direction": "out",
            "agency": harbour.pk,
            "referred_on": "2026-10-05",
            "reason": "Detox",
        },
        content_type=JSON,
    )
    assert referral.status_code == 201
    health = client.post(
        "/api/health-access/",
        {"client": sam.pk, "kind": "gp_appointment", "date": "2026-10-06"},
        content_type=JSON,
    )
    assert health.status_code == 201
    assert Referral.objects.get(pk=referral.json()["id"]).created_by.username == "outreach"
    assert HealthAccess.objects.filter(client=sam).count() == 2
    assert (
        client.post(
            "/api/support-plans/", {"client": sam.pk, "start": "2026-10-01"}, content_type=JSON
        ).status_code
        == 403
    )


def test_records_cannot_be_moved_to_another_person(as_role, records):
    other = ClientFactory()
    response = as_role(Role.SUPPORT).patch(
        f"/api/referrals/{records['referrals'].pk}/", {"client": other.pk}, content_type=JSON
    )
    assert response.status_code == 400


def test_schema_lists_every_endpoint(as_role):
    response = as_role(Role.SUPPORT).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    paths = response.json()["paths"]
    for endpoint in ENDPOINTS:
        assert f"/api/{endpoint}/" in paths
        assert f"/api/{endpoint}/{{id}}/" in paths


def test_api_docs_are_served_without_a_cdn(as_role):
    html = as_role(Role.SUPPORT).get("/api/docs/").text
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()
