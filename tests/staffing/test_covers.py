"""Caseload handover: the coordinator hands a worker's caseload to a covering worker for a
period; never two covers for one worker on a day."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from mars.roles import Role
from staffing import services
from staffing.cover import covering, with_cover
from staffing.models import CaseloadCover
from tests.clock import ORDINARY_DAY
from tests.concurrency import at_once
from tests.factories import CaseloadCoverFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def tom(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="tom", first_name="Tom", last_name="Baker", role=Role.SUPPORT)


@pytest.fixture
def priya(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="priya", first_name="Priya", last_name="Shah", role=Role.SUPPORT)


def _form(worker, by, starts, ends):  # type: ignore[no-untyped-def]
    return {
        "worker": worker.pk,
        "covered_by": by.pk,
        "starts": starts.isoformat(),
        "ends": ends.isoformat(),
        "notes": "Leave",
    }


def test_the_coordinator_hands_a_caseload_over_and_the_page_says_so(
    client, coordinator, tom, priya
):
    client.force_login(coordinator)
    answer = client.post(reverse("staffing:cover_create"), _form(tom, priya, _day(0), _day(4)))
    cover = CaseloadCover.objects.get()
    assert answer.status_code == 302 and answer.url == cover.get_absolute_url()
    assert cover.created_by == coordinator
    assert covering([tom.pk], _day(4)) == {tom.pk: priya}
    assert covering([tom.pk], _day(5)) == {}
    assert with_cover([tom], _day(1)) == [tom, priya]
    page = client.get(cover.get_absolute_url()).content.decode()
    assert "Priya Shah" in page and "Tom Baker" in page
    assert cover.history.get().history_user == coordinator


def test_an_overlapping_cover_for_one_worker_is_refused(client, coordinator, tom, priya, support):
    CaseloadCoverFactory(worker=tom, covered_by=priya, starts=_day(0), ends=_day(4))
    client.force_login(coordinator)
    page = client.post(reverse("staffing:cover_create"), _form(tom, support, _day(4), _day(8)))
    assert page.status_code == 200
    assert "already covered by Priya Shah" in page.context["form"].errors["starts"][0]
    # The day after the first cover ends is free.
    answer = client.post(reverse("staffing:cover_create"), _form(tom, support, _day(5), _day(8)))
    assert answer.status_code == 302
    assert CaseloadCover.objects.count() == 2


def test_a_covering_worker_whose_own_caseload_is_handed_over_is_refused(
    coordinator, tom, priya, support
):
    CaseloadCoverFactory(worker=priya, covered_by=support, starts=_day(2), ends=_day(3))
    with pytest.raises(services.StaffingError) as refused:
        services.hand_over_caseload(
            CaseloadCover(worker=tom, covered_by=priya, starts=_day(0), ends=_day(4)),
            by=coordinator,
        )
    assert refused.value.field == "covered_by"


def test_a_worker_cannot_cover_their_own_caseload(client, coordinator, tom):
    client.force_login(coordinator)
    page = client.post(reverse("staffing:cover_create"), _form(tom, tom, _day(0), _day(1)))
    assert "cannot cover their own" in page.context["form"].errors["covered_by"][0]


def test_a_cover_is_ended_early_by_changing_its_last_day(client, coordinator, tom, priya):
    cover = CaseloadCoverFactory(worker=tom, covered_by=priya, starts=_day(0), ends=_day(9))
    client.force_login(coordinator)
    answer = client.post(
        reverse("staffing:cover_edit", args=[cover.pk]),
        {"covered_by": priya.pk, "starts": _day(0).isoformat(), "ends": _day(1).isoformat()},
    )
    assert answer.status_code == 302
    assert covering([tom.pk], _day(2)) == {}


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.OUTREACH, Role.DIRECTOR])
def test_only_the_coordinator_hands_caseloads_over(as_role, role, tom, priya):
    browser = as_role(role)
    assert browser.get(reverse("staffing:cover_create")).status_code == 403
    made = browser.post(
        "/api/caseload-covers/",
        _form(tom, priya, _day(0), _day(1)),
        content_type="application/json",
    )
    assert made.status_code == 403
    assert not CaseloadCover.objects.exists()


def test_the_api_refuses_an_overlapping_cover(client, coordinator, tom, priya, support):
    client.force_login(coordinator)
    first = client.post(
        "/api/caseload-covers/",
        _form(tom, priya, _day(0), _day(3)),
        content_type="application/json",
    )
    assert first.status_code == 201, first.content
    second = client.post(
        "/api/caseload-covers/",
        _form(tom, support, _day(3), _day(6)),
        content_type="application/json",
    )
    assert second.status_code == 400
    assert "already covered" in str(second.json())


@pytest.mark.django_db(transaction=True)
def test_two_covers_for_one_worker_at_once_make_one(tom, priya, support, make_user):
    coordinator = make_user(Role.COORDINATOR)

    def hand_over(covering_worker):  # type: ignore[no-untyped-def]
        return lambda: services.hand_over_caseload(
            CaseloadCover(worker=tom, covered_by=covering_worker, starts=_day(0), ends=_day(3)),
            by=coordinator,
        )

    results = at_once(hand_over(priya), hand_over(support))
    assert sorted(type(r).__name__ for r in results) == ["CaseloadCover", "StaffingError"]
    assert CaseloadCover.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_handing_over_each_others_workers_at_once_make_one_cover(
    tom, priya, make_user, monkeypatch
):
    coordinator = make_user(Role.COORDINATOR)
    saving = services.save_record

    def slow_save(*args, **kwargs):  # type: ignore[no-untyped-def]
        # Each hand-over waits here after its checks: without both rows locked, both pass them.
        time.sleep(0.5)
        return saving(*args, **kwargs)

    monkeypatch.setattr(services, "save_record", slow_save)

    def hand_over(worker, covering_worker):  # type: ignore[no-untyped-def]
        return lambda: services.hand_over_caseload(
            CaseloadCover(worker=worker, covered_by=covering_worker, starts=_day(0), ends=_day(3)),
            by=coordinator,
        )

    results = at_once(hand_over(tom, priya), hand_over(priya, tom))
    assert sorted(type(r).__name__ for r in results) == ["CaseloadCover", "StaffingError"]
    assert CaseloadCover.objects.count() == 1
