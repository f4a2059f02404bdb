"""The watcher's health: lag, rate, backlog, late events and alerts, as a status line and as
JSON (`--stats FILE`, replaced atomically after every batch)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from trailsweep.watch.windows import iso_utc


@dataclass(frozen=True)
class WatchHealth:
    """One reading of the watcher's health."""

    at: datetime
    source: str
    watermark: datetime | None
    """The latest event time seen, minus the allowed lateness."""
    lag_seconds: float | None
    """Now minus the watermark: how far behind real time detection is."""
    records_per_second: float
    """Over the last batch."""
    files_pending: int | None
    """New files the last poll left for later (None: the source cannot tell)."""
    files_processed: int
    records_read: int
    late_events: int
    """Events a rule could count that arrived after the watermark had passed them (they still
    counted)."""
    expired_events: int
    """Events older than the retention horizon: counted and reported, not evaluated."""
    alerts_created: int
    alerts_updated: int
    alerts_suppressed: int
    """Closed alerts a suppress-mode allowlist entry kept back."""
    open_windows: int
    """Alerts over the threshold whose window has not closed yet."""
    outbox_pending: int
    """Emissions some sink has not delivered yet."""
    kept_events: int
    """Candidate events the state keeps for late arrivals."""

    def as_json(self) -> dict[str, Any]:
        """JSON-ready fields (times in ISO-8601 UTC)."""
        data = asdict(self)
        data["at"] = _iso(self.at)
        data["watermark"] = _iso(self.watermark)
        return data

    def status_line(self) -> str:
        """One line for the terminal."""
        lag = "-" if self.lag_seconds is None else _span(self.lag_seconds)
        pending = "?" if self.files_pending is None else str(self.files_pending)
        return (
            f"watch {self.source}: lag {lag}, {self.records_per_second:,.0f} records/s, "
            f"{pending} files pending, {self.files_processed} files / "
            f"{self.records_read:,} records done, {self.late_events} late, "
            f"{self.expired_events} expired, alerts {self.alerts_created} created / "
            f"{self.alerts_updated} updated"
            + (f" / {self.alerts_suppressed} suppressed" if self.alerts_suppressed else "")
            + f", {self.open_windows} windows open"
        )


def write_stats(path: Path, health: WatchHealth) -> None:
    """Replace `path` with the health as JSON (written aside, then renamed: never torn)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(orjson.dumps(health.as_json(), option=orjson.OPT_INDENT_2))
    os.replace(partial, path)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else iso_utc(moment)


def _span(seconds: float) -> str:
    whole = int(seconds)
    sign = "-" if whole < 0 else ""
    whole = abs(whole)
    if whole < 120:
        return f"{sign}{whole}s"
    if whole < 7200:
        return f"{sign}{whole // 60}m"
    if whole < 172800:
        return f"{sign}{whole // 3600}h {whole % 3600 // 60}m"
    return f"{sign}{whole // 86400}d {whole % 86400 // 3600}h"
