"""Limits on sign-in and password-reset requests, per address and per account.

Lockout per account (django-axes, ten failures) stops guessing one person's password; these stop
one address trying many accounts, and anyone flooding a person's inbox with reset emails. Counts
are kept in the shared cache (Redis in production), in fixed windows.

When the cache cannot count (Redis down), sign-in is let through and a password reset is not:
a sign-in still meets the per-account lockout (kept in the database) and the second factor, and
refusing it would lock every member of staff out while Redis is down; a reset request has no
other limit, sends an email, and can wait a few minutes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from mars.network import client_ip

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponseBase]


class Uncounted(Exception):
    """The cache could not count a request (Redis down or not answering)."""


def _by_address(group: str, request: HttpRequest) -> str:
    return client_ip(request) or ""


def _by_email(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().casefold()


def _too_many(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, "registration/too_many_attempts.html", {"what": what}, status=429)


def _try_later(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, "registration/try_later.html", {"what": what}, status=503)


def _over(
    request: HttpRequest, group: str, key: Callable[[str, HttpRequest], str], rate: str
) -> bool:
    try:
        return is_ratelimited(
            request, group=group, key=key, rate=rate, method="POST", increment=True
        )
    except (RedisError, OSError) as error:
        logger.warning("Rate limit %s not counted: the cache is unavailable (%s)", group, error)
        raise Uncounted from error


def limit_sign_in(view: View) -> View:
    """At most SIGN_IN_LIMIT_PER_ADDRESS sign-in attempts from one address; then 429."""

    @wraps(view)
    def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        try:
            over = _over(
                request, "sign-in:address", _by_address, settings.SIGN_IN_LIMIT_PER_ADDRESS
            )
        except Uncounted:
            over = False  # fail open: the account lockout and the second factor still hold
        if over:
            return _too_many(request, "sign-in attempts")
        return view(request, *args, **kwargs)

    return limited


def limit_password_reset(view: View) -> View:
    """At most PASSWORD_RESET_LIMIT_PER_ADDRESS reset requests from one address and
    PASSWORD_RESET_LIMIT_PER_ACCOUNT for one email address; then 429. Both are counted whether or
    not the address belongs to an account, so the answer reveals nothing about who has one."""

    @wraps(view)
    def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        # Both counts go up on every request, so neither limit can be dodged by hitting the other.
        try:
            by_address = _over(
                request, "reset:address", _by_address, settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
            )
            by_account = _over(
                request, "reset:account", _by_email, settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT
            )
        except Uncounted:
            return _try_later(request, "password reset requests")  # fail closed: see above
        if by_address or by_account:
            return _too_many(request, "password reset requests")
        return view(request, *args, **kwargs)

    return limited
