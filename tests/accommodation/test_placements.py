"""Placements: one person a unit and one unit a person at a time, status that follows, moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accommodation import services
from accommodation.models import A2AReferral, EndReason, Placement, ReferralStatus, Unavailability
from clients.models import Client, ClientStatus
from tests.concurrency import at_once
from tests.factories import (
    A2AReferralFactory,
    ClientFactory,
    PlacementFactory,
    PropertyFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def days_ago(n: int) -> dt.date:
    return TODAY() - dt.timedelta(days=n)


def test_placing_a_person_records_it_and_their_status_follows(sam, bed, coordinator):
    placement = services.place_client(sam, bed, start=days_ago(1), by=coordinator)
    assert placement.is_current and placement.placed_by == coordinator
    sam.refresh_from_db()
    assert sam.status == ClientStatus.TEMPORARY_ACCOMMODATION
    change = sam.history.first()
    assert change.history_user == coordinator and "Placed at Devonport House, Bed 1" in (
        change.history_change_reason
    )


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("mars_house", ClientStatus.MARS_HOUSE),
        ("housing_first", ClientStatus.SETTLED),
        ("night_shelter", ClientStatus.TEMPORARY_ACCOMMODATION),
    ],
)
def test_status_depends_on_the_type_of_property(sam, coordinator, kind, status):
    unit = UnitFactory(property=PropertyFactory(type=kind))
    services.place_client(sam, unit, start=TODAY(), by=coordinator)
    sam.refresh_from_db()
    assert sam.status == status


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        (EndReason.RECONNECTED, ClientStatus.RECONNECTED),
        (EndReason.PLANNED_MOVE_ON, ClientStatus.SETTLED),
        (EndReason.DECEASED, ClientStatus.DECEASED),
        (EndReason.EVICTION, ClientStatus.AT_RISK),
        (EndReason.ABANDONED, ClientStatus.AT_RISK),
    ],
)
def test_status_after_leaving_follows_the_reason(sam, bed, coordinator, reason, status):
    placement = services.place_client(sam, bed, start=days_ago(5), by=coordinator)
    services.end_placement(placement, end=TODAY(), reason=reason, by=coordinator)
    sam.refresh_from_db()
    assert sam.status == status


def test_a_unit_is_refused_while_someone_is_in_it(sam, bed, coordinator):
    other = ClientFactory(first_name="Jo", last_name="Other")
    PlacementFactory(client=other, unit=bed, start=days_ago(20))
    with pytest.raises(services.AccommodationError, match="is not free"):
        services.place_client(sam, bed, start=days_ago(1), by=coordinator)
    assert not Placement.objects.filter(client=sam).exists()


def test_a_backdated_placement_may_not_overlap_a_past_one(sam, bed, coordinator):
    other = ClientFactory()
    PlacementFactory(
        client=other, unit=bed, start=days_ago(30), end=days_ago(10), end_reason="eviction"
    )
    with pytest.raises(services.AccommodationError, match="is not free"):
        services.place_client(sam, bed, start=days_ago(15), by=coordinator)


def test_one_person_leaving_and_another_arriving_on_the_same_day_is_fine(sam, bed, coordinator):
    first = services.place_client(ClientFactory(), bed, start=days_ago(9), by=coordinator)
    services.end_placement(first, end=days_ago(2), reason=EndReason.PLANNED_MOVE_ON, by=coordinator)
    second = services.place_client(sam, bed, start=days_ago(2), by=coordinator)
    assert second.pk and Placement.objects.filter(unit=bed).count() == 2


def test_a_person_never_has_two_placements_at_once(sam, bed, coordinator):
    services.place_client(sam, bed, start=days_ago(3), by=coordinator)
    elsewhere = UnitFactory(property=bed.property, name="Bed 2")
    with pytest.raises(services.AccommodationError, match="already has a placement"):
        services.place_client(sam, elsewhere, start=TODAY(), by=coordinator)


def test_an_out_of_use_unit_cannot_be_let(sam, bed, coordinator):
    Unavailability.objects.create(
        unit=bed, start=days_ago(2), end=TODAY() + dt.timedelta(days=3), reason="Repairs"
    )
    with pytest.raises(services.AccommodationError, match="out of use"):
        services.place_client(sam, bed, start=TODAY(), by=coordinator)


def test_nobody_moves_in_on_a_future_day(sam, bed, coordinator):
    with pytest.raises(services.AccommodationError, match="moves in"):
        services.place_client(sam, bed, start=TODAY() + dt.timedelta(days=1), by=coordinator)


def test_a_merged_persons_record_takes_no_placement(sam, bed, coordinator):
    survivor = ClientFactory()
    Client.objects.filter(pk=sam.pk).update(merged_into=survivor, merged_at=timezone.now())
    with pytest.raises(services.AccommodationError, match="merged"):
        services.place_client(sam, bed, start=TODAY(), by=coordinator)


def test_placing_from_an_approved_referral_marks_it_placed(sam, bed, coordinator):
    referral = A2AReferralFactory(client=sam)
    with pytest.raises(services.AccommodationError, match="must approve it first"):
        services.place_client(sam, bed, start=TODAY(), referral=referral, by=coordinator)
    services.decide_referral(referral, approve=True, reason="Meets criteria", by=coordinator)
    placement = services.place_client(sam, bed, start=TODAY(), referral=referral, by=coordinator)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PLACED and placement.referral == referral


def test_a_referral_for_someone_else_is_refused(sam, bed, coordinator):
    referral = A2AReferralFactory()
    services.decide_referral(referral, approve=True, reason="Yes", by=coordinator)
    with pytest.raises(services.AccommodationError, match="someone else"):
        services.place_client(sam, bed, start=TODAY(), referral=referral, by=coordinator)


def test_moving_ends_one_placement_and_starts_the_next_the_same_day(sam, bed, coordinator):
    placement = services.place_client(
        sam, bed, start=days_ago(6), nightly_cost="25.00", by=coordinator
    )
    room = UnitFactory(property=PropertyFactory(type="mars_house"), name="Room 2")
    new = services.move_client(placement, room, on=TODAY(), by=coordinator)
    placement.refresh_from_db()
    assert placement.end == TODAY() and placement.end_reason == EndReason.TRANSFERRED
    assert placement.move_on_destination == str(room)
    assert new.start == TODAY() and new.unit == room and str(new.nightly_cost) == "25.00"
    sam.refresh_from_db()
    assert sam.status == ClientStatus.MARS_HOUSE


def test_a_refused_move_changes_nothing(sam, bed, coordinator):
    placement = services.place_client(sam, bed, start=days_ago(6), by=coordinator)
    taken = UnitFactory(property=bed.property, name="Bed 2")
    PlacementFactory(unit=taken, start=days_ago(30))
    with pytest.raises(services.AccommodationError, match="is not free"):
        services.move_client(placement, taken, on=TODAY(), by=coordinator)
    placement.refresh_from_db()
    assert placement.end is None


def test_ending_is_refused_before_the_start_or_in_the_future(sam, bed, coordinator):
    placement = services.place_client(sam, bed, start=days_ago(3), by=coordinator)
    with pytest.raises(services.AccommodationError, match="before it started"):
        services.end_placement(placement, end=days_ago(4), reason="eviction", by=coordinator)
    with pytest.raises(services.AccommodationError, match="planned end"):
        services.end_placement(
            placement, end=TODAY() + dt.timedelta(days=1), reason="eviction", by=coordinator
        )
    services.end_placement(placement, end=TODAY(), reason="eviction", by=coordinator)
    with pytest.raises(services.AccommodationError, match="ended on"):
        services.end_placement(placement, end=TODAY(), reason="eviction", by=coordinator)


def test_correcting_dates_into_someone_elses_stay_is_refused(sam, bed, coordinator):
    PlacementFactory(unit=bed, start=days_ago(40), end=days_ago(20), end_reason="eviction")
    placement = services.place_client(sam, bed, start=days_ago(10), by=coordinator)
    placement.start = days_ago(25)
    with pytest.raises(services.AccommodationError, match="is not free"):
        services.correct_placement(placement, by=coordinator)
    assert Placement.objects.get(pk=placement.pk).start == days_ago(10)


def test_the_database_refuses_two_open_placements_in_one_unit(bed):
    PlacementFactory(unit=bed)
    with pytest.raises(IntegrityError):
        PlacementFactory(unit=bed)


def test_an_end_needs_a_reason_in_the_database(bed):
    with pytest.raises(IntegrityError):
        PlacementFactory(unit=bed, end=TODAY())


@pytest.mark.django_db(transaction=True)
def test_two_workers_placing_two_people_into_one_bed_at_once_get_one_placement(bed):
    coordinator, other_worker = UserFactory(), UserFactory()
    first, second = ClientFactory(), ClientFactory()
    results = at_once(
        lambda: services.place_client(first, bed, start=TODAY(), by=coordinator),
        lambda: services.place_client(second, bed, start=TODAY(), by=other_worker),
    )
    placed = [r for r in results if isinstance(r, Placement)]
    refused = [r for r in results if isinstance(r, services.AccommodationError)]
    assert len(placed) == 1 and len(refused) == 1, results
    assert "is not free" in str(refused[0])
    assert Placement.objects.filter(unit=bed).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_person_placed_into_two_beds_at_once_gets_one_placement(hostel):
    coordinator = UserFactory()
    sam = ClientFactory()
    beds = [UnitFactory(property=hostel), UnitFactory(property=hostel)]
    results = at_once(
        *[
            lambda unit=unit: services.place_client(sam, unit, start=TODAY(), by=coordinator)
            for unit in beds
        ]
    )
    assert sum(isinstance(r, Placement) for r in results) == 1, results
    assert Placement.objects.filter(client=sam).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_panel_members_deciding_at_once_make_one_decision():
    referral = A2AReferralFactory()
    one, two = UserFactory(), UserFactory()
    results = at_once(
        lambda: services.decide_referral(referral, approve=True, reason="Yes", by=one),
        lambda: services.decide_referral(referral, approve=False, reason="No", by=two),
    )
    assert sum(isinstance(r, A2AReferral) for r in results) == 1, results
    assert (
        A2AReferral.history.filter(id=referral.pk, status__in=["approved", "declined"]).count() == 1
    )


def test_the_coordinator_moves_and_ends_on_the_pages(as_role, sam, bed):
    placement = PlacementFactory(client=sam, unit=bed, start=days_ago(4))
    room = UnitFactory(property=bed.property, name="Bed 9")
    browser = as_role("coordinator")
    response = browser.post(
        reverse("accommodation:placement_move", args=[placement.pk]),
        {"unit": room.pk, "on": TODAY().isoformat()},
    )
    new = Placement.objects.get(client=sam, end__isnull=True)
    assert response.status_code == 302 and new.unit == room
    refused = browser.post(
        reverse("accommodation:placement_end", args=[new.pk]),
        {"end": days_ago(9).isoformat(), "reason": "eviction", "destination": ""},
    )
    assert refused.status_code == 200 and b"cannot end before it started" in refused.content
    browser.post(
        reverse("accommodation:placement_end", args=[new.pk]),
        {"end": TODAY().isoformat(), "reason": "planned_move_on", "destination": "Council flat"},
    )
    new.refresh_from_db()
    assert new.end_reason == "planned_move_on" and new.move_on_destination == "Council flat"


def test_a_unit_someone_lives_in_stays_in_use(sam, bed, coordinator):
    services.place_client(sam, bed, start=days_ago(1), by=coordinator)
    bed.active = False
    with pytest.raises(services.AccommodationError, match="lives in this unit"):
        services.save_unit(bed, by=coordinator)
    bed.refresh_from_db()
    assert bed.active


def test_a_future_move_in_is_shown_beside_the_date_with_everything_kept(as_role, sam, bed):
    browser = as_role("coordinator")
    response = browser.post(
        reverse("accommodation:placement_create") + f"?client={sam.pk}",
        {
            "client": sam.pk,
            "unit": bed.pk,
            "start": (TODAY() + dt.timedelta(days=2)).isoformat(),
            "notes": "Arrives by taxi",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    field = page.split('<label for="id_start"')[1].split("<label")[0]
    assert "moves in, not later" in field
    assert "Arrives by taxi" in page
    assert not Placement.objects.exists()
