"""Elastic's rule schedule replayed over files, and compared with trailsweep's event time.

Elastic runs a CloudTrail rule every `interval` over the documents ingested in the last `from`;
`event.ingested` is when a file was indexed, which the delivery timestamp in each CloudTrail
key name stands in for. `replay_schedule` evaluates every such run on its own;
`compare_schedule` lists the alerts that schedule misses (a window split across runs) or raises
twice (a window in two runs' overlap), against one evaluation over all events.
"""

from __future__ import annotations

from trailsweep.schedule.compare import (
    STATUSES,
    ComparedAlert,
    Comparison,
    Status,
    compare_schedule,
)
from trailsweep.schedule.delivery_time import IngestTime, delivery_stamp, ingest_time
from trailsweep.schedule.replay import (
    Replay,
    RuleReplay,
    RunResult,
    ScheduleSettings,
    replay_schedule,
    run_alert_id,
)
from trailsweep.schedule.runs import (
    Run,
    Schedule,
    ScheduleError,
    format_span,
    iso_seconds,
    parse_from,
    parse_span,
    schedule_for,
)
from trailsweep.schedule.timed_rows import DeliveredFile

__all__ = [
    "STATUSES",
    "ComparedAlert",
    "Comparison",
    "DeliveredFile",
    "IngestTime",
    "Replay",
    "RuleReplay",
    "Run",
    "RunResult",
    "Schedule",
    "ScheduleError",
    "ScheduleSettings",
    "Status",
    "compare_schedule",
    "delivery_stamp",
    "format_span",
    "ingest_time",
    "iso_seconds",
    "parse_from",
    "parse_span",
    "replay_schedule",
    "run_alert_id",
    "schedule_for",
]
