"""Sections other apps add to a person's page, each shown only to those who may see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string

from mars.access import AnyUser

# Each app with records about a person adds a function (client, user) -> PersonSection | None.
PROVIDERS = ["risk.person.section", "accommodation.person.section", "funds.person.section"]


@dataclass
class PersonSection:
    id: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def sections_for(client: object, user: AnyUser) -> list[PersonSection]:
    sections = (import_string(provider)(client, user) for provider in PROVIDERS)
    return [s for s in sections if s is not None]
