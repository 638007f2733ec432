"""Input that Python or PostgreSQL cannot take, refused at the door with a 400 that says why,
rather than failing deep inside a view as a server error: JSON nested past any real body, and
the null character, which PostgreSQL refuses in text."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The API's deepest body is three levels (a list of objects in an object); this leaves room
# and stays far below Python's recursion limit, which a deeper body would hit while parsing.
JSON_MAX_DEPTH = 32
NUL_MESSAGE = "Text cannot contain the null character (\\u0000): remove it and send it again."
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings not counted);
    counted without parsing, so no depth can exhaust the stack."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def holds_nul(value: Any) -> bool:
    """Whether any string in a parsed JSON value (keys too) has a null character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


def loads(text: str) -> Any:
    """json.loads, refusing (ValueError) a text nested deeper than JSON_MAX_DEPTH or holding a
    null character in any string."""
    if json_depth(text) > JSON_MAX_DEPTH:
        raise ValueError(f"JSON is nested more than {JSON_MAX_DEPTH} levels deep.")
    value = json.loads(text)
    if holds_nul(value):
        raise ValueError(NUL_MESSAGE)
    return value


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser with mars.input_guards.loads' limits: a 400 that says which."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return loads(stream.read().decode(encoding))
        except UnicodeDecodeError as error:
            raise ParseError(f"The body is not valid {encoding}: {error.reason}.") from error
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error


def _query_holds_nul(query: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class RefuseNulCharacters:
    """A query or form field with a null character is a 400 with NUL_MESSAGE (JSON in the API,
    the error page elsewhere): PostgreSQL cannot store or search for it, so no view need ask."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        form = request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        if _query_holds_nul(request.GET) or (form and _query_holds_nul(request.POST)):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            raise BadRequest(NUL_MESSAGE)
        return self.get_response(request)
