"""No duplicates on retry: a POST that carries an idempotency key is done once.

A person who presses Save again after a slow or failed answer, or a phone that sends its queue
again, repeats the same POST with the same key: the form's hidden `idempotency_key` field
(rendered by `{% idempotency_key %}`), or the API's `Idempotency-Key` header. The middleware claims
the key (one row a user and key, mars.models.IdempotencyKey) in the same transaction as the work,
so:

- a repeat after the first has finished gets the first answer again (status, Location, body) with
  `Idempotent-Replayed: true`, and nothing is done twice;
- a repeat while the first is still running waits for it (up to IDEMPOTENCY_WAIT_SECONDS, then 409);
- the same key with another method, path or body is refused with 422;
- a first attempt that failed (4xx or 5xx) is rolled back whole, key included, so the corrected
  request can use the key again; one that changed nothing (a form shown again with its errors)
  gives the key back too;
- a key belongs to its user: another user's key is a different key.

Keys are kept IDEMPOTENCY_KEY_HOURS and then forgotten by mars.tasks.forget_idempotency_keys.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from mars.models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
REPLAYED = "Idempotent-Replayed"
# What a replay gives back besides the body: where to go next (a page's redirect, htmx's).
KEPT_HEADERS = ("Location", "Content-Type", "HX-Redirect", "HX-Location", "HX-Refresh")
# A bigger answer is not worth keeping: a create's answer is a redirect or one record.
MAX_STORED_BODY = 1_000_000
VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# The token that protects the form changes with each rendering; it is not what was asked.
NOT_FINGERPRINTED = {"csrfmiddlewaretoken", FIELD}
LOCK_NOT_AVAILABLE = "55P03"


def new_key() -> str:
    return uuid.uuid4().hex


@dataclass
class Attempt:
    """What the request guarded by a key has done so far (read by the form's key tag)."""

    key: str
    wrote: bool = False


def attempt_of(request: HttpRequest) -> Attempt | None:
    attempt: Attempt | None = getattr(request, "_idempotency", None)
    return attempt


def key_for_form(request: HttpRequest | None) -> str:
    """The key a rendered form carries: the one it was sent with when it comes back with its
    errors and nothing was made, else a fresh one (a new form, or one whose first sending made
    something, which a second sending must not replay)."""
    attempt = attempt_of(request) if request is not None else None
    if attempt is not None and not attempt.wrote:
        return attempt.key
    return new_key()


def sent_key(request: HttpRequest) -> str | None:
    """The key a POST carries: the API's header or the form's hidden field."""
    key = request.headers.get(HEADER)
    if key is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        # Empty where the page's script did not run: the form is sent as it was, unguarded.
        key = request.POST.get(FIELD) or None
    return key


def fingerprint(request: HttpRequest) -> str:
    """A hash of what the request asks: method, path with its query, and body (a form's fields
    and files, without its CSRF token and key; any other body byte for byte)."""
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, values in sorted(request.POST.lists()):
            if name not in NOT_FINGERPRINTED:
                digest.update(repr((name, values)).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(repr((name, upload.name, upload.size)).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def wanted_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.content_type == "application/json"


PAGE_TITLES = {
    400: "This form could not be sent",
    409: "This form is still being saved",
    422: "This form was saved before",
}


def refusal(
    request: HttpRequest,
    status: int,
    detail: str,
    on_page: str | None = None,
    saved_at: str | None = None,
) -> HttpResponse:
    """A refused key, said in the API's shape or as a page (in the page's words, if given; with
    a link to what the first sending saved, where it went next)."""
    if wanted_json(request):
        return JsonResponse({"detail": detail}, status=status)
    context = {
        "title": PAGE_TITLES[status],
        "detail": on_page or detail,
        # A key used for something else: the form was saved before and then changed (the
        # browser's Back keeps the key); the saved record is changed there, or a new form adds one.
        "fresh_form": status == 422,
        "saved_at": saved_at if saved_at and saved_at.startswith("/") else None,
    }
    return render(request, "errors/idempotency.html", context, status=status)


class KeyInUse(Exception):
    """The same key's first request is still running."""


def claim(user_id: int, key: str, method: str, path: str, printed: str) -> IdempotencyKey:
    """The key's row: a new claim (status 0) held by this transaction, or the finished one.

    Rules: a copy of a request still running waits for it (the unique index holds it) for at most
    IDEMPOTENCY_WAIT_SECONDS, then KeyInUse; a key older than IDEMPOTENCY_KEY_HOURS is forgotten
    and claimed again.
    """
    wait_ms = int(settings.IDEMPOTENCY_WAIT_SECONDS * 1000)
    for _ in range(2):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{wait_ms}"])
                made = IdempotencyKey.objects.create(
                    user_id=user_id, key=key, method=method, path=path, fingerprint=printed
                )
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
                return made
        except IntegrityError:
            pass
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise KeyInUse from error
            raise
        found = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
        if found is None:
            continue  # forgotten between the two statements: claim it
        if found.created_at > timezone.now() - kept_for():
            return found
        found.delete()
    raise KeyInUse


def kept_for() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


@contextmanager
def noting_writes(attempt: Attempt) -> Iterator[None]:
    """Note in `attempt` whether the statements run inside change anything."""

    def note(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not attempt.wrote and sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            attempt.wrote = True
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        yield


def replay(request: HttpRequest, done: IdempotencyKey) -> HttpResponse:
    """The first answer again, marked as a replay."""
    response = HttpResponse(bytes(done.body), status=done.status)
    for name, value in done.headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    if not wanted_json(request) and hasattr(request, "_messages"):
        messages.info(request, "This was sent twice and saved once: nothing was saved again.")
    return response


def keep(claimed: IdempotencyKey, response: HttpResponseBase) -> None:
    claimed.status = response.status_code
    claimed.headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    if isinstance(response, HttpResponse) and len(response.content) <= MAX_STORED_BODY:
        claimed.body = response.content
    claimed.save(update_fields=["status", "headers", "body"])


class IdempotencyMiddleware:
    """Do a POST with an idempotency key once for its user (see the module's docstring).

    Innermost, so the key's transaction holds the view's work and nothing else: the session,
    messages and the access log are written whatever happens to the attempt.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = sent_key(request) if request.method == "POST" else None
        user_id = signed_in(request) if key is not None else None
        if key is None or user_id is None:
            return self.get_response(request)
        if not VALID_KEY.match(key):
            return refusal(
                request, 400, f"{HEADER} must be 1 to 255 printable ASCII characters, no spaces."
            )
        printed = fingerprint(request)
        method = request.method or "POST"
        with transaction.atomic():
            try:
                claimed = claim(user_id, key, method, request.path, printed)
            except KeyInUse:
                return refusal(
                    request,
                    409,
                    "A request with this key is still being processed. Wait a moment and send "
                    "it again: it will not be done twice.",
                )
            if claimed.status:
                if (claimed.method, claimed.path, claimed.fingerprint) != (
                    method,
                    request.path,
                    printed,
                ):
                    return refusal(
                        request,
                        422,
                        f"This {HEADER} was already used for a different request. Send a new "
                        "key with a new request.",
                        "This form was saved before with other details, so it was not saved again.",
                        saved_at=claimed.headers.get("Location"),
                    )
                return replay(request, claimed)
            attempt = Attempt(key)
            request._idempotency = attempt  # type: ignore[attr-defined]  # read by key_for_form
            with noting_writes(attempt):
                response = self.get_response(request)
            if response.status_code >= 400:
                # Nothing of a failed attempt stays, its key included: the corrected request
                # may be sent with the same key.
                transaction.set_rollback(True)
            elif not attempt.wrote:
                claimed.delete()
            else:
                keep(claimed, response)
        return response


def signed_in(request: HttpRequest) -> int | None:
    """The id of the user a request is sent by: the session's, or the API token's (which the API
    reads only in the view)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return int(user.pk)
    if not request.headers.get("Authorization"):
        return None
    # The settings' dotted names are imported by DRF: classes, whatever the stubs say.
    classes: list[type[BaseAuthentication]] = api_settings.DEFAULT_AUTHENTICATION_CLASSES  # type: ignore[assignment]
    api_request = Request(request, authenticators=[cls() for cls in classes])
    try:
        found = api_request.user
    except APIException:
        return None  # the view refuses it the same way
    finally:
        # DRF leaves the user it found on the request; the view's own DRF request finds it again.
        if user is not None:
            request.user = user
    return int(found.pk) if found is not None and found.is_authenticated else None


def forget_expired(now: Any = None) -> int:
    """Forget the keys older than IDEMPOTENCY_KEY_HOURS; how many."""
    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lte=now - kept_for()).delete()
    return deleted


def document_in_schema(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every POST operation takes an optional
    Idempotency-Key header and may answer 409 or 422 for it."""
    detail = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    parameter = {
        "in": "header",
        "name": HEADER,
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[!-~]+$"},
        "description": (
            "Send the same key again (after a timeout, from an offline queue) to get the first "
            "answer again instead of a second record; the answer then carries "
            f"`{REPLAYED}: true`. A key belongs to its user and is kept "
            f"{settings.IDEMPOTENCY_KEY_HOURS} hours. A first attempt that failed (4xx, 5xx) "
            "frees its key."
        ),
    }
    refusals = {
        "400": f"{HEADER} is not 1 to 255 printable ASCII characters.",
        "409": "A request with this key is still being processed; send it again shortly.",
        "422": "This key was already used for a different request.",
    }
    for operations in result.get("paths", {}).values():
        operation = operations.get("post")
        if operation is None:
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
            parameters.append(parameter)
        responses = operation.setdefault("responses", {})
        for status, description in refusals.items():
            responses.setdefault(
                status,
                {"content": {"application/json": {"schema": detail}}, "description": description},
            )
        for status, response in responses.items():
            if status.startswith("2"):
                response.setdefault("headers", {})[REPLAYED] = {
                    "schema": {"type": "string", "enum": ["true"]},
                    "description": "Present when this is the first answer given again.",
                }
    return result
