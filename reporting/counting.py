"""Counting several querysets in one round trip, for pages that show many counts at once (the
dashboard's "waiting for you" tiles)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet


def counts(**querysets: QuerySet[Any]) -> dict[str, int]:
    """How many rows each queryset has, in one query (the dashboard's tiles, whatever their
    number, cost one round trip)."""
    columns: list[str] = []
    params: list[Any] = []
    for name, queryset in querysets.items():
        try:
            sql, values = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # .none(): nothing to count
            columns.append(f'0 AS "{name}"')
            continue
        columns.append(f'(SELECT count(*) FROM ({sql}) AS counted) AS "{name}"')
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        found = cursor.fetchone()
    return dict(zip(querysets, found, strict=True))
