from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from mars import navigation, notifications
from mars.access import AnyUser
from mars.registry import Part


def navigation_links(request: HttpRequest) -> dict[str, Any]:
    """The navigation links the signed-in user's role may use, and the banners (SWEP)."""
    # An error page for a request refused before the user was known (a forged Host) has none.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = [("Home", reverse("home"))]
    links += [(link.label, reverse(link.url_name)) for link in navigation.links if link.shown(user)]
    links.append(("API", reverse("api-docs")))
    if user.is_staff:
        links.append(("Admin", reverse("admin:index")))
    return {"nav_links": links, "banners": _banners(user), "unread_notifications": _unread(user)}


def _banners(user: AnyUser) -> Callable[[], list[Part]]:
    # Called from the template, so pages that never render the header pay nothing.
    def shown() -> list[Part]:
        banners = (provider(user) for provider in navigation.banners)
        return [banner for banner in banners if banner is not None]

    return shown


def _unread(user: Any) -> Any:
    # Counted only if the template asks (pages without the header pay nothing).
    def count() -> int:
        return notifications.mine(user).unread().count()

    return count


def page_head(request: HttpRequest) -> dict[str, Any]:
    """`head_parts`: what the apps add to the page's <head> (mars.navigation.heads).
    `shell_request`: a service worker is fetching the page to keep it for offline use (header
    `X-MARS-Shell: 1`), so base.html shows no flash messages and leaves them, unread, for the
    next page the person opens, and names no one: the page is kept on the phone for whoever signs
    in next."""
    parts = (provider(request) for provider in navigation.heads)
    return {
        "head_parts": [part for part in parts if part is not None],
        "shell_request": is_shell_request(request),
    }


def is_shell_request(request: HttpRequest) -> bool:
    """A service worker is fetching the page to keep it on the phone (outreach's app shell)."""
    return request.headers.get("X-MARS-Shell") == "1"
