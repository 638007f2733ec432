"""The demo data that `make run` loads shows every part of accommodation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accommodation import figures, services
from accommodation.models import (
    A2AReferral,
    HouseIssue,
    MarsHouseReferral,
    Placement,
    ReferralStatus,
    Unit,
)
from clients.models import Client

pytestmark = pytest.mark.django_db


def test_demo_data_shows_accommodation(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    rooms = figures.mars_house_units()
    assert rooms.count() == 5
    month = figures.void_report(rooms, today.replace(day=1), today)
    assert month.void_days > 0 and figures.empty_rooms(rooms, today)
    assert Unit.objects.unavailable_on(today).exists()
    statuses = set(A2AReferral.objects.values_list("status", flat=True))
    assert {
        ReferralStatus.SUBMITTED,
        ReferralStatus.UNDER_REVIEW,
        ReferralStatus.APPROVED,
    } <= statuses
    assert {ReferralStatus.PLACED, ReferralStatus.DECLINED} <= statuses
    assert (
        Placement.objects.current().count() >= 10
        and Placement.objects.filter(end__isnull=False).exists()
    )
    board = figures.board(Unit.objects.all(), Placement.objects.all(), today)
    assert board.free and board.ending_soon and board.unavailable
    tenancies = figures.tenancies(Placement.objects.all(), today)
    assert len(tenancies) >= 4 and figures.sustainment_rates(tenancies)[1].reached >= 2
    assert MarsHouseReferral.objects.live().count() >= 3 and HouseIssue.objects.open().exists()
    # Everyone's status agrees with their placements.
    for person in Client.objects.active().filter(placements__isnull=False).distinct():
        assert services.status_from_placements(person) == person.status, person

    placements = Placement.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Placement.objects.count() == placements
