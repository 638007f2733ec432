"""The installable outreach app: its manifest, its service worker and the page shown offline."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache

from outreach import app_shell

# From static/css/mars.css: --bg (the page).
BACKGROUND_COLOUR = "#f6f8fa"


def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker's script. No sign-in: it holds no data, and the browser checks it for a new
    version whenever a page of its scope opens, signed in or not."""
    scope = reverse("outreach:home")
    script = render_to_string(
        "outreach/service_worker.js",
        {
            "version": app_shell.version(),
            "prefix": app_shell.CACHE_PREFIX,
            "scope": scope,
            "pages": json.dumps(app_shell.page_urls()),
            "assets": json.dumps(app_shell.asset_urls()),
            "offline": reverse("outreach:offline"),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # The browser asks again at each check (a signed-in request gets no-store: mars.middleware).
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest that lets a phone install the outreach pages as an app."""
    home = reverse("outreach:home")
    icons = [
        {"src": static("img/app/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("img/app/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("img/app/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    response = JsonResponse(
        {
            "id": home,
            "name": "MARS outreach",
            "short_name": "MARS",
            "description": "Log contacts and sightings on the street, with or without a signal.",
            "lang": "en-GB",
            "start_url": home,
            "scope": home,
            "display": "standalone",
            "theme_color": app_shell.THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": icons,
        },
        content_type="application/manifest+json",
    )
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
def offline(request: HttpRequest) -> HttpResponse:
    """What a phone shows for an outreach page it did not keep. No sign-in: it holds no data, and
    the worker must be able to keep it (and show it) whatever state the session is in."""
    return render(request, "outreach/offline.html")
