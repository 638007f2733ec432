"""The outreach rota: planned sessions this week and next, a gap where someone on a session is
away that day, and the coordinator's cover: a record of who covers whom (the rota reads it), and
an entry in the session's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mars.roles import Role
from outreach import services
from outreach.models import OutreachSession, SessionCover
from tests.clock import ORDINARY_DAY
from tests.factories import (
    AbsenceFactory,
    OutreachSessionFactory,
    SessionCoverFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def scene(make_user):  # type: ignore[no-untyped-def]
    # ORDINARY_DAY is a Wednesday: next week's Monday is five days on.
    jess = UserFactory(username="jess", first_name="Jess", last_name="Lowe", role=Role.OUTREACH)
    owen = UserFactory(username="owen", first_name="Owen", last_name="Hale", role=Role.OUTREACH)
    priya = UserFactory(username="priya", first_name="Priya", last_name="Shah", role=Role.SUPPORT)
    AbsenceFactory(worker=jess, starts=_day(5), ends=_day(9))
    gap = OutreachSessionFactory(date=_day(6), area="City centre", staff=[jess, owen])
    fine = OutreachSessionFactory(date=_day(1), area="Stonehouse", staff=[jess])
    OutreachSessionFactory(date=_day(-1), area="Yesterday", staff=[jess])
    OutreachSessionFactory(date=_day(20), area="Too far", staff=[jess])
    return {
        "coordinator": make_user(Role.COORDINATOR),
        "jess": jess,
        "owen": owen,
        "priya": priya,
        "gap": gap,
        "fine": fine,
    }


def test_the_rota_shows_this_week_and_next_with_a_gap_where_someone_is_away(client, scene):
    client.force_login(scene["coordinator"])
    page = client.get(reverse("outreach:rota"))
    rows = page.context["rows"]
    assert [row.session for row in rows] == [scene["fine"], scene["gap"]]
    assert [row.gap for row in rows] == [False, True]
    assert rows[1].uncovered == [scene["jess"]]
    assert page.context["gaps"] == 1
    cover_url = reverse("outreach:rota_cover", args=[scene["gap"].pk])
    assert f"{cover_url}?away={scene['jess'].pk}" in page.content.decode()


def test_the_coordinator_assigns_cover_in_place_of_the_worker_away(client, scene):
    client.force_login(scene["coordinator"])
    session = scene["gap"]
    answer = client.post(
        reverse("outreach:rota_cover", args=[session.pk]),
        {"away": scene["jess"].pk, "covering": scene["priya"].pk, "replace": "yes"},
    )
    assert answer.status_code == 302
    assert set(session.staff.all()) == {scene["owen"], scene["priya"]}
    latest = session.history.latest()
    assert latest.history_change_reason == "Cover: Priya Shah for Jess Lowe"
    assert latest.history_user == scene["coordinator"]
    # One version for the change, not one for each half of it.
    assert session.history.filter(history_change_reason__startswith="Cover").count() == 1
    cover = SessionCover.objects.get(session=session)
    assert (cover.away, cover.covering, cover.replaced) == (scene["jess"], scene["priya"], True)
    assert cover.created_by == scene["coordinator"]
    assert cover.history.get().history_user == scene["coordinator"]
    rows = client.get(reverse("outreach:rota")).context["rows"]
    assert not rows[1].gap and [str(c) for c in rows[1].covers] == [
        "Cover: Priya Shah for Jess Lowe"
    ]
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Cover: Priya Shah for Jess Lowe" in page


def test_a_covering_worker_who_joins_leaves_the_worker_away_listed_and_covered(client, scene):
    client.force_login(scene["coordinator"])
    session = scene["gap"]
    client.post(
        reverse("outreach:rota_cover", args=[session.pk]),
        {"away": scene["jess"].pk, "covering": scene["priya"].pk, "replace": "no"},
    )
    assert set(session.staff.all()) == {scene["jess"], scene["owen"], scene["priya"]}
    assert SessionCover.objects.get(session=session).replaced is False
    row = client.get(reverse("outreach:rota")).context["rows"][1]
    assert not row.gap


def test_a_covered_gap_stays_covered_after_the_worker_away_is_renamed(client, scene):
    services.cover_session(
        scene["gap"],
        away=scene["jess"],
        covering=scene["priya"],
        replace=False,
        by=scene["coordinator"],
    )
    jess = scene["jess"]
    jess.last_name = "Lowe-Carter"
    jess.save()
    client.force_login(scene["coordinator"])
    row = client.get(reverse("outreach:rota")).context["rows"][1]
    assert [(user, away) for user, away in row.staff if user == jess] == [(jess, True)]
    assert not row.gap
    assert [str(c) for c in row.covers] == ["Cover: Priya Shah for Jess Lowe-Carter"]


def test_a_second_cover_for_the_same_gap_is_refused_beside_the_field(client, scene):
    tom = UserFactory(username="tom", first_name="Tom", last_name="Baker", role=Role.SUPPORT)
    client.force_login(scene["coordinator"])
    url = reverse("outreach:rota_cover", args=[scene["gap"].pk])
    first = {"away": scene["jess"].pk, "covering": scene["priya"].pk, "replace": "no"}
    assert client.post(url, first).status_code == 302
    page = client.post(url, {**first, "covering": tom.pk})
    assert page.status_code == 200
    assert page.context["form"].errors["away"] == [
        "Jess Lowe's place on this session is already covered by Priya Shah."
    ]
    assert SessionCover.objects.get().covering == scene["priya"]
    assert tom not in scene["gap"].staff.all()


def test_the_database_keeps_one_cover_for_a_place_and_none_by_the_worker_away(scene):
    made = {"session": scene["gap"], "away": scene["jess"], "covering": scene["priya"]}
    SessionCover.objects.create(**made)
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionCover.objects.create(**{**made, "covering": scene["owen"]})
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionCover.objects.create(
            session=scene["gap"], away=scene["owen"], covering=scene["owen"]
        )


def test_a_covering_worker_away_that_day_too_is_refused_beside_the_field(client, scene):
    AbsenceFactory(worker=scene["priya"], kind="training", starts=_day(6), ends=_day(6))
    client.force_login(scene["coordinator"])
    page = client.post(
        reverse("outreach:rota_cover", args=[scene["gap"].pk]),
        {"away": scene["jess"].pk, "covering": scene["priya"].pk, "replace": "yes"},
    )
    assert page.status_code == 200
    assert "is away on" in page.context["form"].errors["covering"][0]
    assert scene["jess"] in scene["gap"].staff.all()


def test_a_covering_worker_already_on_the_session_is_refused(scene):
    with pytest.raises(services.OutreachError) as refused:
        services.cover_session(
            scene["gap"],
            away=scene["jess"],
            covering=scene["owen"],
            replace=True,
            by=scene["coordinator"],
        )
    assert refused.value.field == "covering"


def test_a_past_session_is_not_covered(scene):
    past = OutreachSession.objects.get(area="Yesterday")
    with pytest.raises(services.OutreachError):
        services.cover_session(
            past, away=scene["jess"], covering=scene["priya"], replace=True, by=None
        )


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.DIRECTOR])
def test_only_the_coordinator_assigns_cover(as_role, role, scene):
    browser = as_role(role)
    assert browser.get(reverse("outreach:rota")).status_code == 200
    answer = browser.post(
        reverse("outreach:rota_cover", args=[scene["gap"].pk]),
        {"away": scene["jess"].pk, "covering": scene["priya"].pk, "replace": "yes"},
    )
    assert answer.status_code == 403
    assert scene["jess"] in scene["gap"].staff.all()


def test_the_rota_takes_a_few_queries_however_many_sessions(
    client, scene, django_assert_max_num_queries
):
    for n in range(8):
        worker = UserFactory(username=f"w{n}", role=Role.OUTREACH)
        AbsenceFactory(worker=worker, starts=_day(n), ends=_day(n))
        session = OutreachSessionFactory(date=_day(n % 10), staff=[worker, scene["owen"]])
        if n % 2:
            SessionCoverFactory(session=session, away=worker, covering=scene["priya"])
    client.force_login(scene["coordinator"])
    with django_assert_max_num_queries(16):
        page = client.get(reverse("outreach:rota"))
    assert len(page.context["rows"]) == 10
    assert sum(row.gap for row in page.context["rows"]) == 1 + 4  # the scene's, and half of these
