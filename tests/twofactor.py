"""Codes from an authenticator app, as a test computes them: django-otp's own TOTP."""

from __future__ import annotations

import time
from base64 import b32decode

from django.contrib.auth.models import User
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# The key given to users the browser journeys sign in (base32 of 20 bytes, as apps show it).
KNOWN_KEY_HEX = "3132333435363738393031323334353637383930"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or that many 30-second steps later)."""
    device.refresh_from_db()
    oath = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    oath.time = time.time() + steps_ahead * device.step
    return f"{oath.token():06d}"


def code_from_key(key_text: str, *, steps_ahead: int = 0) -> str:
    """The code for a key as the set-up page shows it (base32 in groups of four)."""
    key = key_text.replace(" ", "").upper()
    key += "=" * (-len(key) % 8)
    return f"{totp(b32decode(key), drift=steps_ahead):06d}"


def give_authenticator(user: User) -> TOTPDevice:
    """A confirmed authenticator with the known key, ready for a fresh code (its last step
    forgotten, its throttling cleared), so one user can sign in twice within 30 seconds."""
    TOTPDevice.objects.filter(user=user).exclude(name="Test authenticator").delete()
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        name="Test authenticator",
        defaults={
            "key": KNOWN_KEY_HEX,
            "confirmed": True,
            "last_t": -1,
            "throttling_failure_count": 0,
            "throttling_failure_timestamp": None,
        },
    )
    return device
