"""Pages that belong to no one app: home, health check, error pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mars import home as home_parts
from mars import notifications
from mars.pages import page_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the user's role has to do today: each app adds its part (mars.home)."""
    context: dict[str, Any] = {}
    parts = [part for part in (provider(request) for provider in home_parts.parts) if part]
    for part in parts:
        context.update(part.context)
    return render(
        request,
        "mars/home.html",
        {
            **context,
            "parts": [part.template for part in parts],
            "no_own_work": not any(part.main for part in parts),
        },
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's own notifications, newest first; unread ones marked. Opening one through
    its link marks it read."""
    mine = notifications.mine(request.user)
    open_pk = request.GET.get("open", "")
    if open_pk.isdigit():
        notification = get_object_or_404(mine, pk=open_pk)
        notifications.mark_read(notification, by=request.user)
        return redirect(notification.url or "notifications")
    show = "unread" if request.GET.get("show") == "unread" else "all"
    chosen = mine.unread() if show == "unread" else mine
    page = page_of(request, chosen)
    return render(
        request,
        "mars/notifications.html",
        {"page": page, "show": show, "unread": mine.unread().count()},
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = notifications.mark_all_read(by=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notifications")


@never_cache
@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    """Whether this session is signed in (with its second factor, as every page here needs): a
    one-word answer. The load benchmark's floor (bench/load.py): every signed-in request's
    cost (session, user, second factor, session limits, access log) with no page behind it."""
    return HttpResponse("yes", content_type="text/plain; charset=utf-8")


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        return "unavailable"


def _broker_state() -> str | None:
    if not settings.REDIS_URL:
        return None
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        return "ok"
    except Exception:
        return "unavailable"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness of the app and what it depends on; says nothing secret.

    Rules: 503 only when the database does not answer; the broker's state is reported but does
    not make the web unhealthy, since pages keep working while Redis is down (mars.outbox keeps
    the background work until it is back) and a load balancer must not drop them for it.
    """
    checks: dict[str, str] = {"database": _database_state()}
    broker = _broker_state()
    if broker is not None:
        checks["broker"] = broker
    healthy = checks["database"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A refused request: 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE, else 400; in the API's
    shape under /api/. A view's BadRequest says what to change; other causes (a forged host)
    are not repeated."""
    if isinstance(exception, RequestDataTooBig):
        status, message = 413, "The request is too large: send less at a time."
    else:
        status, message = 400, str(exception) if type(exception) is BadRequest else ""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or "Bad request."}, status=status)
    return render(request, "errors/400.html", {"message": message}, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: whatever failed must not fail again while rendering this page.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
