"""Alerts of an approved plan show wherever the person appears, to every worker; what a
restricted one says only to the key worker and the coordinator."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mars.roles import Role
from risk.models import RiskPlan
from tests.factories import (
    A2AReferralFactory,
    ClientFactory,
    ContactFactory,
    RiskPlanFactory,
    plan_in_force,
)

pytestmark = pytest.mark.django_db

ALERTS = [("do_not_disclose_address", "Former partner looking"), ("dog_on_site", "Staffie")]


@pytest.fixture
def flagged(sam):  # type: ignore[no-untyped-def]
    return plan_in_force(sam, alerts=ALERTS)


def test_the_coordinator_reads_every_alert_restricted_ones_too(as_role, sam, flagged):
    page = as_role(Role.COORDINATOR).get(sam.get_absolute_url()).content.decode()
    assert "Do not disclose address" in page and "Former partner looking" in page
    assert "restricted: do not pass on" in page and "Staffie" in page


def test_the_key_worker_reads_their_persons_restricted_alert(client, make_user, sam, flagged):
    sam.key_worker = make_user(Role.SUPPORT)
    sam.save()
    client.force_login(sam.key_worker)
    page = client.get(sam.get_absolute_url()).content.decode()
    assert "Former partner looking" in page and "Restricted alert</strong>" not in page


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.PANEL])
def test_other_workers_see_that_there_is_a_restricted_alert_and_whom_to_ask(
    as_role, sam, flagged, role
):
    A2AReferralFactory(client=sam)  # before the panel, so the panel sees Sam
    page = as_role(role).get(sam.get_absolute_url()).content.decode()
    assert "<strong>Restricted alert</strong>: ask the key worker" in page
    assert "Do not disclose address" not in page and "Former partner looking" not in page
    assert "Staffie" in page


def test_alerts_show_in_search_results_and_on_the_contact_form(as_role, sam, flagged):
    browser = as_role(Role.OUTREACH)
    results = browser.get(reverse("clients:list") + "?q=Sam").content.decode()
    assert "Staffie" in results
    partial = browser.get(reverse("clients:list") + "?q=Sam", HTTP_HX_REQUEST="true")
    assert "Staffie" in partial.content.decode()
    form = browser.get(reverse("outreach:contact_create") + f"?client={sam.pk}").content.decode()
    assert "Staffie" in form and "Restricted alert" in form


def test_alerts_show_on_records_about_the_person_and_in_lists(as_role, sam, flagged):
    referral = A2AReferralFactory(client=sam)
    contact = ContactFactory(client=sam, bedded_down=True)
    browser = as_role(Role.COORDINATOR)
    for url in [
        referral.get_absolute_url(),
        contact.get_absolute_url(),
        reverse("accommodation:referral_list"),
        reverse("outreach:seen_recently"),
        reverse("risk:plan_list") + "?show=approved",
    ]:
        assert "Staffie" in browser.get(url).content.decode(), url


def test_alerts_of_a_plan_not_yet_approved_do_not_show(as_role, sam):
    RiskPlanFactory(client=sam, alerts=[("weapons", "Knife")])
    page = as_role(Role.SUPPORT).get(sam.get_absolute_url()).content.decode()
    assert "Knife" not in page.split('id="risk"')[0]


def test_the_people_list_fetches_alerts_without_a_query_a_person(as_role):
    browser = as_role(Role.SUPPORT)
    url = reverse("clients:list") + "?q=Flagged"

    def queries_for(people: int) -> int:
        for _ in range(people):
            plan_in_force(ClientFactory(last_name="Flagged"), alerts=ALERTS)
        with CaptureQueriesContext(connection) as queries:
            page = browser.get(url).content.decode()
        assert page.count("Staffie") == RiskPlan.objects.count()
        return len(queries)

    assert queries_for(1) == queries_for(4)


def test_the_people_api_gives_each_persons_alerts(as_role, sam, flagged):
    rows = as_role(Role.OUTREACH).get("/api/clients/?q=Sam").json()["results"]
    alerts = rows[0]["alerts"]
    assert {a["kind"] for a in alerts} == {"restricted", "dog_on_site"}
    assert [a["restricted"] for a in alerts] == [True, False]
    assert "Former partner looking" not in str(alerts)
    coordinator_rows = as_role(Role.COORDINATOR).get("/api/clients/?q=Sam").json()["results"]
    assert {a["kind"] for a in coordinator_rows[0]["alerts"]} == {
        "do_not_disclose_address",
        "dog_on_site",
    }


def new_version(browser, sam, plan):  # type: ignore[no-untyped-def]
    return browser.post(
        "/api/risk-plans/",
        {"client": sam.pk, "assessment": plan.assessment_id, "summary": "New", "alerts": []},
        content_type="application/json",
    )


def test_through_the_api_only_those_who_read_a_restricted_alert_write_a_version_over_it(
    client, make_user, sam, flagged
):
    """Otherwise a worker who may not read it could drop it unseen from the next version."""
    client.force_login(make_user(Role.SUPPORT))
    assert new_version(client, sam, flagged).status_code == 403
    assert RiskPlan.objects.filter(client=sam).count() == 1

    sam.key_worker = make_user(Role.SUPPORT, username="keyworker")
    sam.save()
    client.force_login(sam.key_worker)
    made = new_version(client, sam, flagged)
    assert made.status_code == 201, made.json()


def test_through_the_api_a_draft_carrying_a_restricted_alert_is_changed_only_by_its_readers(
    client, make_user, sam
):
    draft = RiskPlanFactory(client=sam, alerts=ALERTS)
    client.force_login(make_user(Role.OUTREACH))
    answer = client.patch(
        f"/api/risk-plans/{draft.pk}/", {"summary": "Changed"}, content_type="application/json"
    )
    assert answer.status_code == 403
    draft.refresh_from_db()
    assert draft.summary != "Changed"
