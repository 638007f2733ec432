"""Special category and criminal-offence data on a need-to-know basis (issue 18, item 2): the one
rule, what others read instead, the need filter, sensitive notes and their history, and break
glass on the pages and in the API."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.html import strip_tags

from audit.models import AccessEvent
from clients import services
from clients.access import HELD, SENSITIVE_NOTE_HELD, may_see_special_category
from clients.models import BreakGlass, Client, HealthAccess, SupportGoal, SupportPlan
from mars.models import Notification
from mars.roles import Role
from tests.clock import ORDINARY_DAY
from tests.factories import ClientFactory, ContactFactory, RiskAssessmentFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Paramedics on scene ask about his medication"


@pytest.fixture
def keyworker() -> User:
    return UserFactory(username="kw", role=Role.SUPPORT)


@pytest.fixture
def jo(keyworker: User) -> Client:
    person = ClientFactory(
        first_name="Jo",
        last_name="Held",
        key_worker=keyworker,
        ethnicity="white_irish",
        support_needs=["mental_health", "offending_history", "care_leaver"],
    )
    HealthAccess.objects.create(
        client=person, kind="hepatitis_c", date=date(2026, 10, 4), outcome="Treatment started"
    )
    return person


def _page(browser: Any, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200
    return strip_tags(response.text)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("keyworker", True),
        (Role.COORDINATOR, True),
        (Role.SUPPORT, False),
        (Role.OUTREACH, False),
        (Role.DIRECTOR, False),
        (Role.PANEL, False),
        ("superuser", True),
    ],
)
def test_the_one_rule_for_each_role(who: str, sees: bool, jo: Client, keyworker: User) -> None:
    if who == "keyworker":
        user = keyworker
    elif who == "superuser":
        user = UserFactory(username="root", is_superuser=True)
    else:
        user = UserFactory(username=f"u-{who}", role=who)
    assert may_see_special_category(user, jo) is sees


def test_a_support_worker_not_the_key_worker_reads_that_it_is_held(
    as_role: Any, jo: Client
) -> None:
    browser = as_role(Role.SUPPORT)
    page = _page(browser, jo.get_absolute_url())
    assert f"Ethnicity{HELD}" in page.replace("\n", "")
    assert "Irish" not in page and "Mental health" not in page and "Offending" not in page
    assert "Care leaver" in page  # not special category
    assert "Health, offending or immigration needs: held" in page
    assert "1 health access record held" in page and "Hepatitis" not in page
    assert "See restricted information (urgent)" in page
    record = jo.health_access.get()
    detail = _page(browser, record.get_absolute_url())
    assert "Hepatitis" not in detail and "Treatment started" not in detail and HELD in detail
    assert browser.get(reverse("clients:health_access_edit", args=[record.pk])).status_code == 403
    edit = browser.get(reverse("clients:edit", args=[jo.pk])).text
    assert 'name="ethnicity"' not in edit and 'value="mental_health"' not in edit


def test_the_key_worker_and_the_coordinator_read_it(
    client: Any, jo: Client, keyworker: User, coordinator: User
) -> None:
    for user in (keyworker, coordinator):
        client.force_login(user)
        page = _page(client, jo.get_absolute_url())
        assert "White: Irish" in page and "Mental health" in page and "Offending history" in page
        assert "Hepatitis C" in page and "See restricted information" not in page


def test_a_filter_by_a_special_need_tells_no_one_who_has_it(
    client: Any, jo: Client, keyworker: User, coordinator: User, support: User
) -> None:
    other = ClientFactory(first_name="Ann", support_needs=["offending_history"])
    url = reverse("clients:list") + "?need=offending_history"
    client.force_login(support)
    assert "Jo Held" not in client.get(url).text and "Ann" not in client.get(url).text
    assert client.get("/api/clients/?need=offending_history").json()["count"] == 0
    # An ordinary need filters as before.
    assert "Jo Held" in client.get(reverse("clients:list") + "?need=care_leaver").text
    client.force_login(keyworker)
    assert "Jo Held" in client.get(url).text and other.first_name not in client.get(url).text
    client.force_login(coordinator)
    listed = client.get(url).text
    assert "Jo Held" in listed and "Ann" in listed


def test_the_api_leaves_out_what_the_reader_may_not_see(client: Any, jo: Client) -> None:
    client.force_login(UserFactory(username="sw", role=Role.SUPPORT))
    person = client.get(f"/api/clients/{jo.pk}/").json()
    assert person["ethnicity"] is None and person["support_needs"] == ["care_leaver"]
    assert person["special_category"] == {
        "visible": False,
        "held": {"ethnicity": True, "public_funds": False, "special_needs": True},
    }
    record = client.get(f"/api/health-access/?client={jo.pk}").json()["results"][0]
    assert record["restricted"] is True
    assert record["kind"] is None and record["outcome"] is None and record["date"] == "2026-10-04"
    # What they send for those fields changes nothing; the rest of the change is made.
    response = client.patch(
        f"/api/clients/{jo.pk}/",
        {"ethnicity": "other", "support_needs": ["armed_forces"], "known_as": "JJ"},
        content_type="application/json",
    )
    assert response.status_code == 200
    jo.refresh_from_db()
    assert jo.known_as == "JJ" and jo.ethnicity == "white_irish"
    assert sorted(jo.support_needs) == ["armed_forces", "mental_health", "offending_history"]
    health = jo.health_access.get()
    refused = client.patch(
        f"/api/health-access/{health.pk}/", {"outcome": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    health.refresh_from_db()
    assert health.outcome == "Treatment started"


def test_break_glass_needs_a_reason_and_changes_nothing_without_one(
    client: Any, jo: Client, support: User
) -> None:
    client.force_login(support)
    url = reverse("clients:break_glass", args=[jo.pk])
    response = client.post(url, {"reason": "urgent"})
    assert response.status_code == 200
    assert "at least 15 characters" in response.text
    assert 'name="reason"' in response.text and "urgent</textarea>" in response.text
    assert not BreakGlass.objects.exists() and not Notification.objects.exists()


@pytest.mark.time_machine(ORDINARY_DAY)
def test_break_glass_shows_the_data_logs_each_reading_and_tells_the_coordinators(
    client: Any, jo: Client, support: User, coordinator: User, time_machine: Any
) -> None:
    support.first_name, support.last_name = "Sky", "Worker"
    support.save()
    client.force_login(support)
    response = client.post(reverse("clients:break_glass", args=[jo.pk]), {"reason": REASON})
    assert response.status_code == 302 and response["Location"] == jo.get_absolute_url()
    grant = BreakGlass.objects.get()
    assert (grant.user, grant.client, grant.reason) == (support, jo, REASON)
    assert grant.expires_at - grant.at == timedelta(minutes=30)
    notice = Notification.objects.get(recipient=coordinator)
    assert "Sky Worker" in notice.subject and jo.reference in notice.subject
    assert REASON in notice.body
    assert not Notification.objects.filter(recipient=support).exists()

    page = _page(client, jo.get_absolute_url())
    assert "Hepatitis C" in page and "White: Irish" in page
    reading = AccessEvent.objects.filter(user=support, path=jo.get_absolute_url()).latest("at")
    assert REASON in reading.reason and jo.pk in reading.people

    # The grant ends after BREAK_GLASS_MINUTES; reading again needs a new reason.
    time_machine.move_to(grant.expires_at + timedelta(seconds=1))
    client.force_login(support)  # the idle session has ended too
    page = _page(client, jo.get_absolute_url())
    assert "Hepatitis C" not in page and "1 health access record held" in page

    client.force_login(coordinator)
    listing = _page(client, reverse("clients:break_glass_list"))
    assert REASON in listing and "Sky Worker" in listing and jo.reference in listing


def test_the_list_of_break_glass_readings_is_the_coordinators(as_role: Any) -> None:
    for role in (Role.SUPPORT, Role.OUTREACH, Role.DIRECTOR, Role.ADMINISTRATOR):
        assert as_role(role).get(reverse("clients:break_glass_list")).status_code == 403
    assert as_role(Role.COORDINATOR).get(reverse("clients:break_glass_list")).status_code == 200


def test_break_glass_in_the_api(client: Any, jo: Client, support: User, coordinator: User) -> None:
    client.force_login(support)
    short = client.post("/api/break-glass/", {"client": jo.pk, "reason": "now"})
    assert short.status_code == 400 and "at least" in short.json()["detail"]
    made = client.post("/api/break-glass/", {"client": jo.pk, "reason": REASON})
    assert made.status_code == 201 and made.json()["reason"] == REASON
    assert client.get("/api/break-glass/").status_code == 403
    record = client.get(f"/api/health-access/?client={jo.pk}").json()["results"][0]
    assert record["kind"] == "hepatitis_c" and record["restricted"] is False
    assert REASON in AccessEvent.objects.filter(user=support).latest("at").reason
    assert Notification.objects.filter(recipient=coordinator).exists()
    client.force_login(coordinator)
    rows = client.get("/api/break-glass/").json()["results"]
    assert [row["reason"] for row in rows] == [REASON]
    assert client.delete(f"/api/break-glass/{rows[0]['id']}/").status_code == 405


def test_a_sensitive_contact_note_and_its_history_are_held(
    client: Any, jo: Client, keyworker: User, support: User
) -> None:
    contact = ContactFactory(client=jo, worker=keyworker, notes="Talked about his overdose")
    contact.notes, contact.sensitive = "Talked about his overdose last week", True
    contact.save()
    client.force_login(support)
    page = _page(client, contact.get_absolute_url())
    assert "overdose" not in page and SENSITIVE_NOTE_HELD in page
    assert "overdose" not in _page(client, jo.get_absolute_url())  # the timeline
    assert "overdose" not in client.get(f"/api/contacts/{contact.pk}/").text
    assert client.get(reverse("outreach:contact_edit", args=[contact.pk])).status_code == 403
    client.force_login(keyworker)
    page = _page(client, contact.get_absolute_url())
    assert "overdose last week" in page


def test_a_sensitive_goal_note_is_kept_when_another_worker_changes_the_plan(
    client: Any, jo: Client, support: User, keyworker: User
) -> None:
    plan = SupportPlan.objects.create(client=jo, start=date(2026, 10, 1))
    goal = SupportGoal.objects.create(
        plan=plan, description="Detox", notes="Sees the psychiatrist Tuesdays", sensitive=True
    )
    client.force_login(support)
    assert "psychiatrist" not in _page(client, plan.get_absolute_url())
    form = client.get(reverse("clients:support_plan_edit", args=[plan.pk])).text
    assert "psychiatrist" not in form
    # Not offered for typing over: nothing typed there could be kept.
    notes_box = re.search(r'<textarea name="goals-0-notes"[^>]*>', form)
    assert notes_box and "disabled" in notes_box.group(0)
    assert re.search(r'<input type="checkbox" name="goals-0-sensitive"[^>]*disabled', form)
    response = client.post(
        reverse("clients:support_plan_edit", args=[plan.pk]),
        {
            "start": "2026-10-01",
            "goals-TOTAL_FORMS": "1",
            "goals-INITIAL_FORMS": "1",
            "goals-0-id": goal.pk,
            "goals-0-description": "Detox first",
            "goals-0-status": "in_progress",
            "goals-0-notes": SENSITIVE_NOTE_HELD,
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.description == "Detox first"
    assert (goal.notes, goal.sensitive) == ("Sees the psychiatrist Tuesdays", True)


def test_a_sensitive_risk_note_is_held_and_kept(
    client: Any, jo: Client, support: User, keyworker: User
) -> None:
    assessment = RiskAssessmentFactory(
        client=jo,
        assessor=keyworker,
        ratings={"to_self": {"level": "high", "notes": "Cut his arms", "sensitive": True}},
    )
    client.force_login(support)
    assert "Cut his arms" not in _page(client, assessment.get_absolute_url())
    api = client.get(f"/api/risk-assessments/{assessment.pk}/")
    assert api.status_code == 200 and "Cut his arms" not in api.text
    client.force_login(keyworker)
    assert "Cut his arms" in _page(client, assessment.get_absolute_url())


def test_history_masks_what_the_reader_may_not_see(
    client: Any, jo: Client, support: User, coordinator: User
) -> None:
    services.update_client(jo, {"ethnicity": "white_british"}, by=coordinator)
    client.force_login(support)
    page = _page(client, jo.get_absolute_url())
    assert "White: English" not in page and "White: Irish" not in page
    client.force_login(coordinator)
    assert "White: English" in _page(client, jo.get_absolute_url())
