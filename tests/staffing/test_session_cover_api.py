"""The rota's cover through the API (/api/session-covers/): the coordinator covers a gap through the
same service as the rota's page, those who read the rota read the covers, and a place on a
session is covered once, two coordinators at once included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mars.roles import Role
from outreach import services
from outreach.models import SessionCover
from tests.clock import ORDINARY_DAY
from tests.concurrency import at_once
from tests.factories import (
    AbsenceFactory,
    OutreachSessionFactory,
    SessionCoverFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]

LIST = "/api/session-covers/"


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def jess(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="jess", first_name="Jess", last_name="Lowe", role=Role.OUTREACH)


@pytest.fixture
def priya(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="priya", first_name="Priya", last_name="Shah", role=Role.SUPPORT)


@pytest.fixture
def gap(jess):  # type: ignore[no-untyped-def]
    AbsenceFactory(worker=jess, starts=_day(5), ends=_day(9))
    return OutreachSessionFactory(date=_day(6), area="City centre", staff=[jess])


def _cover(gap, away, covering, replaced=True):  # type: ignore[no-untyped-def]
    return {"session": gap.pk, "away": away.pk, "covering": covering.pk, "replaced": replaced}


def test_the_coordinator_covers_a_gap_through_the_api(client, coordinator, gap, jess, priya):
    client.force_login(coordinator)
    made = client.post(LIST, _cover(gap, jess, priya), content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    cover = SessionCover.objects.get()
    assert body["id"] == cover.pk
    assert (body["session"], body["away"], body["covering"], body["replaced"]) == (
        gap.pk,
        jess.pk,
        priya.pk,
        True,
    )
    assert body["created_by"] == coordinator.pk
    assert list(gap.staff.all()) == [priya]
    assert gap.history.latest().history_change_reason == "Cover: Priya Shah for Jess Lowe"
    row = client.get(reverse("outreach:rota")).context["rows"][0]
    assert not row.gap and row.covers == [cover]


def test_the_api_refuses_a_second_cover_for_the_same_gap(client, coordinator, gap, jess, priya):
    tom = UserFactory(username="tom", first_name="Tom", last_name="Baker", role=Role.SUPPORT)
    client.force_login(coordinator)
    first = client.post(LIST, _cover(gap, jess, priya, False), content_type="application/json")
    assert first.status_code == 201, first.content
    second = client.post(LIST, _cover(gap, jess, tom, False), content_type="application/json")
    assert second.status_code == 400
    assert second.json() == {
        "detail": "Jess Lowe's place on this session is already covered by Priya Shah."
    }
    assert SessionCover.objects.count() == 1 and tom not in gap.staff.all()


def test_the_api_refuses_what_the_page_refuses(client, coordinator, gap, jess, priya):
    AbsenceFactory(worker=priya, kind="training", starts=_day(6), ends=_day(6))
    client.force_login(coordinator)
    refused = client.post(LIST, _cover(gap, jess, priya), content_type="application/json")
    assert refused.status_code == 400
    assert "is away on" in refused.json()["detail"]
    assert not SessionCover.objects.exists()


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.DIRECTOR])
def test_those_who_read_the_rota_read_the_covers_and_do_not_cover(as_role, role, gap, jess, priya):
    cover = SessionCoverFactory()
    browser = as_role(role)
    assert [c["id"] for c in browser.get(LIST).json()["results"]] == [cover.pk]
    assert browser.get(f"{LIST}{cover.pk}/").json()["covering"] == cover.covering_id
    made = browser.post(LIST, _cover(gap, jess, priya), content_type="application/json")
    assert made.status_code == 403
    assert SessionCover.objects.count() == 1 and jess in gap.staff.all()


@pytest.mark.parametrize(
    "role", [Role.PANEL, Role.RESETTLEMENT_MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR]
)
def test_those_who_do_not_read_the_rota_see_no_covers(as_role, role, gap, jess, priya):
    cover = SessionCoverFactory()
    browser = as_role(role)
    assert browser.get(LIST).status_code == 403
    assert browser.get(f"{LIST}{cover.pk}/").status_code == 404
    assert (
        browser.post(LIST, _cover(gap, jess, priya), content_type="application/json").status_code
        == 403
    )


def test_a_cover_is_not_changed_through_the_api(client, coordinator):
    cover = SessionCoverFactory()
    client.force_login(coordinator)
    answer = client.patch(f"{LIST}{cover.pk}/", {"replaced": True}, content_type="application/json")
    assert answer.status_code == 405


def test_the_session_covers_are_in_the_api_schema(client, coordinator):
    client.force_login(coordinator)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    assert {"get", "post"} <= schema["paths"][LIST].keys()
    assert set(schema["components"]["schemas"]["SessionCover"]["required"]) >= {
        "session",
        "away",
        "covering",
    }


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_covering_one_gap_at_once_make_one_cover(gap, jess, priya, make_user):
    coordinator = make_user(Role.COORDINATOR)
    tom = UserFactory(username="tom", first_name="Tom", last_name="Baker", role=Role.SUPPORT)

    def cover_with(worker):  # type: ignore[no-untyped-def]
        return lambda: services.cover_session(
            gap, away=jess, covering=worker, replace=False, by=coordinator
        )

    results = at_once(cover_with(priya), cover_with(tom))
    assert sorted(type(r).__name__ for r in results) == ["OutreachError", "SessionCover"]
    assert SessionCover.objects.count() == 1
    assert gap.staff.count() == 2
