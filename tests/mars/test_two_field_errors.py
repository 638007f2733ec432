"""A rule between two of a form's values is said once, beside the later field, never above the
form (where the model's constraint would put it): absences, covers and supervisions."""

from __future__ import annotations

import datetime as dt

import pytest

from mars.roles import Role
from staffing.forms import AbsenceForm, CoverForm
from team.forms import SupervisionForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_absence_ending_before_it_starts_is_refused_beside_its_last_day(support):
    form = AbsenceForm(
        {"kind": "leave", "starts": "2026-12-10", "ends": "2026-12-08"}, user=support
    )

    assert not form.is_valid()
    assert form.errors == {"ends": ["The last day away cannot be before the first."]}


def test_a_cover_ending_before_it_starts_is_refused_beside_its_last_day(coordinator):
    worker, covering = UserFactory(role=Role.SUPPORT), UserFactory(role=Role.SUPPORT)
    form = CoverForm(
        {
            "worker": worker.pk,
            "covered_by": covering.pk,
            "starts": "2026-12-10",
            "ends": "2026-12-08",
        }
    )

    assert not form.is_valid()
    assert form.errors == {"ends": ["The last day of cover cannot be before the first."]}


def test_a_supervision_says_each_rule_beside_its_field(coordinator):
    worker = UserFactory(role=Role.SUPPORT)
    held = dt.date(2026, 11, 20)
    form = SupervisionForm(
        {
            "worker": worker.pk,
            "supervisor": worker.pk,
            "held_on": held.isoformat(),
            "caseload_discussed": "Everyone",
            "wellbeing": "Well",
            "next_on": held.isoformat(),
        }
    )

    assert not form.is_valid()
    assert form.errors["supervisor"] == ["A worker cannot supervise themselves."]
    assert form.errors["next_on"] == ["The next supervision comes after this one."]
    assert "__all__" not in form.errors
