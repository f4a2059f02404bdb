"""Tuning from data: fan-out over history, and the alerts each threshold and window would raise."""

from __future__ import annotations

from trailsweep.tune.fanout import (
    THRESHOLDS,
    WINDOWS,
    TuneReport,
    WindowFanout,
    tune_files,
    tune_store,
)
from trailsweep.tune.report import distribution, percentile, render_tune, top_entities, tune_json

__all__ = [
    "THRESHOLDS",
    "WINDOWS",
    "TuneReport",
    "WindowFanout",
    "distribution",
    "percentile",
    "render_tune",
    "top_entities",
    "tune_files",
    "tune_json",
    "tune_store",
]
