"""The person page's "Retention": whether the person is anonymised or under a legal hold, when
retention would reach them, and (for the coordinator) the hold and anonymise actions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from mars.access import AnyUser
from mars.person_page import PersonSection
from privacy.access import can_run_retention
from privacy.models import Anonymisation, LegalHold
from privacy.services import reckon


def section(person: Any, user: AnyUser) -> PersonSection | None:
    anonymisation = Anonymisation.objects.filter(client=person).select_related("run").first()
    if anonymisation is None and not can_run_retention(user):
        return None
    holds = list(LegalHold.objects.filter(client=person).select_related("placed_by", "lifted_by"))
    due = None
    if anonymisation is None and not person.is_merged:
        reckoned = reckon(type(person)._default_manager.filter(pk=person.pk), timezone.localdate())
        due = reckoned[0] if reckoned else None
    return PersonSection(
        id="retention",
        title="Retention",
        template="privacy/_person_section.html",
        context={
            "anonymisation": anonymisation,
            "hold": next((h for h in holds if h.in_force), None),
            "holds": holds,
            "due": due,
            "can_run": can_run_retention(user),
        },
    )
