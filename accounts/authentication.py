"""The API's session authentication: a session signed in with only a password does not count."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from accounts import twofactor


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's SessionAuthentication, but while MARS_REQUIRE_2FA is on a session counts only once
    it has the second factor (the middleware refuses such requests first; this holds without)."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None or not twofactor.required():
            return result
        # The underlying request's user is the one OTPMiddleware gave is_verified().
        if not twofactor.is_verified(request._request.user):
            return None
        return result
