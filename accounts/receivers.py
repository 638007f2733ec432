"""What happens to an account's sessions and tokens when Django or axes reports an event."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest

from accounts import sessions, tokens


def signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.record_sign_in(request, user)


def signed_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    sessions.record_sign_out(request)


def user_saved(sender: Any, instance: User, **kwargs: Any) -> None:
    # set_password() keeps the new password in `_password` until the save has finished: a token
    # made under the old password (perhaps by whoever knew it) must not outlive it. This covers
    # every route to a new password: the change and reset pages, the admin, manage.py.
    if getattr(instance, "_password", None) is not None:
        tokens.revoke_tokens(instance)


def locked_out(sender: Any, username: str = "", **kwargs: Any) -> None:
    account = User.objects.filter(username=username).first()
    if account is not None:
        tokens.revoke_tokens(account)
