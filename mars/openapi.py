"""The OpenAPI schema's shared parts (drf-spectacular): answers that are one object under a
list route, and the error answers every operation can give, so the schema says all a client
will receive."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

ERROR = {
    "type": "object",
    "description": "Why the request was refused: `detail`, or a list of messages for each "
    "field (`non_field_errors` for the whole body).",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {},
}
# Local times (06:00:00): RFC 3339's partial-time. The "time" format means a full-time with a UTC
# offset, which the API never gives or needs.
LOCAL_TIME = {"format": "partial-time", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"}


class OneObjectSchema(AutoSchema):
    """For a viewset whose list route answers one object (a board, a month's figures)."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


def _local_times(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            node.update(LOCAL_TIME)
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: every operation may be refused (403: not signed in, or not allowed);
    one that takes a query or changes something may be refused by it or by a rule (400); one
    about a record, or a page
    of a list, may find nothing (404). Local times are written as they are sent."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            places = {p.get("in") for p in operation.get("parameters", [])}
            names = {p.get("name") for p in operation.get("parameters", [])}
            codes = {"403": "Not signed in, or not allowed to do this."}
            if method != "get" or "query" in places:
                codes["400"] = "Refused: the query or the body is not right, or a rule does not "
                codes["400"] += "allow it now (the reasons are given)."
            if "path" in places or "page" in names:
                codes["404"] = "No such record that you may see, or no such page."
            for code, description in codes.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": error}
                )
    _local_times(result)
    return result
