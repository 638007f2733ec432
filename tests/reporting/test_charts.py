"""Trend charts show their scale, each bar's value and a labelled target line, with a table of the
same figures for screen readers; the dashboard and the monthly PDF draw the same chart."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mars.charts import scale_top
from mars.dates import financial_year
from reporting.charts import trend_chart
from reporting.models import Target

PERCENT = "left_streets_within_14_days"
COUNT = "rough_sleepers.new"


def months(key: str, values: list[float | None]) -> list[dict[str, Any]]:
    return [
        {"label": f"{name} 2026", "period": f"2026-{i:02d}", "values": {key: value}}
        for i, (name, value) in enumerate(
            zip(["January", "February", "March"], values, strict=True), 1
        )
    ]


@pytest.mark.parametrize(
    ("largest", "top"), [(0, 1), (1, 1), (3, 4), (5, 5), (7, 10), (37, 40), (160, 200)]
)
def test_a_counts_scale_ends_at_a_round_number_above_the_largest_value(largest, top):
    assert scale_top(largest) == top


def test_a_chart_shows_its_scale_each_bars_value_and_the_target():
    chart = trend_chart(months(PERCENT, [50.0, None, 66.7]), PERCENT, 60.0)
    assert [mark["label"] for mark in chart["scale"]] == ["0%", "50%", "100%"]
    assert [bar["value"] for bar in chart["bars"]] == ["50%", "\N{EN DASH}", "67%"]
    html = render_to_string("reporting/_chart.html", {"chart": chart})
    assert 'class="bar-value" font-size="10" fill="#1b1f24">67%</text>' in html
    assert 'y="53.0" text-anchor="end" class="axis" font-size="9" fill="#59636e">50%<' in html
    target = html.split('class="target-label"')[1].split("</text>")[0]
    assert "Target" in target and "60%" in target
    table = html.split('<div class="visually-hidden"><table>')[1].split("</table>")[0]
    assert '<th scope="row">March 2026</th><td>66.7%</td>' in table
    assert '<th scope="row">February 2026</th><td>no data</td>' in table


def test_a_count_chart_marks_half_way_only_when_it_is_a_whole_number():
    tens = trend_chart(months(COUNT, [3, 7, 1]), COUNT, None)
    assert [mark["label"] for mark in tens["scale"]] == ["0", "5", "10"]
    assert [bar["value"] for bar in tens["bars"]] == ["3", "7", "1"]
    one = trend_chart(months(COUNT, [1, 0, None]), COUNT, None)
    assert [mark["label"] for mark in one["scale"]] == ["0", "1"]


@pytest.mark.django_db
def test_the_dashboard_charts_carry_their_values_and_a_table(client: Any, coordinator: Any):
    Target.objects.create(measure=PERCENT, year=financial_year(timezone.localdate()), value=60)
    client.force_login(coordinator)
    html = client.get(reverse("reporting:dashboard")).content.decode()
    charts = html.count('<figure class="trend">')
    assert html.count('class="bar-value"') == 12 * charts > 0
    assert html.count('<div class="visually-hidden"><table>') == charts
    assert 'class="target-label"' in html
