"""Response headers that keep case data off shared and stolen devices."""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse, HttpRequest, HttpResponse


def is_download(response: HttpResponse) -> bool:
    """A file the browser saves: a report, receipt, export or bundle."""
    disposition = response.get("Content-Disposition", "")
    return isinstance(response, FileResponse) or disposition.startswith("attachment")


class PrivateResponses:
    """`Cache-Control: no-store, private` on every response to a signed-in user (by session or,
    through the API, by token) and on every download, so neither the browser's cache nor a proxy's
    keeps a copy of a case page for the back button or the next person at that device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API's authentication runs in the view and leaves its user on the request.
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or is_download(response):
            # Whatever the view said about keeping it (max-age, public), nobody keeps it.
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        return response
