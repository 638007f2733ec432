import pytest

from clients import services
from clients.models import Agency
from mars.roles import Role
from tests.factories import AgencyFactory, SupportPlanFactory

pytestmark = pytest.mark.django_db


def test_commissioner_cannot_reach_people_in_the_admin(as_role, sam):
    response = as_role(Role.COMMISSIONER).get(f"/admin/clients/client/{sam.pk}/change/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_administrator_manages_accounts_on_the_staff_pages_and_not_people_in_the_admin(
    as_role, sam
):
    client = as_role(Role.ADMINISTRATOR)
    assert client.get("/accounts/staff/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 404
    assert client.get("/admin/clients/client/").status_code == 403
    assert client.get(f"/admin/clients/client/{sam.pk}/change/").status_code in (302, 403, 404)


def test_the_person_admin_is_for_looking_only(admin_client, sam):
    change_url = f"/admin/clients/client/{sam.pk}/change/"
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert "Sam" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get("/admin/clients/client/add/").status_code == 403
    delete_url = f"/admin/clients/client/{sam.pk}/delete/"
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403


def test_the_person_admin_refuses_a_posted_change(admin_client, sam):
    response = admin_client.post(
        f"/admin/clients/client/{sam.pk}/change/",
        {"first_name": "Samuel", "last_name": "Example", "status": sam.status},
    )
    assert response.status_code == 403
    sam.refresh_from_db()
    assert sam.first_name == "Sam"


def test_the_person_admin_refuses_a_revert_to_an_old_version(admin_client, sam):
    version = sam.history.earliest()
    sam.first_name = "Samuel"
    sam.save()
    url = f"/admin/clients/client/{sam.pk}/history/{version.history_id}/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"first_name": "Sam", "last_name": "Example"})
    assert response.status_code == 403
    sam.refresh_from_db()
    assert sam.first_name == "Samuel"


def test_an_agency_is_saved_through_the_service_and_its_refusal_shown(admin_client, monkeypatch):
    def refuse(agency, *, by):
        raise services.ClientError("Not this agency.", field="email")

    monkeypatch.setattr(services, "save_agency", refuse)
    response = admin_client.post(
        "/admin/clients/agency/add/",
        {"key": "harbour", "name": "Harbour Trust", "kind": "other", "active": "on"},
    )
    assert response.status_code == 200
    assert "Not this agency." in response.content.decode()
    assert not Agency.objects.exists()


def test_the_administrator_adds_an_agency_recorded_as_theirs(as_role):
    browser = as_role(Role.ADMINISTRATOR)
    response = browser.post(
        "/admin/clients/agency/add/",
        {"key": "harbour", "name": "Harbour Trust", "kind": "other", "active": "on"},
    )
    assert response.status_code == 302
    assert Agency.objects.get().history.get().history_user.username == "admin"


def test_an_agency_a_support_plan_names_is_not_deleted_in_the_admin(admin_client, sam):
    harbour = AgencyFactory(name="Harbour Trust")
    SupportPlanFactory(client=sam, agencies=[harbour])
    url = f"/admin/clients/agency/{harbour.pk}/delete/"
    assert "Support plan" in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert list(sam.support_plans.get().agencies.all()) == [harbour]
