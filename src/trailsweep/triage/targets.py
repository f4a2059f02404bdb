"""What context to gather for an alert: its actor, its time span widened by N minutes, its
evidence and swept buckets, all read from the alert's own columns.

The actor is the alert's principal ARN, source IP and access keys, found under their ECS names
or as `Esql.*_values` columns. The alert's span runs from its earliest time column (the
window start `Esql.time_window_date_trunc`, `@timestamp`, `Esql.timestamp_values`) to its
latest, and to the end of the rule's window when the rule has a `window` parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from trailsweep.alerts import Alert
from trailsweep.esql.timespan import parse_timespan
from trailsweep.normalize.addresses import canonical_ip
from trailsweep.triage.events import ContextEvent, as_time
from trailsweep.triage.model import ContextWindow
from trailsweep.triage.notable import bucket_arn

PRINCIPAL_COLUMNS = (
    "aws.cloudtrail.user_identity.arn",
    "Esql.aws_cloudtrail_user_identity_arn_values",
)
IP_COLUMNS = ("source.ip", "Esql.source_ip_values")
KEY_COLUMNS = (
    "aws.cloudtrail.user_identity.access_key_id",
    "Esql.aws_cloudtrail_user_identity_access_key_id_values",
)
AGENT_COLUMNS = ("user_agent.original", "Esql.user_agent_original_values")
BUCKET_COLUMNS = ("aws.cloudtrail.resources.arn", "Esql.aws_cloudtrail_resources_arn_values")
WINDOW_START_COLUMN = "Esql.time_window_date_trunc"
TIME_COLUMNS = (WINDOW_START_COLUMN, "@timestamp", "Esql.timestamp_values")
COUNT_COLUMN = "Esql.bucket_arn_count_distinct"
_SECONDS = {"millisecond": 0.001, "second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class AlertTarget:
    """One alert's actor, context window and evidence."""

    principal_arns: tuple[str, ...]
    source_ips: tuple[str, ...]
    access_key_ids: tuple[str, ...]
    user_agents: tuple[str, ...]
    window: ContextWindow
    span_start: datetime
    """Where the alert's own span starts (its window start, for the seed rule)."""
    window_seconds: float | None
    """The rule's window length, when it has a `window` parameter."""
    evidence_ids: frozenset[str]
    swept_buckets: tuple[str, ...]
    bucket_count: int | None

    def involves(self, event: ContextEvent) -> bool:
        """Whether the event is the actor's: its principal, source IP or access key."""
        return (
            (event.principal_arn is not None and event.principal_arn in self.principal_arns)
            or (event.source_ip is not None and event.source_ip in self.source_ips)
            or (event.access_key_id is not None and event.access_key_id in self.access_key_ids)
        )

    def covers(self, event: ContextEvent) -> bool:
        """Whether the event is the actor's and inside the context window."""
        return self.window.start <= event.timestamp < self.window.end and self.involves(event)


def alert_target(alert: Alert, minutes: int) -> AlertTarget | None:
    """The target of an alert, None when the alert names no time or no actor."""
    values = alert.values
    times = sorted(t for t in (as_time(v) for v in _column_values(values, TIME_COLUMNS)) if t)
    principals = _texts(values, PRINCIPAL_COLUMNS)
    ips = tuple(sorted({ip for v in _texts(values, IP_COLUMNS) if (ip := canonical_ip(v))}))
    keys = _texts(values, KEY_COLUMNS)
    if not times or not (principals or ips or keys):
        return None
    seconds = _window_seconds(alert.parameters.get("window"))
    start = as_time(values.get(WINDOW_START_COLUMN)) or times[0]
    start = min(start, times[0])
    end = times[-1]
    if seconds is not None and WINDOW_START_COLUMN in values:
        end = max(end, start + timedelta(seconds=seconds))
    margin = timedelta(minutes=minutes)
    count = values.get(COUNT_COLUMN)
    buckets = {b for v in _texts(values, BUCKET_COLUMNS) if (b := bucket_arn(v))}
    return AlertTarget(
        principal_arns=principals,
        source_ips=ips,
        access_key_ids=keys,
        user_agents=_texts(values, AGENT_COLUMNS),
        window=ContextWindow(start - margin, end + margin, minutes),
        span_start=start,
        window_seconds=seconds,
        evidence_ids=frozenset(alert.event_ids),
        swept_buckets=tuple(sorted(buckets)),
        bucket_count=count if isinstance(count, int) else None,
    )


def union_range(targets: Sequence[AlertTarget]) -> tuple[datetime, datetime]:
    """The smallest range holding every target's window."""
    return min(t.window.start for t in targets), max(t.window.end for t in targets)


def _window_seconds(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        span = parse_timespan(value)
    except ValueError:
        return None
    factor = _SECONDS.get(span.unit)
    return None if factor is None else span.value * factor


def _column_values(values: Mapping[str, Any], columns: Iterable[str]) -> list[Any]:
    found: list[Any] = []
    for column in columns:
        value = values.get(column)
        if isinstance(value, list):
            found.extend(item for item in value if item is not None)
        elif value is not None:
            found.append(value)
    return found


def _texts(values: Mapping[str, Any], columns: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({str(value) for value in _column_values(values, columns)}))
