"""Where a request came from, for rate limits and the access log."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the device that made the request.

    Behind `MARS_TRUSTED_PROXIES` reverse proxies (each appending to X-Forwarded-For), the address
    the outermost of them saw; otherwise the connection's own. Entries left of that are written by
    the client and could be anything, so they are never used.
    """
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    proxies: int = settings.MARS_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-proxies] if len(hops) >= proxies else remote
