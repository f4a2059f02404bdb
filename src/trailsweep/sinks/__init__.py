"""Sinks: where alerts and documents go (NDJSON, OCSF findings, Elasticsearch `_bulk`, the
terminal)."""

from __future__ import annotations

from trailsweep.sinks.bulk import DEFAULT_INDEX, bulk_lines, write_bulk
from trailsweep.sinks.ndjson import write_ndjson
from trailsweep.sinks.ocsf import ocsf_finding, write_ocsf
from trailsweep.sinks.table import render_alert_table

__all__ = [
    "DEFAULT_INDEX",
    "bulk_lines",
    "ocsf_finding",
    "render_alert_table",
    "write_bulk",
    "write_ndjson",
    "write_ocsf",
]
