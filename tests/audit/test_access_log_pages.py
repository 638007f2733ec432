"""Seeing the log: the person page's "Who has looked at this record", a member of staff's
activity, the CSV export and the API, each only with audit.view_access_log."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from mars.roles import ROLE_PERMISSIONS, Role
from tests.clock import ORDINARY_DAY
from tests.factories import ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def test_only_the_coordinator_may_see_the_log_by_default():
    holders = {role for role, names in ROLE_PERMISSIONS.items() if "audit.view_access_log" in names}
    assert holders == {Role.COORDINATOR}


def test_the_person_page_shows_who_has_looked_at_the_record(client, make_user, sam):
    worker = make_user(Role.SUPPORT, first_name="Pat", last_name="Worker")
    client.force_login(worker)
    client.get(sam.get_absolute_url(), HTTP_USER_AGENT="Pat's phone")
    client.force_login(make_user(Role.COORDINATOR))
    page = client.get(sam.get_absolute_url()).content.decode()
    assert "Who has looked at this record" in page
    assert "Pat Worker" in page
    assert "Pat&#x27;s phone" in page


def test_those_without_the_permission_do_not_see_who_has_looked(as_role, sam):
    page = as_role(Role.SUPPORT).get(sam.get_absolute_url()).content.decode()
    assert "Who has looked at this record" not in page


def test_every_read_of_a_person_is_listed_newest_first(as_role, sam):
    coordinator = as_role(Role.COORDINATOR)
    for _ in range(3):
        coordinator.get(sam.get_absolute_url())
    response = coordinator.get(reverse("audit:person", args=[sam.pk]))
    assert response.status_code == 200
    events = list(response.context["page"])
    assert len(events) == 3
    assert events == sorted(events, key=lambda e: (e.at, e.id), reverse=True)


def test_a_support_worker_may_not_see_the_log(as_role, sam):
    worker = as_role(Role.SUPPORT)
    assert worker.get(reverse("audit:person", args=[sam.pk])).status_code == 403
    assert worker.get(reverse("audit:user_activity")).status_code == 403
    assert worker.get(reverse("audit:export")).status_code == 403
    assert worker.get("/api/access-log/").status_code == 403


def test_a_members_activity_names_the_people_they_read(client, make_user, sam):
    worker = make_user(Role.SUPPORT)
    client.force_login(worker)
    client.get(sam.get_absolute_url())
    client.force_login(make_user(Role.COORDINATOR))
    response = client.get(reverse("audit:user_activity"), {"user": worker.pk})
    assert response.status_code == 200
    assert "Sam Example" in response.content.decode()
    (row,) = response.context["rows"]
    assert row[1] == [sam]


def test_the_export_holds_the_days_asked_for_and_is_itself_logged(as_role, sam):
    coordinator = as_role(Role.COORDINATOR)
    coordinator.get(sam.get_absolute_url())
    response = coordinator.get(
        reverse("audit:export"), {"start": "2027-06-16", "end": "2027-06-16"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["at", "user", "what", "people", "path", "method", "ip", "device", "reason"]
    # The export's own row is written before the file is: it is in the days asked for too.
    assert [r[2] for r in rows[1:]] == ["person page", "access log export"]
    assert rows[1][3] == str(sam.pk)
    assert AccessEvent.objects.filter(what="access log export").count() == 1


def test_the_export_leaves_out_other_days(as_role, sam):
    coordinator = as_role(Role.COORDINATOR)
    coordinator.get(sam.get_absolute_url())
    response = coordinator.get(
        reverse("audit:export"), {"start": "2027-06-01", "end": "2027-06-15"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1


def test_the_api_lists_the_log_filtered_by_person(as_role, sam):
    other = ClientFactory()
    coordinator = as_role(Role.COORDINATOR)
    coordinator.get(sam.get_absolute_url())
    coordinator.get(other.get_absolute_url())
    data = coordinator.get("/api/access-log/", {"person": sam.pk}).json()
    assert [e["people"] for e in data["results"]] == [[sam.pk]]
    by_day = coordinator.get("/api/access-log/", {"start": "2027-06-17"}).json()
    assert by_day["results"] == []


def test_the_access_log_is_in_the_api_schema(as_role):
    schema = as_role(Role.COORDINATOR).get("/api/schema/").content.decode()
    assert "/api/access-log/" in schema


def test_the_navigation_links_to_the_log_for_those_who_may_see_it(as_role):
    page = as_role(Role.COORDINATOR).get("/").content.decode()
    assert reverse("audit:user_activity") in page
