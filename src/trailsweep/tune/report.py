"""Showing a tune: alerts per threshold and window, the spread of peak fan-out, the top talkers."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from trailsweep.tune.fanout import TuneReport, WindowFanout

PERCENTILES = (50, 90, 95, 99)
TOP = 10


def percentile(values: list[int], rank: int) -> int:
    """The nearest-rank percentile of sorted values (0 when there are none).

    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)
    9
    """
    if not values:
        return 0
    index = max(0, -(-rank * len(values) // 100) - 1)
    return values[min(index, len(values) - 1)]


def distribution(fanout: WindowFanout) -> dict[str, int]:
    """Peak fan-out per (principal, IP): how many there are, percentiles and the maximum."""
    peaks = sorted(fanout.peaks.values())
    spread = {f"p{rank}": percentile(peaks, rank) for rank in PERCENTILES}
    return {"entities": len(peaks), **spread, "max": peaks[-1] if peaks else 0}


def top_entities(fanout: WindowFanout, limit: int = TOP) -> list[dict[str, Any]]:
    """The (principal, IP) pairs with the highest peaks, highest first."""
    ranked = sorted(fanout.peaks.items(), key=lambda item: (-item[1], str(item[0])))
    return [
        {"principal": principal, "source_ip": address, "peak": peak}
        for (principal, address), peak in ranked[:limit]
    ]


def tune_json(report: TuneReport) -> dict[str, Any]:
    """The tune as JSON, for machines."""
    return {
        "rule": {"rule_id": report.rule.rule_id, "name": report.rule.name},
        "defaults": {
            "threshold": report.default_threshold,
            "window_seconds": report.default_window,
        },
        "windows_seconds": [fanout.seconds for fanout in report.windows],
        "thresholds": list(report.thresholds),
        "alerts": {
            str(threshold): {str(seconds): count for seconds, count in by_window.items()}
            for threshold, by_window in report.alert_counts().items()
        },
        "peak_fanout": {
            str(fanout.seconds): {
                **distribution(fanout),
                "groups": len(fanout.counts),
                "top": top_entities(fanout),
            }
            for fanout in report.windows
        },
        "summary": report.summary.as_json(),
    }


def render_tune(report: TuneReport, console: Console) -> None:
    """Tables: alerts per threshold (rows) and window (columns), the spread of peak fan-out per
    window, and the entities with the highest peaks at the rule's own window."""
    default = (report.default_threshold, report.default_window)
    alerts = Table(title=f"Alerts {report.rule.name} would have raised", title_justify="left")
    alerts.add_column("threshold (>)", justify="right")
    for fanout in report.windows:
        alerts.add_column(f"{fanout.seconds} s", justify="right")
    for threshold, by_window in report.alert_counts().items():
        cells = [
            Text(str(count), style="bold" if (threshold, seconds) == default else "")
            for seconds, count in by_window.items()
        ]
        alerts.add_row(Text(str(threshold)), *cells)
    console.print(alerts)

    spread = Table(title="Peak distinct buckets per principal and IP", title_justify="left")
    for heading in ("window", "principal/IP pairs", *(f"p{r}" for r in PERCENTILES), "max"):
        spread.add_column(heading, justify="right")
    for fanout in report.windows:
        values = distribution(fanout)
        spread.add_row(f"{fanout.seconds} s", *(str(value) for value in values.values()))
    console.print(spread)

    seconds = report.default_window or report.windows[0].seconds
    if any(fanout.seconds == seconds for fanout in report.windows):
        top = Table(title=f"Highest peaks in {seconds} s windows", title_justify="left")
        top.add_column("peak", justify="right")
        top.add_column("principal", overflow="fold")
        top.add_column("source IP")
        for row in top_entities(report.window(seconds)):
            top.add_row(str(row["peak"]), Text(str(row["principal"])), Text(str(row["source_ip"])))
        console.print(top)
