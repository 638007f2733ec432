"""The link from a person's page to their data protection requests."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mars.access import AnyUser
from mars.person_page import PersonAction
from rights.access import can_see_requests


def actions(person: Any, user: AnyUser) -> list[PersonAction]:
    if not can_see_requests(user):
        return []
    return [
        PersonAction(
            "Data protection requests",
            reverse("rights:person_requests", args=[person.pk]),
            secondary=True,
        )
    ]
