"""Baselines from the event store: the principal's distinct buckets per window, earlier on.

Over the `days` whole UTC days before the alert's day, the principal's successful calls of the same
APIs as the alert's events (from any source address) are cut into the rule's windows
(clock-aligned, as `DATE_TRUNC` cuts them) and the distinct bucket ARNs of each are counted.
The alert then reads, e.g., "24 buckets in 10 s; this principal's previous maximum is 3 over
14 days". The alert's own day is left out, so that an intruder's earlier sweep that same day
does not pass for habit. Without a store there is no history to read and the baseline is null.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import duckdb

from trailsweep.store.columns import quote_identifier
from trailsweep.store.events import Snapshot
from trailsweep.triage.events import ACTION, OUTCOME, PRINCIPAL, RESOURCES, TIMESTAMP
from trailsweep.triage.from_store import matching, relation_sql
from trailsweep.triage.model import Baseline
from trailsweep.triage.targets import AlertTarget

NO_STORE = "no baseline: it needs the history of an event store (trailsweep ingest, store-scan)"
DEFAULT_WINDOW_SECONDS = 10.0


def store_baseline(
    connection: duckdb.DuckDBPyConnection,
    snapshot: Snapshot,
    target: AlertTarget,
    actions: Iterable[str],
    bucket_count: int,
    days: int,
) -> Baseline:
    """The baseline of the target's principals over the `days` before its day."""
    seconds = target.window_seconds or DEFAULT_WINDOW_SECONDS
    start = target.span_start
    until = datetime(start.year, start.month, start.day)
    since = until - timedelta(days=days)
    select, lists = relation_sql(
        snapshot, (TIMESTAMP, PRINCIPAL, ACTION, OUTCOME, RESOURCES), since, until
    )
    arn = quote_identifier(RESOURCES)
    arns = f"unnest({arn})" if lists[RESOURCES] else arn
    conditions = " AND ".join(
        (
            matching(PRINCIPAL, target.principal_arns, lists[PRINCIPAL]),
            matching(ACTION, actions, lists[ACTION]),
            f"{quote_identifier(OUTCOME)} = 'success'",
            f"{quote_identifier(TIMESTAMP)} IS NOT NULL",
        )
    )
    milliseconds = int(seconds * 1000)
    sql = (
        f"SELECT count(*), coalesce(max(buckets), 0) FROM ("
        f"SELECT floor(epoch_ms(ts) / {milliseconds}) AS slot, count(DISTINCT arn) AS buckets "
        f"FROM (SELECT {quote_identifier(TIMESTAMP)} AS ts, {arns} AS arn "
        f"FROM ({select}) WHERE {conditions}) WHERE arn IS NOT NULL GROUP BY slot)"
    )
    row = connection.execute(sql).fetchone()
    windows, previous = (int(row[0]), int(row[1])) if row is not None else (0, 0)
    summary = (
        f"{bucket_count} buckets in {span_text(seconds)}; this principal's previous maximum is "
        f"{previous} over {days} day{'' if days == 1 else 's'}"
    )
    return Baseline(days=days, previous_max_buckets=previous, windows=windows, summary=summary)


def span_text(seconds: float) -> str:
    """`10 s`, `5 min`, `1 h` ..."""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {unit}"
    return f"{seconds:g} s"
