"""What a person's second factor is: an authenticator app (TOTP) and one-time recovery codes.

The devices are django-otp's; a person has at most one confirmed authenticator and one set of
recovery codes. Changes to them are made in accounts.services.
"""

from __future__ import annotations

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.models import User
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mars.access import AnyUser

RECOVERY_CODES = 10
AUTHENTICATOR = "Authenticator app"
RECOVERY = "Recovery codes"


def required() -> bool:
    """Read at request time, so a test (or a demo with debug on) can turn it off."""
    return bool(getattr(settings, "MARS_REQUIRE_2FA", True))


def authenticator(user: AnyUser) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def has_second_factor(user: AnyUser) -> bool:
    return authenticator(user) is not None


def recovery_codes_left(user: AnyUser) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


def is_verified(user: AnyUser) -> bool:
    """Signed in with a second factor in this session (OTPMiddleware gives the user is_verified)."""
    verified = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and verified is not None and verified())


def staff_with_status() -> list[tuple[User, bool]]:
    """Every active account, with whether it has a second factor set up."""
    with_factor = set(
        TOTPDevice.objects.filter(confirmed=True, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    users = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    return [(user, user.pk in with_factor) for user in users]


def readable_key(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed by hand: base32, in fours."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The set-up QR code as inline SVG, drawn here: the secret never goes to another service."""
    qr = segno.make(device.config_url, error="m")
    return str(qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", title="QR code"))


def normalise(code: str) -> str:
    """Codes are read aloud and typed on phones: spaces and hyphens do not count, nor case."""
    return re.sub(r"[\s-]", "", code).lower()


def looks_like_app_code(code: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", normalise(code)))


def recovery_device(user: AnyUser) -> StaticDevice | None:
    return StaticDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()
