import pytest
from django.urls import reverse

from clients.models import Client
from mars.roles import Role
from tests.factories import AgencyFactory, ClientFactory, ConsentFactory, SupportPlanFactory

pytestmark = pytest.mark.django_db


def test_person_page_shows_who_created_and_changed_what(client, make_user):
    worker = make_user(Role.SUPPORT, first_name="Sophie", last_name="Marsh")
    client.force_login(worker)
    client.post(
        reverse("clients:create"),
        {
            "first_name": "Robin",
            "last_name": "Tremayne",
            "gender": "male",
            "status": "rough_sleeping",
            "local_connection": "unknown",
            "reconnection_policy_applies": "not_assessed",
            "aliases": "Bird",
        },
    )
    person = Client.objects.get(first_name="Robin")
    client.post(
        reverse("clients:edit", args=[person.pk]),
        {
            "first_name": "Robin",
            "last_name": "Tremayne",
            "gender": "male",
            "status": "temporary_accommodation",
            "local_connection": "yes",
            "reconnection_policy_applies": "not_assessed",
            "aliases": "",
        },
    )
    history = client.get(person.get_absolute_url()).context["history"]
    changed = next(e for e in history if e.action == "Changed")
    assert changed.who == "Sophie Marsh"
    assert {(c.field, c.old, c.new) for c in changed.changes} == {
        ("Status", "Rough sleeping", "Temporary accommodation"),
        ("Local connection", "Unknown", "Yes"),
    }
    assert any(e.action == "Created" and e.record.startswith("Robin") for e in history)
    assert any(e.action == "Deleted" and e.record == "Alias: Bird" for e in history)
    html = client.get(person.get_absolute_url()).text
    assert "Temporary accommodation" in html and "Sophie Marsh" in html


def test_support_plan_history_shows_agencies_and_goals(client, make_user):
    worker = make_user(Role.SUPPORT)
    client.force_login(worker)
    plan = SupportPlanFactory()
    harbour = AgencyFactory(key="harbour", name="Harbour")
    ConsentFactory(client=plan.client, agencies=[harbour])  # agreed to share with Harbour
    response = client.post(
        reverse("clients:support_plan_edit", args=[plan.pk]),
        {
            "start": "2026-10-01",
            "end": "",
            "review_date": "2026-12-01",
            "summary": "",
            "agencies": [harbour.pk],
            "goals-TOTAL_FORMS": "1",
            "goals-INITIAL_FORMS": "0",
            "goals-0-description": "Register with a GP",
            "goals-0-status": "in_progress",
        },
    )
    assert response.status_code == 302
    history = client.get(plan.get_absolute_url()).context["history"]
    changes = {(c.field, c.new) for e in history for c in e.changes}
    assert ("Agencies", "Harbour") in changes
    assert ("Review date", "01/12/2026") in changes
    assert any(e.record == "Goal: Register with a GP" and e.action == "Created" for e in history)


def test_history_names_staff_in_changed_fields_rather_than_their_usernames(client, make_user):
    cora = make_user(Role.COORDINATOR, first_name="Cora", last_name="Reid")
    client.force_login(cora)
    person = ClientFactory()
    person.key_worker = cora
    person.save()
    history = client.get(person.get_absolute_url()).context["history"]
    changed = next(e for e in history if e.action == "Changed")
    assert ("Key worker", "—", "Cora Reid") in {(c.field, c.old, c.new) for c in changed.changes}
    assert cora.username not in client.get(person.get_absolute_url()).text.split("History")[-1]
