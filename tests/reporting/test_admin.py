"""The Django admin keeps targets through the reporting service."""

import pytest

from mars.roles import Role
from reporting import services
from reporting.models import Target

pytestmark = pytest.mark.django_db

TARGET = {"measure": "reconnected", "year": 2026, "value": "70", "amber_margin": "5", "notes": ""}


def test_a_percentage_target_above_100_is_refused_in_the_admin(as_role):
    browser = as_role(Role.ADMINISTRATOR)
    response = browser.post("/admin/reporting/target/add/", {**TARGET, "value": "150"})
    assert response.status_code == 200
    assert "A percentage target is at most 100." in response.content.decode()
    assert not Target.objects.exists()


def test_a_target_is_saved_through_the_service_and_its_refusal_shown(admin_client, monkeypatch):
    def refuse(target, *, by):
        raise services.ReportError("Not this target.", field="value")

    monkeypatch.setattr(services, "save_target", refuse)
    response = admin_client.post("/admin/reporting/target/add/", TARGET)
    assert response.status_code == 200
    assert "Not this target." in response.content.decode()
    assert not Target.objects.exists()


def test_the_administrator_sets_a_target_in_the_admin(as_role):
    response = as_role(Role.ADMINISTRATOR).post("/admin/reporting/target/add/", TARGET)
    assert response.status_code == 302
    assert Target.objects.get().history.get().history_user.username == "admin"
