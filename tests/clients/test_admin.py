import pytest

from mars.roles import Role

pytestmark = pytest.mark.django_db


def test_commissioner_cannot_reach_people_in_the_admin(as_role, sam):
    response = as_role(Role.COMMISSIONER).get(f"/admin/clients/client/{sam.pk}/change/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_administrator_manages_accounts_but_not_people_in_the_admin(as_role, sam):
    client = as_role(Role.ADMINISTRATOR)
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/clients/client/").status_code == 403
    assert client.get(f"/admin/clients/client/{sam.pk}/change/").status_code in (302, 403, 404)
