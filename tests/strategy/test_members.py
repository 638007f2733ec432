"""Members: staff by their account, partners by name and email; only active members are sent."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mars.roles import Role
from strategy.models import Member

pytestmark = pytest.mark.django_db


def test_a_member_of_staff_takes_their_name_and_email_from_their_account(as_role, support):
    page = as_role(Role.COORDINATOR)
    response = page.post(
        reverse("strategy:member_create"),
        {"user": support.pk, "organisation": "MARS", "active": "on"},
    )
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.email == support.email
    assert member.name == (support.get_full_name() or support.username)
    assert member.history.first().history_user is not None
    # Once only.
    again = page.post(
        reverse("strategy:member_create"), {"user": support.pk, "organisation": "MARS"}
    )
    assert again.status_code == 200 and "already a member" in again.content.decode()


def test_a_partner_needs_a_name_and_an_email_and_what_was_typed_is_kept(as_role):
    response = as_role(Role.COORDINATOR).post(
        reverse("strategy:member_create"), {"organisation": "Probation Service"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "A partner needs a name and an email." in body and "Probation Service" in body
    assert not Member.objects.exists()


def test_the_member_list_is_read_by_staff_and_changed_by_the_coordinator(as_role):
    Member.objects.create(name="Helen Fox", organisation="Council", email="h@council.example")
    body = as_role(Role.OUTREACH).get(reverse("strategy:member_list")).content.decode()
    assert "Helen Fox" in body and "Add a member" not in body
    assert as_role(Role.OUTREACH).get(reverse("strategy:member_create")).status_code == 403
    assert (
        "Add a member"
        in as_role(Role.COORDINATOR).get(reverse("strategy:member_list")).content.decode()
    )
