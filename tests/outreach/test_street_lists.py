"""Sessions, "seen rough sleeping recently" and hotspots' counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from mars.dates import day_start
from mars.roles import Role
from outreach import figures
from outreach.models import OutreachSession
from tests.factories import ClientFactory, ContactFactory, HotspotFactory

pytestmark = pytest.mark.django_db


def _at(days_ago: int, hour: int = 6) -> dt.datetime:
    return day_start(timezone.localdate() - dt.timedelta(days=days_ago)) + dt.timedelta(hours=hour)


def test_todays_session_is_one_tap_from_home(as_role):
    browser = as_role(Role.OUTREACH)
    home = browser.get(reverse("home")).content.decode()
    assert reverse("outreach:session_today") in home
    response = browser.get(reverse("outreach:session_today"))
    assert response.url.endswith("?today=1")
    form = browser.get(response.url).context["form"]
    assert form.initial["date"] == timezone.localdate()


def test_starting_a_session_puts_it_on_the_home_page(as_role, make_user):
    browser = as_role(Role.OUTREACH)
    partner = make_user(Role.SUPPORT)
    response = browser.post(
        reverse("outreach:session_create") + "?today=1",
        {
            "date": timezone.localdate().isoformat(),
            "start_time": "06:00",
            "area": "Hoe and Barbican",
            "staff": [browser.session["_auth_user_id"], partner.pk],
            "other_partners": "PCSO Jones",
        },
    )
    session = OutreachSession.objects.get()
    assert response.url == session.get_absolute_url()
    assert session.staff.count() == 2 and session.created_by.username == "outreach"
    home = browser.get(reverse("home")).content.decode()
    assert "Today's session: Hoe and Barbican" in home
    assert browser.get(reverse("outreach:session_today")).url == session.get_absolute_url()


def test_a_session_needs_staff_and_must_end_after_it_starts(as_role):
    browser = as_role(Role.OUTREACH)
    response = browser.post(
        reverse("outreach:session_create"),
        {"date": "2026-11-20", "start_time": "06:00", "end_time": "05:00", "area": "Centre"},
    )
    errors = response.context["form"].errors
    assert "staff" in errors and "end_time" in errors
    assert not OutreachSession.objects.exists()


def test_seen_recently_lists_people_bedded_down_in_the_window_and_not_housed():
    out14 = ClientFactory(first_name="Fourteen")
    out28 = ClientFactory(first_name="TwentyEight")
    housed = ClientFactory(first_name="Housed", status="temporary_accommodation")
    talked = ClientFactory(first_name="Talked")
    ContactFactory(client=out14, at=_at(13), location="Library steps")
    ContactFactory(client=out14, at=_at(100))
    ContactFactory(client=out28, at=_at(20))
    ContactFactory(client=housed, at=_at(2))
    ContactFactory(client=talked, at=_at(1), bedded_down=False)
    ContactFactory(client=None, description="someone", at=_at(1))

    fourteen = list(figures.seen_rough_sleeping(Client.objects.all(), days=14))
    assert fourteen == [out14]
    assert fourteen[0].last_location == "Library steps"
    assert figures.days_since(fourteen[0].first_seen_at) == 100
    twenty_eight = figures.seen_rough_sleeping(Client.objects.all(), days=28)
    assert set(twenty_eight) == {out14, out28}


def test_the_window_counts_local_days_across_the_clock_change():
    # 26 October 2026: the clocks went back the day before. 00:30 local is 00:30 UTC (GMT).
    person = ClientFactory()
    ContactFactory(client=person, at=dt.datetime(2026, 10, 13, 23, 30, tzinfo=dt.UTC))
    # 13 Oct 23:30 UTC is 14 Oct 00:30 BST: inside a 14-day window ending 27 Oct.
    seen = figures.seen_rough_sleeping(Client.objects.all(), days=14, today=dt.date(2026, 10, 27))
    assert list(seen) == [person]
    seen = figures.seen_rough_sleeping(Client.objects.all(), days=13, today=dt.date(2026, 10, 27))
    assert list(seen) == []


def test_seen_recently_page_switches_between_14_and_28_days(as_role):
    browser = as_role(Role.OUTREACH)
    person = ClientFactory(first_name="Twenty")
    ContactFactory(client=person, at=_at(20))
    assert browser.get(reverse("outreach:seen_recently")).context["people"] == []
    page = browser.get(reverse("outreach:seen_recently") + "?days=28")
    assert page.context["people"] == [person]
    assert page.context["people"][0].days_since_first_seen == 20
    assert browser.get(reverse("outreach:seen_recently") + "?days=zzz").context["days"] == 14


def test_seen_recently_runs_a_fixed_number_of_queries(as_role, django_assert_max_num_queries):
    browser = as_role(Role.OUTREACH)
    for _ in range(15):
        ContactFactory(at=_at(3))
    # Alerts: one prefetch, plus the header; the session's second-factor device (django-otp), the
    # signed-in session's row and the access log's row.
    with django_assert_max_num_queries(15):
        page = browser.get(reverse("outreach:seen_recently"))
    assert len(page.context["people"]) == 15


def test_a_hotspot_counts_its_recent_sightings(as_role):
    browser = as_role(Role.OUTREACH)
    hotspot = HotspotFactory(name="Multi-storey car park")
    for days in (1, 5, 20, 60):
        ContactFactory(hotspot=hotspot, at=_at(days))
    ContactFactory(hotspot=hotspot, at=_at(2), bedded_down=False)
    page = browser.get(reverse("outreach:hotspot_detail", args=[hotspot.pk]))
    rows = dict(page.context["rows"])
    assert rows["Bedded-down sightings, last 7 days"] == "2"
    assert rows["Last 28 days"] == "3"
    assert rows["Last 90 days"] == "4"
    listing = browser.get(reverse("outreach:hotspot_list")).context["hotspots"]
    assert listing[0].recent == 3


def test_hotspots_keep_history(as_role):
    browser = as_role(Role.COORDINATOR)
    browser.post(reverse("outreach:hotspot_create"), {"name": "Pannier market", "active": "on"})
    hotspot = HotspotFactory._meta.model.objects.get()
    browser.post(
        reverse("outreach:hotspot_edit", args=[hotspot.pk]),
        {"name": "Pannier market", "area": "City centre", "active": "on"},
    )
    entries = browser.get(hotspot.get_absolute_url()).context["history"]
    assert [e.action for e in entries] == ["Changed", "Created"]
    assert entries[0].who and entries[0].changes[0].new == "City centre"
