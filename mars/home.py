"""The parts of the home page, added by the apps: each shows only what the user's role may use.
A part's context is added to the page's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from mars.registry import Part, Registry


@dataclass
class HomePart(Part):
    # Work of the user's own (people, payments): without any, the page says the role gives no
    # access to people's records.
    main: bool = False


parts: Registry[Callable[[HttpRequest], HomePart | None]] = Registry("parts of the home page")
