"""The links in every page's navigation and the banners under its header, added by the apps.

Each app adds its entries from its AppConfig.ready(); a link or banner is shown only to those its
app says may use it. A banner's template reads its context as `banner`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mars.access import AnyUser
from mars.registry import Part, Registry


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    shown: Callable[[AnyUser], bool]


links: Registry[NavLink] = Registry("navigation links")
banners: Registry[Callable[[AnyUser], Part | None]] = Registry("banners")
