"""The demo data that `make run` loads has things past their time on the waiting list."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mars import waiting
from tests.clock import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.mark.time_machine(ORDINARY_DAY)
def test_demo_data_has_referrals_past_their_time(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    items = waiting.past_time(timezone.localdate())
    kinds = {item.kind for item in items}
    assert {"Referral in", "Referral out", "A2A referral", "MARS House referral"} <= kinds
    late_out = [item for item in items if item.kind == "Referral out"]
    assert any(item.owner is not None and item.owner.username == "support" for item in late_out)
    before = len(items)
    call_command("load_demo", stdout=StringIO())
    assert len(waiting.past_time(timezone.localdate())) == before
