"""The Django admin keeps providers and properties through the accommodation services."""

import pytest
from django.contrib.auth.models import User

from accommodation import services
from accommodation.models import Property, Provider, Unit
from mars.roles import Role
from tests.factories import PlacementFactory, PropertyFactory, ProviderFactory, UnitFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/accommodation/property/add/"


def property_form(units=(), initial=0, **fields):
    """The admin's property form as a browser posts it, with one inline row per unit."""
    data = {
        "name": "Harbour Hostel",
        "key": "harbour-hostel",
        "type": "hostel",
        "address": "",
        "provider": "",
        "notes": "",
        "active": "on",
        "units-TOTAL_FORMS": str(len(units)),
        "units-INITIAL_FORMS": str(initial),
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for n, unit in enumerate(units):
        for name, value in unit.items():
            data[f"units-{n}-{name}"] = value
    return data


def test_a_property_with_no_unit_is_refused_in_the_admin_and_nothing_is_saved(admin_client):
    response = admin_client.post(ADD, property_form())
    assert response.status_code == 200
    assert "A property needs at least one unit" in response.content.decode()
    assert not Property.objects.exists()


def test_a_property_with_its_units_is_saved_through_the_service_as_the_admin_user(
    admin_client, admin_user
):
    units = [{"name": "Bed 1", "kind": "bed", "active": "on"}, {"name": "Bed 2", "kind": "bed"}]
    response = admin_client.post(ADD, property_form(units))
    assert response.status_code == 302
    harbour = Property.objects.get(key="harbour-hostel")
    assert [(u.name, u.active) for u in harbour.units.order_by("name")] == [
        ("Bed 1", True),
        ("Bed 2", False),
    ]
    assert harbour.history.get().history_user == admin_user
    assert {u.history_user for u in Unit.history.filter(property_id=harbour.pk)} == {admin_user}


def test_the_administrator_adds_a_property_with_its_units(as_role):
    browser = as_role(Role.ADMINISTRATOR)
    response = browser.post(ADD, property_form([{"name": "Flat 1", "kind": "flat"}]))
    assert response.status_code == 302
    assert Property.objects.get().units.get().name == "Flat 1"
    assert Property.objects.get().history.get().history_user == User.objects.get(username="admin")


def test_a_unit_someone_lives_in_cannot_be_taken_out_of_use_in_the_admin(admin_client):
    bed = UnitFactory(name="Bed 1")
    PlacementFactory(unit=bed)
    harbour = bed.property
    form = property_form(
        [{"id": bed.pk, "property": harbour.pk, "name": "Bed 1", "kind": "room"}],
        initial=1,
        name="Renamed",
        key=harbour.key,
    )
    response = admin_client.post(f"/admin/accommodation/property/{harbour.pk}/change/", form)
    assert response.status_code == 200
    assert "Someone lives in this unit" in response.content.decode()
    bed.refresh_from_db()
    harbour.refresh_from_db()
    assert bed.active
    assert harbour.name != "Renamed"


def test_a_property_is_changed_in_the_admin_without_touching_its_units(admin_client, admin_user):
    harbour = UnitFactory().property
    form = property_form(name="Harbour House", key=harbour.key)
    response = admin_client.post(f"/admin/accommodation/property/{harbour.pk}/change/", form)
    assert response.status_code == 302
    harbour.refresh_from_db()
    assert harbour.name == "Harbour House"
    assert harbour.history.first().history_user == admin_user


def test_a_provider_is_saved_by_the_service_and_its_refusal_shown(admin_client, monkeypatch):
    def refuse(provider, *, by):
        raise services.AccommodationError("Not this provider.", field="phone")

    monkeypatch.setattr(services, "save_provider", refuse)
    response = admin_client.post(
        "/admin/accommodation/provider/add/", {"name": "Harbour Housing", "active": "on"}
    )
    assert response.status_code == 200
    assert "Not this provider." in response.content.decode()
    assert not Provider.objects.exists()


def test_a_property_with_units_is_not_deleted_in_the_admin(admin_client):
    harbour = UnitFactory().property
    response = admin_client.post(
        f"/admin/accommodation/property/{harbour.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 200
    assert Property.objects.filter(pk=harbour.pk).exists()


def test_a_provider_nothing_refers_to_can_be_deleted_but_one_in_use_cannot(admin_client):
    unused = ProviderFactory()
    in_use = PropertyFactory(provider=ProviderFactory()).provider
    for provider in (unused, in_use):
        admin_client.post(f"/admin/accommodation/provider/{provider.pk}/delete/", {"post": "yes"})
    assert list(Provider.objects.all()) == [in_use]


def test_an_old_version_of_a_provider_cannot_be_reverted_to_in_the_admin(admin_client):
    provider = ProviderFactory(name="Harbour Housing")
    version = provider.history.get()
    provider.name = "Harbour Homes"
    provider.save()
    url = f"/admin/accommodation/provider/{provider.pk}/history/{version.history_id}/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"name": "Harbour Housing", "active": "on"}).status_code == 403
    provider.refresh_from_db()
    assert provider.name == "Harbour Homes"
