"""Trend charts drawn on the server as SVG geometry: no script; the same in a page and a PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reporting.measures import BY_KEY, TARGETABLE

BAR = 22
GAP = 6
HEIGHT = 100


Link = Callable[[str, str], str | None]


def trend_chart(
    months: list[dict[str, Any]], key: str, target: float | None, link: Link | None = None
) -> dict[str, Any]:
    """Twelve bars for one measure, scaled to the largest value (100 for a percentage), with the
    target as a line when there is one."""
    measure = BY_KEY[key]
    values = [month["values"].get(key) for month in months]
    top = 100.0 if measure.percent else max([v or 0 for v in values] + [target or 0, 1])
    bars = []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        height = 0 if value is None else round(HEIGHT * value / top, 1)
        shown = "no data" if value is None else f"{value:g}{measure.unit}"
        bars.append(
            {
                "x": index * (BAR + GAP),
                "y": round(HEIGHT - height, 1),
                "height": height,
                "label": month["label"],
                "short": month["label"][:1],
                "shown": shown,
                "period": month["period"],
                "url": link(key, month["period"]) if link else None,
            }
        )
    return {
        "key": key,
        "title": measure.label,
        "width": len(months) * (BAR + GAP),
        "height": HEIGHT,
        "bar": BAR,
        "bars": bars,
        "target_y": None if target is None else round(HEIGHT - HEIGHT * target / top, 1),
        "target": None if target is None else f"{target:g}{measure.unit}",
    }


def trend_charts(
    months: list[dict[str, Any]], kpi_rows: list[dict[str, Any]], link: Link | None = None
) -> list[dict[str, Any]]:
    """A chart for each measure a target can be set for, with the target in the rows given;
    with `link`, each bar leads to the people behind it."""
    targets = {row["key"]: row["target_value"] for row in kpi_rows}
    return [
        trend_chart(
            months,
            measure.key.value,
            float(targets[measure.key.value]) if targets.get(measure.key.value) else None,
            link,
        )
        for measure in TARGETABLE
    ]
