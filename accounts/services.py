"""Changes to a person's second factor: set-up, signing in with it, recovery codes, resets."""

from __future__ import annotations

import math

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import SecondFactorReset
from accounts.rules import may_manage
from accounts.sessions import end_sessions
from mars.access import AnyUser


class SecondFactorError(Exception):
    """A code or a reset refused, with a message the person can act on."""


def _refusal(device: Device) -> str | None:
    """Why the device will not check a code now (django-otp's throttling), or None."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    if locked_until is None:
        return "Too many wrong codes. Wait a minute and try again."
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong codes. Wait {seconds} {unit} and try again."


def _check(device: Device, code: str) -> str | None:
    """Check a code against a device, locked for the check; the refusal message, or None.

    The failure count django-otp keeps must be committed even though the code is refused, so
    this returns the refusal rather than raising inside the transaction.
    """
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        refusal = _refusal(device)
        if refusal:
            return refusal
        if device.verify_token(code):
            return None
    return "That code is not right. Check it and try again."


def start_authenticator(user: User) -> TOTPDevice:
    """The authenticator being set up: the same key until it is confirmed, so a wrong code or a
    reload loses nothing. Refused once one is confirmed (a reset removes it first)."""
    if twofactor.has_second_factor(user):
        raise SecondFactorError("Two-factor sign-in is already set up.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(
        user=user, name=twofactor.AUTHENTICATOR, confirmed=False
    )


def confirm_authenticator(device: TOTPDevice, code: str, *, by: User) -> list[str]:
    """Confirm an authenticator with a code from it; return ten new recovery codes.

    Rules: only its owner confirms it; the code must be right (django-otp throttles wrong ones);
    any other authenticator the person had is removed.
    """
    if device.user_id != by.pk or device.confirmed:
        raise SecondFactorError("This authenticator cannot be confirmed.")
    refusal = _check(device, twofactor.normalise(code))
    if refusal:
        raise SecondFactorError(refusal)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=by).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.refresh_from_db()
        codes = _new_recovery_codes(by)
    return codes


def verify_code(user: User, code: str) -> Device:
    """The device that accepts a code from the person: a code from their authenticator app, or
    one of their recovery codes (each works once). Wrong codes are throttled by django-otp."""
    code = twofactor.normalise(code)
    device: Device | None
    if twofactor.looks_like_app_code(code):
        device = twofactor.authenticator(user)
    else:
        device = twofactor.recovery_device(user)
    if device is None:
        if not twofactor.has_second_factor(user):
            raise SecondFactorError("Two-factor sign-in is not set up for this account.")
        raise SecondFactorError("That code is not right. Check it and try again.")
    refusal = _check(device, code)
    if refusal:
        raise SecondFactorError(refusal)
    return device


@transaction.atomic
def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=twofactor.RECOVERY, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(twofactor.RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def make_recovery_codes(user: User, code: str) -> list[str]:
    """Replace the person's recovery codes with ten new ones, after a current code from their
    authenticator app (the old codes stop working)."""
    device = twofactor.authenticator(user)
    if device is None:
        raise SecondFactorError("Set up two-factor sign-in first.")
    if not twofactor.looks_like_app_code(code):
        raise SecondFactorError("Enter the 6-digit code from your authenticator app.")
    refusal = _check(device, twofactor.normalise(code))
    if refusal:
        raise SecondFactorError(refusal)
    return _new_recovery_codes(user)


def may_reset_second_factor(actor: AnyUser, account: User) -> bool:
    """Rules: with the permission, never your own, only an account you may manage."""
    return (
        actor.is_authenticated
        and actor.has_perm("accounts.reset_second_factor")
        and may_manage(actor, account)
    )


@transaction.atomic
def reset_second_factor(account: User, *, by: User, reason: str) -> SecondFactorReset:
    """Remove a person's second factor, so they set it up again at their next sign-in.

    Rules: see may_reset_second_factor; a reason is required; the reset is recorded; the
    person's devices are deleted and every session of theirs ends.
    """
    account = User.objects.select_for_update().get(pk=account.pk)
    if account.pk == by.pk:
        raise SecondFactorError("You cannot reset your own second factor: ask a colleague.")
    if not may_reset_second_factor(by, account):
        raise SecondFactorError("You may not reset this person's second factor.")
    reason = reason.strip()
    if not reason:
        raise SecondFactorError("Give the reason for the reset.")
    for device in devices_for_user(account, confirmed=None):
        device.delete()
    end_sessions(account)
    return SecondFactorReset.objects.create(by=by, account=account, reason=reason)
