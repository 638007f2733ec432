"""Every read of a person's information writes one row in the access log, in the same request."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, models
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from audit.models import AccessEvent
from mars.api import router
from mars.roles import Role
from tests import factories as f
from tests.clock import ORDINARY_DAY

pytestmark = pytest.mark.django_db


def one_of_each(sam: Any) -> dict[str, models.Model]:
    """One record of each kind about Sam (those with a page and an API object of their own)."""
    return {
        "person": sam,
        "support plan": f.SupportPlanFactory(client=sam),
        "referral": f.ReferralFactory(client=sam),
        "health access": f.HealthAccessFactory(client=sam),
        "contact": f.ContactFactory(client=sam),
        "intervention": f.InterventionFactory(client=sam),
        "a2a referral": f.A2AReferralFactory(client=sam),
        "placement": f.PlacementFactory(client=sam),
        "mars house referral": f.MarsHouseReferralFactory(client=sam),
        "house issue": f.HouseIssueFactory(resident=sam),
        "risk assessment": f.RiskAssessmentFactory(client=sam),
        "risk plan": f.RiskPlanFactory(client=sam),
        "meeting": f.MeetingFactory(client=sam),
        "payment request": f.PaymentRequestFactory(client=sam),
    }


def api_url(record: models.Model) -> str:
    for prefix, viewset, _ in router.registry:
        queryset = getattr(viewset, "queryset", None)
        if queryset is not None and queryset.model is type(record):
            return f"/api/{prefix}/{record.pk}/"
    raise LookupError(f"no API route for {type(record).__name__}")


def reads_of(person_id: int) -> list[AccessEvent]:
    return list(AccessEvent.objects.about(person_id))


def test_each_page_and_api_object_about_a_person_writes_a_row_naming_them(as_role, sam):
    coordinator = as_role(Role.COORDINATOR)
    missed = []
    for kind, record in one_of_each(sam).items():
        for url in (record.get_absolute_url(), api_url(record)):  # type: ignore[attr-defined]
            before = AccessEvent.objects.count()
            response = coordinator.get(url, HTTP_USER_AGENT="Test phone")
            assert response.status_code == 200, (kind, url)
            written = list(AccessEvent.objects.order_by("id")[before:])
            if len(written) != 1 or sam.pk not in written[0].people:
                missed.append((kind, url, [(e.what, e.people) for e in written]))
    assert missed == []


def test_a_row_says_who_when_what_from_where_and_on_what_device(as_role, sam):
    coordinator = as_role(Role.COORDINATOR)
    coordinator.get(
        sam.get_absolute_url(), HTTP_USER_AGENT="Firefox on a laptop", REMOTE_ADDR="10.1.2.3"
    )
    (event,) = reads_of(sam.pk)
    assert event.user.groups.get().name == Role.COORDINATOR
    assert event.username == event.user.username
    assert event.people == [sam.pk]
    assert event.what == "person page"
    assert event.path == sam.get_absolute_url()
    assert event.method == "GET"
    assert event.ip == "10.1.2.3"
    assert event.device == "Firefox on a laptop"


def test_an_api_list_names_the_people_on_the_page_returned(as_role, sam):
    other = f.ClientFactory()
    coordinator = as_role(Role.COORDINATOR)
    assert coordinator.get("/api/clients/").status_code == 200
    (event,) = AccessEvent.objects.all()
    assert sorted(event.people) == sorted([sam.pk, other.pk])
    assert event.what == "api: client list"


def test_a_search_names_the_people_shown(as_role, sam):
    f.ClientFactory(first_name="Alex", last_name="Other")
    coordinator = as_role(Role.COORDINATOR)
    coordinator.get("/people/", {"q": "Sam"})
    (event,) = AccessEvent.objects.all()
    assert event.people == [sam.pk]
    assert event.what == "search"
    assert "q=Sam" in event.path


def test_a_kpi_drill_down_names_the_people_listed(as_role, sam):
    coordinator = as_role(Role.COORDINATOR)
    response = coordinator.get(
        "/reports/people/",
        {"measure": "rough_sleepers.seen", "period": "2026-10", "as_of": "2026-11-20"},
    )
    assert response.status_code == 200
    (event,) = AccessEvent.objects.all()
    assert event.what == "kpi drill-down"


def test_a_bundle_export_names_everyone_in_it(as_role, sam):
    other = f.ClientFactory()
    coordinator = as_role(Role.COORDINATOR)
    response = coordinator.get("/reports/export/")
    assert response.status_code == 200
    (event,) = AccessEvent.objects.all()
    assert event.what == "bundle export"
    assert sorted(event.people) == sorted([sam.pk, other.pk])


def test_a_page_not_about_people_writes_no_row(as_role, sam):
    coordinator = as_role(Role.COORDINATOR)
    assert coordinator.get("/people/agencies/").status_code == 200
    assert coordinator.get("/api/agencies/").status_code == 200
    assert not AccessEvent.objects.exists()


def test_a_refused_read_writes_no_row(as_role, sam):
    commissioner = as_role(Role.COMMISSIONER)
    assert commissioner.get(sam.get_absolute_url()).status_code in (403, 404)
    assert not AccessEvent.objects.exists()


def test_a_read_costs_one_insert_and_no_select(as_role, sam):
    # A support worker: the coordinator's page also shows the log itself, a query of its own.
    worker = as_role(Role.SUPPORT)
    worker.get(sam.get_absolute_url())  # warm up: sessions, permissions
    with CaptureQueriesContext(connection) as on:
        worker.get(sam.get_absolute_url())
    with override_log(False), CaptureQueriesContext(connection) as off:
        worker.get(sam.get_absolute_url())
    log_queries = [q["sql"] for q in on.captured_queries if "audit_accessevent" in q["sql"]]
    assert len(log_queries) == 1 and log_queries[0].startswith("INSERT")
    assert len(on.captured_queries) == len(off.captured_queries) + 1


def override_log(enabled: bool) -> Any:
    return override_settings(ACCESS_LOG_ENABLED=enabled)


def test_pages_that_list_people_outside_the_paged_lists_name_them(client, make_user, sam):
    coordinator = make_user(Role.COORDINATOR)
    contact = f.ContactFactory(client=sam, bedded_down=True, session=f.OutreachSessionFactory())
    f.MeetingActionFactory(meeting__client=sam, owner=coordinator)
    client.force_login(coordinator)
    for url in [
        contact.session.get_absolute_url(),
        "/outreach/seen/",
        "/risk/my-actions/",
        "/api/meeting-actions/",
        "/api/payments/",
    ]:
        before = AccessEvent.objects.count()
        assert client.get(url).status_code == 200, url
        written = list(AccessEvent.objects.order_by("id")[before:])
        if url == "/api/payments/":
            # No payment yet: a list of nothing names no one and writes nothing.
            assert written == [], url
        else:
            assert len(written) == 1 and sam.pk in written[0].people, url


def test_records_reached_through_their_parent_name_the_person(client, make_user, sam):
    action = f.MeetingActionFactory(meeting__client=sam)
    client.force_login(make_user(Role.COORDINATOR))
    assert client.get(f"/api/meeting-actions/{action.pk}/").status_code == 200
    (event,) = AccessEvent.objects.all()
    assert event.people == [sam.pk]


def test_every_api_route_that_returns_records_about_people_notes_them():
    from mars.api import NotesReads
    from mars.reads import _parent_links, _person_fields

    forgetful = [
        prefix
        for prefix, viewset, _ in router.registry
        if getattr(viewset, "queryset", None) is not None
        and (_person_fields(viewset.queryset.model) or _parent_links(viewset.queryset.model))
        and not issubclass(viewset, NotesReads)
    ]
    assert forgetful == []


@pytest.mark.time_machine(ORDINARY_DAY)
def test_the_dashboard_names_the_people_on_its_watch_list(as_role, sam):
    f.ContactFactory(client=sam, bedded_down=True)  # first seen an hour ago: on the watch list
    coordinator = as_role(Role.COORDINATOR)
    assert coordinator.get("/reports/").status_code == 200
    (event,) = AccessEvent.objects.all()
    assert event.what == "dashboard"
    assert event.people == [sam.pk]
