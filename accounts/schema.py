"""The API schema describes the verified session authentication as DRF's cookie session."""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "accounts.authentication.VerifiedSessionAuthentication"
