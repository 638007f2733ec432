"""Ends a signed-in session that has been ended elsewhere or has lived past SESSION_MAX_HOURS."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from accounts import sessions


class SessionLimitMiddleware:
    """After authentication: a signed-in session whose row is gone (ended by its owner, by
    deactivation, by a second-factor reset) or that is older than the absolute limit is signed
    out before the view runs, so the request goes on as anonymous (and sign-in is asked for)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not sessions.is_alive(request):
            logout(request)
        return self.get_response(request)
