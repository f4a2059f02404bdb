"""trailsweep: Elastic's CloudTrail ES|QL detections, run anywhere.

The library behind the `trailsweep` command: scan files (`scan`), or an event store
(`EventStore`, `scan_store`), with the bundled rule or Elastic rule files (`bundled_rules`,
`load_rules`); every alert as Elastic-style JSON (`alert_document`). Queries run on DuckDB in
process, or on Spark with `ScanOptions(engine=EngineOptions("spark"))` (`trailsweep[spark]`).
Errors derive from `TrailsweepError` (see `trailsweep.errors`).
"""

from __future__ import annotations

from trailsweep.alerts import Alert, alert_document
from trailsweep.engine.engines import EngineOptions
from trailsweep.errors import (
    EngineError,
    EsqlError,
    EsqlSyntaxError,
    EsqlUnsupportedError,
    InputError,
    RuleError,
    TrailsweepError,
)
from trailsweep.normalize import NormalizeOptions, normalize_record, open_geoip
from trailsweep.pipeline import ScanOptions, ScanReport, scan
from trailsweep.rules import Rule, bundled_rules, load_rules
from trailsweep.simulate import simulate_day
from trailsweep.store import EventStore, scan_store

__version__ = "0.1.0"

__all__ = [
    "Alert",
    "EngineError",
    "EngineOptions",
    "EsqlError",
    "EsqlSyntaxError",
    "EsqlUnsupportedError",
    "EventStore",
    "InputError",
    "NormalizeOptions",
    "Rule",
    "RuleError",
    "ScanOptions",
    "ScanReport",
    "TrailsweepError",
    "__version__",
    "alert_document",
    "bundled_rules",
    "load_rules",
    "normalize_record",
    "open_geoip",
    "scan",
    "scan_store",
    "simulate_day",
]
