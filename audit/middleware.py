"""One row in the access log for each request that read people's information.

What a request read is noted as it runs (mars.reads: by the access helpers, lists, the API and the
downloads); after a successful (2xx) response the lot is written in one INSERT.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from audit.models import DEVICE_LENGTH, AccessEvent
from mars import reads
from mars.network import client_ip


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not getattr(settings, "ACCESS_LOG_ENABLED", True):
            return self.get_response(request)
        with reads.reading() as read:
            response = self.get_response(request)
        user = getattr(request, "user", None)
        if read.noted and 200 <= response.status_code < 300 and user and user.is_authenticated:
            match = request.resolver_match
            AccessEvent.objects.create(
                user_id=user.pk,
                username=user.get_username(),
                people=read.ids,
                what=(read.what or (match.view_name if match else ""))[:100],
                path=request.get_full_path()[:500],
                method=request.method or "",
                ip=client_ip(request),
                device=request.META.get("HTTP_USER_AGENT", "")[:DEVICE_LENGTH],
                reason=read.reason[:500],
            )
        return response
