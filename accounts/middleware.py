"""Two factors required everywhere: a session signed in with only a password reaches nothing but
the pages that finish signing in (or sign out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from accounts import twofactor
from accounts.two_factor_views import with_next

# The pages a password-only session may use: signing in, the second step, signing out, health.
OPEN_VIEWS = frozenset({"login", "logout", "accounts:verify", "accounts:set_up", "healthz"})


class RequireSecondFactorMiddleware:
    """Placed after OTPMiddleware. While MARS_REQUIRE_2FA is on (read at each request), a user
    signed in by session but not verified is sent to the second step (pages, downloads, the
    admin) or refused with 403 (the API). Token-authenticated API calls carry no session: the
    API's own authentication deals with them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not twofactor.required() or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if twofactor.is_verified(request.user):
            return None
        if request.path_info.startswith("/api/"):
            if "HTTP_AUTHORIZATION" in request.META:
                return None  # a token call made from a browser that also holds a session
            return JsonResponse(
                {"detail": "Finish signing in with your second factor to use the API."}, status=403
            )
        step = "accounts:verify" if twofactor.has_second_factor(request.user) else "accounts:set_up"
        return redirect(with_next(step, request.get_full_path()))
