"""The parts of the home page, added by the apps: each shows only what the user's role may use.
A part's context is added to the page's."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from mars.registry import Part, Registry

parts: Registry[Callable[[HttpRequest], Part | None]] = Registry("parts of the home page")
