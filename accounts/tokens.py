"""API tokens (django-rest-knox): made by their owner after the second factor, shown once,
stored hashed, expiring after API_TOKEN_DAYS; revoked by their owner, on a password change or
reset, on deactivation and on lockout; refused while the account is locked out or inactive."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions

from accounts import twofactor
from accounts.models import ApiToken
from mars.records import Refusal

LAST_USED_EVERY = timedelta(minutes=1)


class TokenError(Refusal):
    pass


@transaction.atomic
def make_token(*, name: str, by: User) -> tuple[ApiToken, str]:
    """Make an API token for the signed-in user; return it and its secret, which is never
    shown again (only its hash is kept).

    Rules: only for yourself; only after the second factor in this session; only while active.
    """
    if not by.is_active:
        raise TokenError("This account is not active.")
    if not twofactor.is_verified(by):
        raise TokenError("Sign in with your second factor before making an API token.")
    name = name.strip()
    if not name:
        raise TokenError("Give the token a name you will know it by.", field="name")
    knox_token, secret = AuthToken.objects.create(
        user=by, expiry=timedelta(days=settings.API_TOKEN_DAYS)
    )
    return ApiToken.objects.create(token=knox_token, name=name), secret


@transaction.atomic
def revoke_token(token: ApiToken, *, by: User) -> None:
    """Revoke one API token at once. Rules: only its owner revokes it here."""
    if token.token.user_id != by.pk:
        raise TokenError("That is not one of your tokens.")
    AuthToken.objects.filter(pk=token.token_id).delete()


def revoke_tokens(user: User) -> int:
    """Revoke every API token of the user at once; return how many there were."""
    revoked, _ = AuthToken.objects.filter(user=user).delete()
    return revoked


def live_tokens(user: User) -> list[ApiToken]:
    """The user's tokens that have not expired, newest first."""
    return list(
        ApiToken.objects.of(user)
        .filter(token__expiry__gt=timezone.now())
        .select_related("token")
        .order_by("-token__created")
    )


def is_locked_out(request: Any, user: User) -> bool:
    """Whether axes holds the account locked out now (too many failed sign-ins)."""
    request = getattr(request, "_request", request)
    return bool(AxesProxyHandler.is_locked(request, {"username": user.get_username()}))


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's token authentication, refusing a token while its account is locked out (as well as
    inactive, as knox does) and noting when each token was last used."""

    def authenticate(self, request: Any) -> tuple[User, AuthToken] | None:
        result: tuple[User, AuthToken] | None = super().authenticate(request)
        if result is None:
            return None
        user, auth_token = result
        if is_locked_out(request, user):
            raise exceptions.AuthenticationFailed("This account is locked out.")
        now = timezone.now()
        # At most one write a minute per token, however busy the integration.
        ApiToken.objects.filter(token=auth_token).exclude(
            last_used__gt=now - LAST_USED_EVERY
        ).update(last_used=now)
        return result


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token: `Authorization: Token <token>`."""

    target_class = TokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
        return definition
