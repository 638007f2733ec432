"""Every admin page for the apps' records either saves through a service or is read-only."""

import pytest
from django.contrib import admin

from mars.admin import ReadOnly, ServiceAdmin

pytestmark = pytest.mark.django_db

APPS = {"clients", "outreach", "accommodation", "risk", "funds", "reporting", "mars"}
REGISTERED = sorted(
    (model._meta.label, model_admin)
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in APPS
)
READ_ONLY = [(label, one) for label, one in REGISTERED if isinstance(one, ReadOnly)]


@pytest.mark.parametrize(("label", "model_admin"), REGISTERED, ids=[r[0] for r in REGISTERED])
def test_each_admin_of_the_apps_saves_through_a_service_or_is_read_only(label, model_admin):
    if isinstance(model_admin, ServiceAdmin):
        assert "save_model" in type(model_admin).__dict__, f"{label} saves without a service"
    else:
        assert isinstance(model_admin, ReadOnly), f"{label} is neither"


def test_the_person_admin_is_one_of_the_read_only_ones():
    assert "clients.Client" in [label for label, _ in READ_ONLY]


@pytest.mark.parametrize(("label", "model_admin"), READ_ONLY, ids=[r[0] for r in READ_ONLY])
def test_a_read_only_admin_offers_no_add_change_or_delete(admin_client, label, model_admin):
    app_label, model_name = label.lower().split(".")
    assert admin_client.get(f"/admin/{app_label}/{model_name}/add/").status_code == 403
    listing = admin_client.get(f"/admin/{app_label}/{model_name}/").content.decode()
    assert f"/admin/{app_label}/{model_name}/add/" not in listing
    assert 'value="delete_selected"' not in listing
    for inline in model_admin.inlines:
        inline_admin = inline(model_admin.model, admin.site)
        assert not inline_admin.has_add_permission(None)
        assert not inline_admin.has_change_permission(None)
