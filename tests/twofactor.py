"""Codes from an authenticator app, as a test computes them: django-otp's own TOTP."""

from __future__ import annotations

import time
from base64 import b32decode

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

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


def sign_in_with_both_factors(client: Client, username: str, password: str = PASSWORD) -> Client:
    """Sign in as a person does: the password, then a code from their authenticator (given them
    here, with the known key, if they have none)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, "the password is accepted"
    device = give_authenticator(User.objects.get(username=username))
    response = client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert response.status_code == 302, "the second factor is accepted"
    assert client.session.get(DEVICE_ID_SESSION_KEY) == device.persistent_id
    return client
