"""The demo data shows retention: one person the next run anonymises, one kept by a legal hold."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from clients.models import Client
from privacy.models import LegalHold
from privacy.services import due_people, held_but_due
from tests.clock import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.mark.time_machine(ORDINARY_DAY)
def test_demo_data_shows_a_person_due_and_one_on_legal_hold(settings: Any) -> None:
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()

    due = due_people(today)
    assert [d.reference for d in due] == [
        Client.objects.get(first_name="Gareth", last_name="Olden").reference
    ]
    held = LegalHold.objects.in_force().get()
    assert held.client.first_name == "Lorraine"
    assert held_but_due(today) == {held.client_id}
    # Loading again adds nothing.
    call_command("load_demo", stdout=StringIO())
    assert LegalHold.objects.count() == 1
