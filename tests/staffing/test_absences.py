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


def _listed(client, query: str) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    answer = client.get(f"/api/absences/?{query}")
    assert answer.status_code == 200, answer.content
    return [(row["id"], row["kind"]) for row in answer.json()["results"]]


@pytest.fixture
def off_sick(coordinator):  # type: ignore[no-untyped-def]
    """Tom off sick this week, and Tom's sickness last month recorded again as annual leave."""
    tom = UserFactory(username="tom", first_name="Tom", last_name="Baker", role=Role.SUPPORT)
    sick = AbsenceFactory(worker=tom, kind="sickness", starts=_day(0), ends=_day(1), notes="Flu")
    was_sick = services.record_absence(
        Absence(worker=tom, kind=AbsenceKind.SICKNESS, starts=_day(-30), ends=_day(-28)),
        by=coordinator,
    )
    was_sick.kind = AbsenceKind.LEAVE
    was_sick.notes = "Flu after all"
    services.record_absence(was_sick, by=coordinator)
    leave = AbsenceFactory(worker=tom, kind="leave", starts=_day(20), ends=_day(21))
    return {"tom": tom, "sick": sick, "was_sick": was_sick, "leave": leave}


def test_filtering_the_api_by_sickness_tells_a_colleague_nothing(client, outreach, off_sick):
    sick, was_sick, leave = off_sick["sick"], off_sick["was_sick"], off_sick["leave"]
    client.force_login(outreach)
    assert _listed(client, "kind=sickness") == []
    assert _listed(client, "kind=leave") == [(leave.pk, "leave")]
    # What the colleague reads as "away" is what they find under "away", and only there.
    assert sorted(_listed(client, "kind=away")) == sorted(
        [(sick.pk, "away"), (was_sick.pk, "away")]
    )
    assert sorted(_listed(client, "")) == sorted(
        [(sick.pk, "away"), (was_sick.pk, "away"), (leave.pk, "leave")]
    )


def test_the_coordinator_and_the_worker_filter_by_the_kind_itself(client, coordinator, off_sick):
    sick, was_sick = off_sick["sick"], off_sick["was_sick"]
    for reader in (coordinator, off_sick["tom"]):
        client.force_login(reader)
        assert _listed(client, "kind=sickness") == [(sick.pk, "sickness")]
        assert (was_sick.pk, "leave") in _listed(client, "kind=leave")
        assert _listed(client, "kind=away") == []


def test_a_kind_that_was_sickness_reads_as_away_to_colleagues_on_every_page(
    client, outreach, coordinator, off_sick
):
    was_sick = off_sick["was_sick"]
    client.force_login(outreach)
    page = client.get(was_sick.get_absolute_url()).content.decode()
    assert "Away" in page
    assert "Sickness" not in page and "Annual leave" not in page and "Flu" not in page
    api = client.get(f"/api/absences/{was_sick.pk}/").json()
    assert (api["kind"], api["kind_label"], api["notes"]) == ("away", "Away", "")
    past = client.get(reverse("staffing:attendance") + "?show=past")
    assert [kind for a, kind in past.context["rows"] if a.pk == was_sick.pk] == ["Away"]
    client.force_login(coordinator)
    page = client.get(was_sick.get_absolute_url()).content.decode()
    assert "Sickness" in page and "Annual leave" in page and "Flu after all" in page


def test_the_api_schema_says_a_kind_may_read_away_but_not_be_written_so():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def enum(component: str) -> set[str]:
        kind = components[component]["properties"]["kind"]
        if "$ref" in kind:
            kind = components[kind["$ref"].rsplit("/", 1)[-1]]
        return set(kind["enum"])

    kinds = {kind.value for kind in AbsenceKind}
    assert enum("Absence") == kinds | {"away"}
    assert enum("AbsenceRequest") == kinds
    listing = schema["paths"]["/api/absences/"]["get"]["parameters"]
    (kind_filter,) = [p for p in listing if p["name"] == "kind"]
    assert set(kind_filter["schema"]["enum"]) == kinds | {"away"}
