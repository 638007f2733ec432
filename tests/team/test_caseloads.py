"""The caseload page: every worker's caseload side by side, for the coordinator, in a fixed
number of queries, naming no person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from clients.models import ClientStatus, ReferralStatus
from mars.roles import Role
from staffing.models import CaseloadCover
from team.caseloads import caseloads
from tests.clock import ORDINARY_DAY
from tests.factories import (
    ClientFactory,
    ContactFactory,
    MeetingActionFactory,
    ReferralFactory,
    RiskAssessmentFactory,
    SupervisionFactory,
    SupportPlanFactory,
    TeamActionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def _caseload(worker, coordinator, people=3):
    today = timezone.localdate()
    clients = [ClientFactory(key_worker=worker) for _ in range(people)]
    for days, person in zip([2, 20, 40], clients, strict=False):
        ContactFactory(client=person, worker=worker, at=timezone.now() - timedelta(days=days))
    SupportPlanFactory(
        client=clients[0], start=today - timedelta(days=60), review_date=today - timedelta(days=1)
    )
    SupportPlanFactory(
        client=clients[1], start=today - timedelta(days=30), review_date=today + timedelta(days=10)
    )
    RiskAssessmentFactory(client=clients[0], assessor=worker, review_due=today + timedelta(days=5))
    ReferralFactory(client=clients[0], status=ReferralStatus.SENT)
    ReferralFactory(client=clients[1], status=ReferralStatus.ACCEPTED)
    MeetingActionFactory(owner=worker, due=today - timedelta(days=3))
    TeamActionFactory(owner=worker, due=today + timedelta(days=3))
    SupervisionFactory(worker=worker, supervisor=coordinator, held_on=today - timedelta(weeks=7))
    return clients


def test_each_workers_row_counts_their_caseload(make_user, coordinator):
    tom = make_user(Role.SUPPORT, username="tom")
    priya = make_user(Role.SUPPORT, username="priya")
    _caseload(tom, coordinator)
    ClientFactory(key_worker=tom, status=ClientStatus.DECEASED)
    CaseloadCover.objects.create(
        worker=tom, covered_by=priya, starts=timezone.localdate(), ends=timezone.localdate()
    )
    today = timezone.localdate()
    rows = {row.worker.username: row for row in caseloads(today)}
    tom_row = rows["tom"]
    assert tom_row.people == 3
    assert tom_row.oldest_last_contact == today - timedelta(days=40)
    assert tom_row.plans_in_force == 2
    assert (tom_row.reviews_overdue, tom_row.reviews_due) == (1, 2)
    assert tom_row.referrals_waiting == 1
    assert (tom_row.actions_open, tom_row.actions_past_due) == (2, 1)
    assert tom_row.supervision.is_overdue(today)
    assert tom_row.covered_by == priya
    assert rows["priya"].people == 0 and rows["priya"].covered_by is None


def test_someone_with_a_caseload_has_a_row_whatever_their_role(make_user, coordinator):
    ClientFactory(key_worker=coordinator)
    assert coordinator in [row.worker for row in caseloads(timezone.localdate())]


def test_the_page_reads_in_a_fixed_number_of_queries(
    client, coordinator, make_user, django_assert_max_num_queries
):
    _caseload(make_user(Role.SUPPORT, username="worker-0"), coordinator)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as one_worker:
        client.get(reverse("team:caseloads"))
    for n in range(1, 6):
        _caseload(make_user(Role.SUPPORT, username=f"worker-{n}"), coordinator)
    # The layout's own queries (session, navigation, notifications) and the page's eleven.
    with django_assert_max_num_queries(len(one_worker.captured_queries)):
        page = client.get(reverse("team:caseloads"))
    assert page.status_code == 200
    assert len(page.context["rows"]) == 6
    assert len(one_worker.captured_queries) <= 22


def test_the_page_links_to_the_people_list_by_key_worker(client, coordinator, make_user):
    tom = make_user(Role.SUPPORT, username="tom")
    _caseload(tom, coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("team:caseloads")).content.decode()
    assert f"{reverse('clients:list')}?key_worker={tom.pk}" in page


def test_counts_alone_name_no_one_and_log_no_reads(client, coordinator, make_user):
    tom = make_user(Role.SUPPORT, username="tom")
    people = _caseload(tom, coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("team:caseloads")).content.decode()
    assert all(p.last_name not in page and p.reference not in page for p in people)
    assert not AccessEvent.objects.filter(people__overlap=[p.pk for p in people]).exists()


@pytest.mark.parametrize(
    "role",
    [Role.SUPPORT, Role.OUTREACH, Role.PANEL, Role.DIRECTOR, Role.COMMISSIONER, Role.ADMINISTRATOR],
)
def test_only_the_coordinator_sees_the_caseloads(as_role, role):
    client = as_role(role)
    assert client.get(reverse("team:caseloads")).status_code == 403
    assert client.get("/api/caseloads/").status_code == 403


def test_the_api_gives_the_same_rows(client, coordinator, make_user):
    tom = make_user(Role.SUPPORT, username="tom")
    _caseload(tom, coordinator)
    client.force_login(coordinator)
    rows = {row["worker"]: row for row in client.get("/api/caseloads/").json()}
    assert rows[tom.pk]["people"] == 3
    assert rows[tom.pk]["referrals_waiting"] == 1
