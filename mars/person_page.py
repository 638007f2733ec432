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


@dataclass(frozen=True)
class PersonAction:
    """A link that starts a record about the person (Log contact, New intervention)."""

    label: str
    url: str
    secondary: bool = False
    # Shown on each person in lists of people too, not only on the person's page.
    in_lists: bool = False


# Each app whose records start from a person adds a function (person, user) -> [PersonAction].
actions: Registry[Callable[[Any, AnyUser], list[PersonAction]]] = Registry(
    "actions on a person's page"
)


def actions_for(client: object, user: AnyUser) -> list[PersonAction]:
    return [action for provider in actions for action in provider(client, user)]


def sections_for(client: object, user: AnyUser) -> list[PersonSection]:
    sections = (provider(client, user) for provider in providers)
    return [s for s in sections if s is not None]
