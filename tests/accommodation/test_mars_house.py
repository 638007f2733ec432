"""MARS House: referral to sign-up, voids and occupancy by month, rooms empty now, issues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accommodation import figures, services
from accommodation.models import (
    MarsHouseReferral,
    MarsHouseStatus,
    Placement,
    Unavailability,
    Unit,
)
from clients.models import ClientStatus
from mars.roles import Role
from tests import clock
from tests.factories import (
    ClientFactory,
    MarsHouseReferralFactory,
    PlacementFactory,
    plan_in_force,
)

pytestmark = pytest.mark.django_db


def room(house, n):  # type: ignore[no-untyped-def]
    return house.units.get(name=f"Room {n}")


def test_referral_to_sign_up_creates_the_placement(sam, mars_house, coordinator):
    plan_in_force(sam)
    referral = MarsHouseReferralFactory(client=sam)
    with pytest.raises(services.AccommodationError, match="received"):
        services.sign_up(
            referral, room(mars_house, 1), licence_date=timezone.localdate(), by=coordinator
        )
    services.assess_mars_house_referral(
        referral, assessed_on=timezone.localdate(), notes="Seen at the hub", by=coordinator
    )
    services.decide_mars_house_referral(referral, accept=True, reason="", by=coordinator)
    placement = services.sign_up(
        referral, room(mars_house, 1), licence_date=timezone.localdate(), by=coordinator
    )
    referral.refresh_from_db()
    sam.refresh_from_db()
    assert referral.status == MarsHouseStatus.SIGNED_UP and referral.placement == placement
    assert referral.licence_date == placement.start == timezone.localdate()
    assert sam.status == ClientStatus.MARS_HOUSE


def test_sign_up_is_only_to_a_mars_house_room(sam, bed, coordinator):
    plan_in_force(sam)
    referral = MarsHouseReferralFactory(
        client=sam, status="accepted", decided_on=timezone.localdate(), decided_by=coordinator
    )
    with pytest.raises(services.AccommodationError, match="MARS House room"):
        services.sign_up(referral, bed, licence_date=timezone.localdate(), by=coordinator)
    assert not Placement.objects.exists()


def test_declining_needs_a_reason(sam, coordinator):
    referral = MarsHouseReferralFactory(
        client=sam, status="assessed", assessed_on=timezone.localdate()
    )
    with pytest.raises(services.AccommodationError, match="reason"):
        services.decide_mars_house_referral(referral, accept=False, reason="", by=coordinator)


def test_voids_count_empty_available_days_per_room(mars_house):
    """October 2026, 31 days. Room 1 let all month; Room 2 empty until the 11th, then let;
    Room 3 out of use 1st-10th, empty after. Today is in November, so every day counts."""
    today = dt.date(2026, 11, 22)
    r1, r2, r3 = room(mars_house, 1), room(mars_house, 2), room(mars_house, 3)
    PlacementFactory(unit=r1, start=dt.date(2026, 9, 1))
    PlacementFactory(
        unit=r2, start=dt.date(2026, 8, 1), end=dt.date(2026, 9, 30), end_reason="abandoned"
    )
    PlacementFactory(unit=r2, start=dt.date(2026, 10, 11))
    Unavailability.objects.create(
        unit=r3, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 11), reason="Damp"
    )
    report = figures.void_report(mars_house.units.all(), dt.date(2026, 10, 1), today)
    rows = {r.unit.name: (r.occupied, r.unavailable, r.void, r.occupancy) for r in report.rooms}
    assert rows == {
        "Room 1": (31, 0, 0, 100.0),
        "Room 2": (21, 0, 10, 67.7),
        "Room 3": (0, 10, 21, 0.0),
    }
    assert report.void_days == 31 and report.available_days == 83
    assert report.occupancy == 62.7  # 52 of 83


def test_the_current_month_counts_only_days_so_far(mars_house):
    today = dt.date(2026, 11, 10)
    report = figures.void_report(mars_house.units.all(), today, today)
    assert report.days == 10 and all(r.void == 10 for r in report.rooms)


def test_rooms_empty_now_say_since_when(mars_house):
    today = timezone.localdate()
    PlacementFactory(
        unit=room(mars_house, 1),
        start=today - dt.timedelta(days=50),
        end=today - dt.timedelta(days=20),
        end_reason="abandoned",
    )
    PlacementFactory(unit=room(mars_house, 2), start=today - dt.timedelta(days=5))
    empty = {r.unit.name: r.since for r in figures.empty_rooms(mars_house.units.all(), today)}
    assert empty == {"Room 1": today - dt.timedelta(days=20), "Room 3": None}


def test_void_report_page_and_csv(as_role, mars_house):
    browser = as_role(Role.COORDINATOR)
    page = browser.get(reverse("accommodation:voids") + "?month=2026-10")
    assert page.status_code == 200 and b"October 2026" in page.content
    csv = browser.get(reverse("accommodation:voids_csv") + "?month=2026-10").content.decode(
        "utf-8-sig"
    )
    lines = csv.strip().splitlines()
    assert lines[0].startswith("month,property,room,days,occupied")
    assert lines[1].startswith("2026-10,MARS House,Room 1,31,0,0,31,")
    assert lines[-1].startswith("2026-10,All,,93,0,0,93,0.0")


def test_a_resolved_issue_says_what_was_done(as_role, mars_house):
    browser = as_role(Role.SUPPORT)
    data = {
        "property": mars_house.pk,
        "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "repair",
        "description": "Shower leaking into the kitchen",
        "resolved_on": timezone.localdate().isoformat(),
    }
    response = browser.post(reverse("accommodation:issue_create"), data)
    assert response.status_code == 200 and b"Say what was done" in response.content
    data["action_taken"] = "Plumber resealed the tray"
    response = browser.post(reverse("accommodation:issue_create"), data)
    assert response.status_code == 302
    issue = mars_house.issues.get()
    assert issue.logged_by.username == "support"


def test_the_overview_shows_rooms_referrals_and_issues(as_role, mars_house, sam):
    PlacementFactory(unit=room(mars_house, 1), client=ClientFactory(last_name="Resident"))
    MarsHouseReferralFactory(client=sam)
    page = as_role(Role.COORDINATOR).get(reverse("accommodation:mars_house")).content.decode()
    assert "Resident" in page and "Void" in page and "Sam Example" in page
    assert Unit.objects.filter(property=mars_house).count() == 3
    assert MarsHouseReferral.objects.live().count() == 1


def test_the_coordinator_signs_up_on_the_page(as_role, sam, mars_house):
    plan_in_force(sam)
    referral = MarsHouseReferralFactory(client=sam)
    browser = as_role(Role.COORDINATOR)
    today = timezone.localdate().isoformat()
    browser.post(
        reverse("accommodation:mars_house_assess", args=[referral.pk]),
        {"assessed_on": today, "notes": "Fine"},
    )
    browser.post(
        reverse("accommodation:mars_house_decide", args=[referral.pk]), {"decision": "accept"}
    )
    url = reverse("accommodation:mars_house_sign_up", args=[referral.pk])
    form = browser.get(url).content.decode()
    assert "Room 1 (MARS House, free today)" in form and "Devonport" not in form
    response = browser.post(url, {"unit": room(mars_house, 2).pk, "licence_date": today})
    placement = Placement.objects.get(client=sam)
    assert response.status_code == 302 and response.url == placement.get_absolute_url()
    assert placement.unit.name == "Room 2"


@pytest.mark.parametrize(
    ("now", "month", "heading"),
    [
        (clock.ORDINARY_DAY, "2027-05", "May 2027"),
        (clock.FIRST_OF_MONTH, "2027-06", "June 2027"),
        # 23:20 on 30 June in UTC is already 1 July in London: last month is June, not May.
        (clock.JUST_AFTER_MIDNIGHT, "2027-06", "June 2027"),
        (clock.NEW_YEARS_DAY, "2027-12", "December 2027"),
    ],
)
def test_the_void_report_shows_last_london_month_unless_asked(
    time_machine, as_role, mars_house, now, month, heading
):
    time_machine.move_to(now)
    browser = as_role(Role.COORDINATOR)
    page = browser.get(reverse("accommodation:voids"))
    assert page.status_code == 200 and heading.encode() in page.content
    assert f"{page.context['report'].month:%Y-%m}" == month
    csv = browser.get(reverse("accommodation:voids_csv")).content.decode("utf-8-sig")
    assert csv.splitlines()[1].startswith(f"{month},MARS House,Room 1,")
    api = browser.get("/api/mars-house-voids/").json()
    assert api["month"] == f"{month}-01"
