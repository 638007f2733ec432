"""The links in every page's navigation, the banners under its header and what goes in its
<head> (an installable app's manifest and scripts), added by the apps.

Each app adds its entries from its AppConfig.ready(); a link or banner is shown only to those its
app says may use it. A banner's template reads its context as `banner`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from mars.access import AnyUser
from mars.registry import Part, Registry


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    shown: Callable[[AnyUser], bool]


links: Registry[NavLink] = Registry("navigation links")
banners: Registry[Callable[[AnyUser], Part | None]] = Registry("banners")
# Given the request, a part for the page's <head>, or None where the app adds nothing.
heads: Registry[Callable[[HttpRequest], Part | None]] = Registry("page heads")
