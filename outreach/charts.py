"""A hotspot's twelve months drawn on the server as SVG geometry (no script), in the manner of the
dashboard's trend charts: a pair of bars a month, people seen and unidentified sightings."""

from __future__ import annotations

from typing import Any

from mars.charts import scale_top
from outreach.figures import HotspotMonth

BAR = 11
PAIR_GAP = 1
MONTH_GAP = 8
HEIGHT = 100
LEFT = 26  # the scale's labels
RIGHT = 4


def _y(value: float, top: int) -> float:
    return round(HEIGHT - HEIGHT * value / top, 1)


def hotspot_chart(months: list[HotspotMonth]) -> dict[str, Any]:
    """The chart of `figures.hotspot_months`: a bar for the people and one for the unidentified
    sightings in each month, on a scale from 0 to a round number above the largest figure."""
    top = scale_top(max([m["people"] for m in months] + [m["unidentified"] for m in months]))
    slot = 2 * BAR + PAIR_GAP + MONTH_GAP
    groups = []
    for index, month in enumerate(months):
        x = LEFT + MONTH_GAP / 2 + index * slot
        bars = []
        for offset, kind, value in (
            (0, "people", month["people"]),
            (BAR + PAIR_GAP, "unidentified", month["unidentified"]),
        ):
            height = round(HEIGHT * value / top, 1)
            bars.append(
                {
                    "kind": kind,
                    "x": x + offset,
                    "middle": x + offset + BAR / 2,
                    "y": round(HEIGHT - height, 1),
                    "height": height,
                    "value": value,
                    "value_y": round(HEIGHT - height - 2, 1),
                }
            )
        groups.append(
            {
                "label": month["label"],
                "short": month["month"].strftime("%b")[:1],
                "middle": x + BAR + PAIR_GAP / 2,
                "people": month["people"],
                "unidentified": month["unidentified"],
                "bars": bars,
            }
        )
    plot_end = LEFT + len(months) * slot
    marks = [0, top // 2, top] if top % 2 == 0 else [0, top]
    return {
        "width": plot_end + RIGHT,
        "left": LEFT,
        "plot_end": plot_end,
        "height": HEIGHT,
        "bar": BAR,
        "months": groups,
        "scale": [
            {"y": _y(mark, top), "label_y": round(_y(mark, top) + 3, 1), "label": mark}
            for mark in marks
        ],
    }
