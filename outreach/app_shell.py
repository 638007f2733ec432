"""The outreach app's shell: the pages and static files the service worker keeps on the phone so
that logging a contact or starting a session opens with no signal, and the version that tells a
phone a new MARS has been deployed.

Only outreach pages that show no person's data are in the shell (the forms; the people they pick
from come from the phone's own list). Nothing else is ever put in the phone's Cache Storage.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from mars.registry import Part

# The app's colour in the phone's title bar (its pages' <head>) and its manifest:
# static/css/mars.css's --brand, the header's colour.
THEME_COLOUR = "#0b4f6c"

# The worker's cache names start with this; it deletes only its own older caches.
CACHE_PREFIX = "mars-outreach-"

# Shell pages by URL name (a name that does not resolve is an error).
PAGES = ["outreach:home", "outreach:log", "outreach:session_start", "outreach:offline"]

# The static files the shell pages load (base.html's and their own), plus the app's icons.
# A page in PAGES that loads a file not listed here fails tests/outreach/test_service_worker.py.
ASSETS = [
    "css/mars.css",
    "django_htmx/htmx-2.min.js",
    "js/form-key.js",
    "js/menu.js",
    "js/outreach-app-register.js",
    # The phone's queue and list of people (base.html, on every signed-in page) and the phone
    # pages' own scripts.
    "js/phone-store.js",
    "js/phone-people.js",
    "js/phone-queue.js",
    "js/phone-status.js",
    "js/sign-out.js",
    "js/phone-form.js",
    "js/phone-log.js",
    "js/phone-session.js",
    "js/phone-home.js",
    "js/locate.js",
    "img/favicon.svg",
    "img/app/icon-192.png",
    "img/app/icon-512.png",
    "img/app/icon-maskable-512.png",
    "img/app/apple-touch-icon.png",
]

# Where the shell pages' templates live (base.html, its components, the outreach pages): every
# template in them counts towards the version. More than the shell pages use, so an upgrade may
# bring a new worker it did not need; never fewer.
TEMPLATE_DIRS = ["templates", "outreach/templates"]


def page_urls() -> list[str]:
    """The shell pages' paths (all under /outreach/)."""
    return [reverse(name) for name in PAGES]


def asset_urls() -> list[str]:
    """The shell's static files as the browser asks for them (hashed names in production)."""
    return [static(path) for path in ASSETS]


def read(path: Path) -> bytes:
    return path.read_bytes()


def compute_version() -> str:
    """A digest of what the shell is made of: the assets' URLs and contents and the templates."""
    digest = hashlib.sha256()
    for path, url in zip(ASSETS, asset_urls(), strict=True):
        digest.update(url.encode())
        found = finders.find(path)
        if not found:
            raise LookupError(f"The app shell lists {path}, which is not a static file.")
        digest.update(read(Path(str(found))))
    for directory in (Path(settings.BASE_DIR) / name for name in TEMPLATE_DIRS):
        for template in sorted(directory.rglob("*.html")):
            digest.update(str(template.relative_to(directory)).encode())
            digest.update(read(template))
    return digest.hexdigest()[:16]


@cache
def version() -> str:
    """The shell's version, computed once per process: a deployment is a new process."""
    return compute_version()


def head(request: HttpRequest) -> Part:
    """What outreach adds to every page's <head> (mars.navigation.heads): for a signed-in user
    the phone's store and queue scripts (signing out anywhere clears the phone); on an outreach
    page the app's manifest and the worker's registration."""
    match = getattr(request, "resolver_match", None)
    installable = match is not None and match.namespace == "outreach"
    return Part(
        "outreach/_app_head.html", {"installable": installable, "theme_colour": THEME_COLOUR}
    )
