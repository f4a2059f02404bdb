"""Sinks: where alerts and documents go (NDJSON files or stdout, the terminal)."""

from __future__ import annotations

from trailsweep.sinks.ndjson import write_ndjson
from trailsweep.sinks.table import render_alert_table

__all__ = ["render_alert_table", "write_ndjson"]
