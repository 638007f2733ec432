"""Sections other apps add to a person's page, each shown only to those who may see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mars.access import AnyUser
from mars.registry import Registry


@dataclass
class PersonSection:
    id: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


# Each app with records about a person adds a function (person, user) -> PersonSection | None.
providers: Registry[Callable[[Any, AnyUser], PersonSection | None]] = Registry(
    "sections of a person's page"
)


def sections_for(client: object, user: AnyUser) -> list[PersonSection]:
    sections = (provider(client, user) for provider in providers)
    return [s for s in sections if s is not None]
