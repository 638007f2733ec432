"""Signed-in sessions: recorded at sign-in, listed to their owner, ended one by one or all at once.

Each signed-in browser session carries the id of its `SignedInSession` row and its sign-in time;
`accounts.middleware_sessions` ends a session whose row is gone or that is older than
SESSION_MAX_HOURS, so ending a session here is deleting its row.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import SignedInSession, hash_session_key
from mars.network import client_ip
from mars.records import Refusal

SESSION_ROW = "mars_signed_in_session"
SIGNED_IN_AT = "mars_signed_in_at"
LAST_SEEN_EVERY = timedelta(minutes=1)


class SessionError(Refusal):
    pass


# The first match names the browser or the system: order matters (Edge's and Opera's agents also
# say Chrome; Chrome's says Safari; Android's says Linux).
BROWSERS = [
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("HeadlessChrome", "Headless Chrome"),  # a program driving a browser, not a person
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Chromium", "Chromium"),
    ("Safari", "Safari"),
]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "Mac"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
]


def device_name(user_agent: str) -> str:
    """A short name a person recognises their device by: "Firefox on Windows"."""
    browser = next((name for mark, name in BROWSERS if re.search(rf"\b{mark}\b", user_agent)), "")
    system = next((name for mark, name in SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"


def max_age() -> timedelta:
    return timedelta(hours=settings.SESSION_MAX_HOURS)


def record_sign_in(request: HttpRequest, user: User) -> SignedInSession:
    """Record a sign-in (from `user_logged_in`): the session now lives only while its row does.

    Rules: signing in again in the same browser replaces that browser's row; rows of sessions
    that can no longer be alive (past the absolute or idle limit) are cleared at the same time.
    """
    now = timezone.now()
    session = request.session
    if session.session_key is None:
        session.save()
    previous = session.get(SESSION_ROW)
    if previous:
        SignedInSession.objects.filter(pk=previous).delete()
    stale_seen = now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    SignedInSession.objects.of(user).filter(last_seen__lt=stale_seen).delete()
    SignedInSession.objects.of(user).filter(signed_in_at__lt=now - max_age()).delete()
    row = SignedInSession.objects.create(
        user=user,
        key_hash=hash_session_key(session.session_key or ""),
        device=device_name(request.headers.get("user-agent", ""))[:100],
        ip=client_ip(request),
        signed_in_at=now,
        last_seen=now,
    )
    session[SESSION_ROW] = row.pk
    session[SIGNED_IN_AT] = now.isoformat()
    return row


def follow_new_key(request: HttpRequest) -> None:
    """Keep this browser's row when its session is given a new key (at the second factor), so
    the row still names it: `end_sessions(except_key=...)` and "This device" find it at once."""
    row = current_row(request)
    key = request.session.session_key
    user_id = request.user.pk
    if row is not None and key and user_id is not None:
        SignedInSession.objects.filter(pk=row, user_id=user_id).update(
            key_hash=hash_session_key(key)
        )


def record_sign_out(request: HttpRequest | None) -> None:
    """Forget the row of a session that signs out (from `user_logged_out`)."""
    if request is None or not hasattr(request, "session"):
        return
    row = request.session.get(SESSION_ROW)
    if row:
        SignedInSession.objects.filter(pk=row).delete()


def signed_in_at(request: HttpRequest) -> datetime | None:
    text = request.session.get(SIGNED_IN_AT)
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def current_row(request: HttpRequest) -> int | None:
    row: Any = request.session.get(SESSION_ROW)
    return row if isinstance(row, int) else None


def is_alive(request: HttpRequest) -> bool:
    """Whether a signed-in browser session may go on: its row is there and it is younger than
    SESSION_MAX_HOURS. Marks it seen (at most once a minute) and follows a change of its key."""
    started = signed_in_at(request)
    row_id = current_row(request)
    user_id = request.user.pk
    now = timezone.now()
    if started is None or row_id is None or user_id is None or now - started > max_age():
        return False
    row = (
        SignedInSession.objects.filter(pk=row_id, user_id=user_id)
        .values("last_seen", "key_hash")
        .first()
    )
    if row is None:
        return False
    key_hash = hash_session_key(request.session.session_key or "")
    if now - row["last_seen"] >= LAST_SEEN_EVERY or row["key_hash"] != key_hash:
        SignedInSession.objects.filter(pk=row_id).update(last_seen=now, key_hash=key_hash)
    return True


def live_sessions(user: User) -> list[SignedInSession]:
    """The user's sessions that may still be alive, most recently seen first."""
    now = timezone.now()
    return list(
        SignedInSession.objects.of(user).filter(
            last_seen__gte=now - timedelta(seconds=settings.SESSION_COOKIE_AGE),
            signed_in_at__gte=now - max_age(),
        )
    )


@transaction.atomic
def end_sessions(user: User, *, except_key: str | None = None) -> int:
    """End every signed-in session of the user at once, except the one with that session key;
    return how many were ended."""
    rows = SignedInSession.objects.of(user)
    if except_key:
        rows = rows.exclude(key_hash=hash_session_key(except_key))
    ended, _ = rows.delete()
    return ended


@transaction.atomic
def end_other_sessions(request: HttpRequest, user: User) -> int:
    """End every signed-in session of the user but this browser's (found by its row, which
    survives a change of session key, as at a password change); return how many were ended."""
    rows = SignedInSession.objects.of(user)
    this = current_row(request)
    if this is not None:
        rows = rows.exclude(pk=this)
    ended, _ = rows.delete()
    return ended


@transaction.atomic
def end_session(session: SignedInSession, *, by: User) -> None:
    """End one signed-in session. Rules: only its owner ends it here."""
    if session.user_id != by.pk:
        raise SessionError("That is not one of your sessions.")
    SignedInSession.objects.filter(pk=session.pk).delete()
