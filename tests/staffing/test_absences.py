"""Planned absences: a worker records their own leave and training, the coordinator anyone's;
the attendance page shows who is away this week and next; sickness is the coordinator's and the
worker's to read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mars.roles import Role
from staffing import services
from staffing.models import Absence, AbsenceKind
from tests.clock import ORDINARY_DAY
from tests.factories import AbsenceFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _form(kind: str, starts: dt.date, ends: dt.date, **extra: object) -> dict[str, object]:
    return {"kind": kind, "starts": starts.isoformat(), "ends": ends.isoformat(), **extra}


def test_a_support_worker_records_their_own_leave(client, support):
    client.force_login(support)
    page = client.get(reverse("staffing:absence_create"))
    assert "worker" not in page.context["form"].fields
    assert [v for v, _ in page.context["form"].fields["kind"].choices] == ["leave", "training"]
    answer = client.post(reverse("staffing:absence_create"), _form("leave", _day(5), _day(9)))
    assert answer.status_code == 302
    absence = Absence.objects.get()
    assert (absence.worker, absence.created_by, absence.days) == (support, support, 5)
    assert absence.history.get().history_user == support


def test_a_worker_cannot_record_sickness_or_someone_elses_absence(support, outreach):
    with pytest.raises(services.StaffingError):
        services.record_absence(
            Absence(worker=support, kind=AbsenceKind.SICKNESS, starts=_day(0), ends=_day(0)),
            by=support,
        )
    with pytest.raises(services.StaffingError):
        services.record_absence(
            Absence(worker=outreach, kind=AbsenceKind.LEAVE, starts=_day(3), ends=_day(4)),
            by=support,
        )
    assert not Absence.objects.exists()


def test_the_coordinator_records_anyones_sickness(client, coordinator, support):
    client.force_login(coordinator)
    answer = client.post(
        reverse("staffing:absence_create"),
        _form("sickness", _day(0), _day(2), worker=support.pk, notes="Flu"),
    )
    assert answer.status_code == 302
    assert Absence.objects.get().worker == support


def test_overlapping_absences_of_one_worker_are_refused_beside_the_field(client, support):
    AbsenceFactory(worker=support, starts=_day(5), ends=_day(9))
    client.force_login(support)
    page = client.post(
        reverse("staffing:absence_create"), _form("training", _day(9), _day(10), notes="Kept")
    )
    assert page.status_code == 200
    assert "is already away from" in page.context["form"].errors["starts"][0]
    assert page.context["form"]["notes"].value() == "Kept"
    assert Absence.objects.count() == 1


def test_the_last_day_cannot_be_before_the_first(support):
    with pytest.raises(services.StaffingError) as refused:
        services.record_absence(
            Absence(worker=support, kind=AbsenceKind.LEAVE, starts=_day(5), ends=_day(4)),
            by=support,
        )
    assert refused.value.field == "ends"


def test_a_worker_changes_their_own_leave_but_not_anothers(client, support, outreach):
    own = AbsenceFactory(worker=support)
    other = AbsenceFactory(worker=outreach)
    client.force_login(support)
    answer = client.post(
        reverse("staffing:absence_edit", args=[own.pk]),
        _form("leave", own.starts, own.starts + dt.timedelta(days=1)),
    )
    assert answer.status_code == 302
    own.refresh_from_db()
    assert own.days == 2
    assert client.get(reverse("staffing:absence_edit", args=[other.pk])).status_code == 403


def test_the_attendance_page_shows_who_is_away_this_week_and_next(client, outreach):
    tom = UserFactory(username="tom", first_name="Tom", last_name="Baker", role=Role.SUPPORT)
    AbsenceFactory(worker=tom, starts=_day(6), ends=_day(8))
    AbsenceFactory(worker=tom, starts=_day(60), ends=_day(61))
    client.force_login(outreach)
    page = client.get(reverse("staffing:attendance"))
    away_days = [day for day, away in page.context["days"] if away]
    assert away_days == [_day(6), _day(7), _day(8)]
    assert len(page.context["rows"]) == 2
    assert "Tom Baker" in page.content.decode()


def test_sickness_reads_as_away_to_colleagues_with_no_notes(client, outreach, coordinator):
    tom = UserFactory(username="tom", first_name="Tom", last_name="Baker", role=Role.SUPPORT)
    sick = AbsenceFactory(worker=tom, kind="sickness", starts=_day(0), ends=_day(1), notes="Flu")
    client.force_login(outreach)
    page = client.get(sick.get_absolute_url()).content.decode()
    assert "Away" in page and "Sickness" not in page and "Flu" not in page
    api = client.get(f"/api/absences/{sick.pk}/").json()
    assert (api["kind"], api["kind_label"], api["notes"]) == ("away", "Away", "")
    client.force_login(coordinator)
    page = client.get(sick.get_absolute_url()).content.decode()
    assert "Sickness" in page and "Flu" in page
    client.force_login(tom)
    assert "Sickness" in client.get(sick.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OUTREACH, 200),
        (Role.SUPPORT, 200),
        (Role.COORDINATOR, 200),
        (Role.DIRECTOR, 200),
        (Role.PANEL, 403),
        (Role.RESETTLEMENT_MANAGER, 403),
        (Role.COMMISSIONER, 403),
        (Role.ADMINISTRATOR, 403),
    ],
)
def test_the_attendance_page_is_for_case_staff(as_role, role, status):
    assert as_role(role).get(reverse("staffing:attendance")).status_code == status


def test_a_worker_records_their_leave_through_the_api(client, support, coordinator):
    client.force_login(support)
    made = client.post(
        "/api/absences/",
        {"kind": "training", "starts": _day(3).isoformat(), "ends": _day(3).isoformat()},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["worker"] == support.pk
    refused = client.post(
        "/api/absences/",
        {
            "worker": coordinator.pk,
            "kind": "leave",
            "starts": _day(3).isoformat(),
            "ends": _day(3).isoformat(),
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert Absence.objects.count() == 1
