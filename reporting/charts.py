"""Trend charts drawn on the server as SVG geometry: no script; the same in a page and a PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mars.charts import scale_top
from reporting.measures import BY_KEY, TARGETABLE

BAR = 22
GAP = 6
HEIGHT = 100
LEFT = 26  # the scale's labels
RIGHT = 38  # the target's label


Link = Callable[[str, str], str | None]


def _number(value: float, unit: str) -> str:
    # Whole numbers on the chart itself: its table (and each bar's title) give the exact value.
    return f"{value:.0f}{unit}"


def _bars(
    key: str,
    title: str,
    unit: str,
    top: float,
    months: list[dict[str, Any]],
    values: list[float | None],
    link: Callable[[str], str | None] | None,
    percent: bool = False,
) -> dict[str, Any]:
    """A bar for each month on a scale from 0 to `top`, with the scale's marks."""
    bars = []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        height = 0 if value is None else round(HEIGHT * value / top, 1)
        x = LEFT + index * (BAR + GAP)
        bars.append(
            {
                "x": x,
                "middle": x + BAR / 2,
                "y": round(HEIGHT - height, 1),
                "height": height,
                "value_y": round(HEIGHT - height - 3, 1),
                "label": month["label"],
                "short": month["label"][:1],
                "shown": "no data" if value is None else f"{value:g}{unit}",
                "value": "\N{EN DASH}" if value is None else _number(value, unit),
                "period": month["period"],
                "url": link(month["period"]) if link else None,
            }
        )
    marks = [0.0, top / 2, top] if percent or (top / 2).is_integer() else [0.0, top]
    plot_end = LEFT + len(months) * (BAR + GAP)
    return {
        "key": key,
        "title": title,
        "width": plot_end + RIGHT,
        "left": LEFT,
        "plot_end": plot_end,
        "height": HEIGHT,
        "bar": BAR,
        "bars": bars,
        "scale": [
            {
                "y": _y(mark, top),
                "label_y": round(_y(mark, top) + 3, 1),
                "label": _number(mark, unit),
            }
            for mark in marks
        ],
        "target_y": None,
        "target": None,
        "course": None,
        "course_values": False,
        "note": None,
    }


def _y(value: float, top: float) -> float:
    return round(HEIGHT - HEIGHT * value / top, 1)


def trend_chart(
    months: list[dict[str, Any]], key: str, target: float | None, link: Link | None = None
) -> dict[str, Any]:
    """Twelve bars for one measure, each with its value, on a scale from 0 to 100 for a percentage
    or to a round number above the largest value, with the target as a labelled line."""
    measure = BY_KEY[key]
    values = [month["values"].get(key) for month in months]
    top = 100.0 if measure.percent else scale_top(max([v or 0 for v in values] + [target or 0]))
    chart = _bars(
        key,
        measure.label,
        measure.unit,
        top,
        months,
        values,
        (lambda period: link(key, period)) if link else None,
        percent=measure.percent,
    )
    if target is not None:
        chart["target_y"] = _y(target, top)
        chart["target_label_y"] = round(_y(target, top) - 1, 1)
        chart["target"] = f"{target:g}{measure.unit}"
    return chart


def course_chart(
    key: str,
    title: str,
    months: list[dict[str, Any]],
    course: list[float | None],
    link: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """Twelve bars of a count, with a straight course towards a target drawn as a dashed line
    through the months it covers (`course`: the course's value in each month, or None)."""
    values: list[float | None] = [month["value"] for month in months]
    top = scale_top(max([v or 0 for v in values] + [c or 0 for c in course] + [1]))
    chart = _bars(key, title, "", top, months, values, link)
    points = [
        (bar["middle"], _y(value, top), value)
        for bar, value in zip(chart["bars"], course, strict=True)
        if value is not None
    ]
    for bar, value in zip(chart["bars"], course, strict=True):
        bar["course"] = None if value is None else f"{value:.1f}"
    chart["course_values"] = bool(points)
    if points:
        last_x, last_y, last_value = points[-1]
        chart["course"] = {
            "points": " ".join(f"{x:g},{y:g}" for x, y, _ in points),
            "single": len(points) == 1,
            "x": last_x,
            "y": last_y,
            "label_x": chart["plot_end"] + 3,
            "label_y": round(last_y - 1, 1),
            "value": _number(last_value, ""),
        }
    return chart


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
