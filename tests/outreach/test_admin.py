"""The Django admin keeps hotspots through the outreach service."""

import pytest

from outreach import services
from outreach.models import Hotspot
from tests.factories import ContactFactory, HotspotFactory

pytestmark = pytest.mark.django_db


def test_a_hotspot_is_saved_through_the_service_and_its_refusal_shown(admin_client, monkeypatch):
    def refuse(hotspot, *, by):
        raise services.OutreachError("Not this hotspot.", field="area")

    monkeypatch.setattr(services, "save_hotspot", refuse)
    response = admin_client.post(
        "/admin/outreach/hotspot/add/", {"name": "Station doorways", "active": "on"}
    )
    assert response.status_code == 200
    assert "Not this hotspot." in response.content.decode()
    assert not Hotspot.objects.exists()


def test_a_hotspot_with_the_name_of_another_is_refused_in_the_admin(admin_client):
    HotspotFactory(name="Station doorways")
    response = admin_client.post(
        "/admin/outreach/hotspot/add/", {"name": "Station doorways", "active": "on"}
    )
    assert response.status_code == 200
    assert Hotspot.objects.count() == 1


def test_a_hotspot_is_saved_in_the_admin_as_the_admin_user(admin_client, admin_user):
    response = admin_client.post(
        "/admin/outreach/hotspot/add/", {"name": "Station doorways", "active": "on"}
    )
    assert response.status_code == 302
    assert Hotspot.objects.get().history.get().history_user == admin_user


def test_a_hotspot_where_people_were_met_is_not_deleted_in_the_admin(admin_client):
    station = ContactFactory(hotspot=HotspotFactory()).hotspot
    response = admin_client.post(f"/admin/outreach/hotspot/{station.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert Hotspot.objects.filter(pk=station.pk).exists()
