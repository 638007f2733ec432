"""The demo's data protection requests: one due next week, one completed, one decided."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mars.roles import Role
from rights import demo
from rights.models import AccessStatus, Decision, RightsKind, RightsRequest, SubjectAccessRequest
from tests.clock import ORDINARY_DAY
from tests.factories import ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def test_demo_requests(make_user):
    coordinator = make_user(Role.COORDINATOR)
    for _ in range(5):
        ClientFactory()
    today = timezone.localdate()
    assert demo.load(today, {"coordinator": coordinator})
    due = SubjectAccessRequest.objects.get(status=AccessStatus.IN_PROGRESS)
    assert today + timedelta(days=1) <= due.due_on <= today + timedelta(days=8)
    done = SubjectAccessRequest.objects.get(status=AccessStatus.COMPLETED)
    assert done.export_made_at is not None
    decided = RightsRequest.objects.get()
    assert decided.kind == RightsKind.RECTIFICATION and decided.decision == Decision.AGREED
    # A second run adds nothing.
    assert demo.load(today, {"coordinator": coordinator}) == {}
