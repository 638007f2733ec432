"""The hotspot map's tile server (`MAP_TILE_URL`): the one origin the pages' CSP lets images
come from. Read by the settings, so it imports nothing of Django's app machinery."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Leaflet's URL template puts a subdomain in "{s}" (a.tile..., b.tile...).
SUBDOMAIN = re.compile(r"\{s\}")


def tile_origin(url: str) -> str | None:
    """The origin (scheme, host and port) the tiles of a URL template come from, for the CSP's
    img-src; None when no tile server is set.

    Rules: only http and https with a host; a "{s}" subdomain becomes the CSP's "*." wildcard, so
    every subdomain of that one host is allowed and nothing else.
    """
    if not url:
        return None
    parts = urlsplit(SUBDOMAIN.sub("subdomain-placeholder", url))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"MAP_TILE_URL must be an http or https URL template with a host, not {url!r}."
        )
    host = parts.netloc.rsplit("@", 1)[-1].replace("subdomain-placeholder", "*")
    if "{" in host or "}" in host:
        raise ImproperlyConfigured(
            f"MAP_TILE_URL may hold a placeholder in its host only as a subdomain ({{s}}): {url!r}."
        )
    return f"{parts.scheme}://{host}"
