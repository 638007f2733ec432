"""The demo data that `make run` loads shows every part of outreach."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from clients.models import Client
from outreach import figures, phone
from outreach.models import (
    Contact,
    CountedPerson,
    Hotspot,
    Intervention,
    OutreachSession,
    PublicReport,
    ReportStatus,
    RoughSleepingCount,
    SwepOffer,
)

pytestmark = pytest.mark.django_db


def test_demo_data_shows_outreach(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    assert OutreachSession.objects.count() >= 30
    assert Contact.objects.unidentified().exists()
    assert Contact.objects.identified().bedded_down().count() > 100
    assert figures.seen_rough_sleeping(Client.objects.active(), days=14).count() >= 5
    statuses = set(PublicReport.objects.values_list("status", flat=True))
    assert {ReportStatus.OPEN, ReportStatus.FOUND, ReportStatus.NOT_FOUND} <= statuses
    assert PublicReport.objects.overdue().exists()
    assert Intervention.objects.reconnections().exclude(outcome="").count() >= 3
    assert figures.active_swep() is not None and SwepOffer.objects.filter(accepted=False).exists()
    assert RoughSleepingCount.objects.count() == 2 and CountedPerson.objects.exists()
    # The outreach worker's phone has people to pick offline, some with an alert to heed.
    listed = phone.people_for_phone(User.objects.get(username="outreach"))["people"]
    assert len(listed) >= 10 and any(person["alerts"] for person in listed)

    sessions, contacts = OutreachSession.objects.count(), Contact.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert (OutreachSession.objects.count(), Contact.objects.count()) == (sessions, contacts)
    assert "contacts" not in out.getvalue()


def test_demo_hotspots_are_on_the_map_with_a_year_of_shape(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    hotspots = list(Hotspot.objects.all())
    assert len(hotspots) == 6 and all(h.on_map for h in hotspots)
    busiest = Hotspot.objects.get(name="Royal Parade doorways")
    months = figures.hotspot_months(busiest)
    people = [m["people"] for m in months]
    assert sum(1 for n in people if n) >= 10, people
    assert len(set(people)) >= 3, people
    assert sum(m["unidentified"] for h in hotspots for m in figures.hotspot_months(h)) > 0
