"""The burst chart: one bar per second with calls, its height the bucket count, split by API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from trailsweep.report import SecondCount, layout_chart
from trailsweep.report.chart import HEIGHT, MAX_SLOTS, TOP, seconds_from_timestamps

from .conftest import hostile_context, hostile_document, seed_rule_alert
from .markup import read_page

T0 = datetime(2026, 3, 14, 10, 0, 1)


def _second(offset: int, buckets: int, **by_action: int) -> SecondCount:
    return SecondCount(T0 + timedelta(seconds=offset), buckets, by_action)


def test_one_bar_per_second_with_heights_in_proportion() -> None:
    chart = layout_chart(
        [
            _second(0, 5, GetBucketAcl=5, GetBucketPolicy=2),
            _second(1, 2, GetBucketAcl=2),
            _second(4, 8, GetBucketVersioning=8),
            _second(5, 0),  # nothing touched: no bar
        ],
        "buckets per second",
    )
    assert [bar.second for bar in chart.bars] == [T0 + timedelta(seconds=s) for s in (0, 1, 4)]
    assert [bar.buckets for bar in chart.bars] == [5, 2, 8]
    unit = chart.bars[0].height / 5
    assert unit > 0
    for bar in chart.bars:
        assert bar.height == pytest.approx(bar.buckets * unit, abs=0.02)
        assert bar.y + bar.height == pytest.approx(chart.bottom_y, abs=0.02)
        assert bar.y >= TOP and bar.width > 0
        assert sum(s.height for s in bar.segments) == pytest.approx(bar.height, abs=0.05)
    # The empty seconds in between keep their place on the time axis.
    assert chart.bars[2].x - chart.bars[1].x == pytest.approx(
        3 * (chart.bars[1].x - chart.bars[0].x)
    )


def test_segments_are_coloured_by_api_with_a_legend() -> None:
    chart = layout_chart(
        [_second(0, 4, GetBucketAcl=4, GetBucketPolicy=4), _second(1, 1, GetBucketAcl=1)], "b"
    )
    first, second = chart.bars
    assert [s.action for s in first.segments] == ["GetBucketAcl", "GetBucketPolicy"]
    assert first.segments[0].height == pytest.approx(first.segments[1].height)
    colours = dict(chart.legend)
    assert list(colours) == ["GetBucketAcl", "GetBucketPolicy"]
    assert len(set(colours.values())) == 2
    assert second.segments[0].colour == colours["GetBucketAcl"]
    assert "GetBucketAcl 4" in first.label and "GetBucketPolicy 4" in first.label


def test_no_seconds_no_bars() -> None:
    chart = layout_chart([], "b")
    assert chart.empty and chart.peak == 0


def test_long_spans_keep_only_seconds_with_calls() -> None:
    chart = layout_chart([_second(0, 3), _second(MAX_SLOTS * 10, 3)], "b")
    assert len(chart.bars) == 2
    assert all(0 < bar.x < chart.width for bar in chart.bars)


def test_fallback_counts_distinct_times_per_second() -> None:
    times = [T0, T0 + timedelta(milliseconds=300), T0 + timedelta(seconds=2)]
    seconds = seconds_from_timestamps(times)
    assert [(s.second, s.buckets) for s in seconds] == [
        (T0, 2),
        (T0 + timedelta(seconds=2), 1),
    ]
    chart = layout_chart(seconds, "distinct event times per second")
    assert [s.action for s in chart.bars[0].segments] == ["all APIs"]


def test_svg_in_the_page_has_one_group_per_bar() -> None:
    from trailsweep.report import render_html

    context = hostile_context()
    context["burst"] = {
        "per_second": [
            {"second": "2026-03-14T10:00:01.000Z", "buckets": 3, "by_action": {"GetBucketAcl": 3}},
            {"second": "2026-03-14T10:00:02.000Z", "buckets": 6, "by_action": {"GetBucketAcl": 6}},
            {"second": "not a time", "buckets": 6},
        ]
    }
    page = read_page(render_html([seed_rule_alert(hostile_document(**context))]))
    bars = [attrs for tag, attrs in page.elements if tag == "g" and attrs.get("class") == "bar"]
    assert [b["data-count"] for b in bars] == ["3", "6"]
    heights = [float(b["data-height"] or 0) for b in bars]
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.02) and heights[1] < HEIGHT
    rects = [attrs for tag, attrs in page.elements if tag == "rect"]
    assert len(rects) == 2 and all(float(r["height"] or 0) > 0 for r in rects)
