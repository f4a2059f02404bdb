"""Running rules over the store: the same alerts as scanning the files the store was fed.

The rules' SQL reads `events`, here a view over the store's Parquet parts of the time range
with only the columns the rules read. Every rule runs first; then the events behind the alerts
are looked up once (their `event.id` and where they were read), and alerts are built exactly as
`pipeline.evaluate` builds them. `__row` numbers follow the order in which files were ingested,
which is the order a direct scan of the same paths reads them in, so evidence lists, ties and
ES|QL's result limit come out the same.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from trailsweep.alerts import Alert, alert_sort_key, build_alert
from trailsweep.alerts.ledger import refuse_drop_entries, suppress_alerts
from trailsweep.engine.duckdb_engine import DuckDBEngine
from trailsweep.engine.engines import Engine, require_engine
from trailsweep.engine.plan import RulePlan, plan_rules
from trailsweep.engine.results import ResultRow
from trailsweep.engine.table import ROW_COLUMN
from trailsweep.errors import Location
from trailsweep.esql import CompiledQuery
from trailsweep.pipeline import ScanOptions, ScanReport, kept_rows
from trailsweep.reading import Diagnostic
from trailsweep.rules.model import Rule
from trailsweep.store.catalogue import Part
from trailsweep.store.columns import quote_identifier
from trailsweep.store.events import PROVENANCE_COLUMNS, Snapshot, TimeRange
from trailsweep.store.store import EventStore
from trailsweep.store.writer import read_row_index
from trailsweep.summary import RunCounters

EVENT_ID = "event.id"
# Positions this close share a row group or two: one range is cheaper than several.
_NEARBY = 4096


def scan_store(
    store_dir: Path,
    rules: Sequence[Rule],
    options: ScanOptions | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    on_diagnostic: Diagnostic | None = None,
) -> ScanReport:
    """Evaluate every rule over the store's events with `since <= @timestamp < until` (naive
    UTC; None leaves a side open). The summary counts the Parquet parts read as files and the
    events in range as records read and evaluated.

    With the Spark engine, Spark reads the parts itself; the events behind the alerts are
    still looked up here, with DuckDB, in the few row groups that hold them."""
    options = options or ScanOptions()
    require_engine(options.engine)
    refuse_drop_entries(options)
    plans = plan_rules(rules, options.parameters, options.now)
    snapshot = EventStore(store_dir).snapshot()
    window = TimeRange(since, until)
    parts = snapshot.parts(window)
    fields = sorted({EVENT_ID, "@timestamp"}.union(*(plan.source_fields for plan in plans)))
    patterns = sorted({pattern for plan in plans for pattern in plan.source_patterns})
    schema = snapshot.schema(parts, fields, patterns)
    counters = RunCounters()
    lookups = DuckDBEngine()
    engine: Engine = lookups
    try:
        if options.engine.name == "spark":
            from trailsweep.engine.spark_engine import SparkEngine
            from trailsweep.store.spark_store import register_store

            engine = spark = SparkEngine(master=options.engine.master)
            counted = register_store(spark, snapshot, parts, schema, window)
        else:
            lookups.register_view(snapshot.select_sql(parts, schema, window))
            counted = _count(lookups, snapshot, parts, window)
        counters.files_read = len(parts)
        counters.records_read = counters.records_evaluated = counted
        results = [
            _run(engine, plan, plan.compile(schema), counters, on_diagnostic) for plan in plans
        ]
        rows = sorted({row for _, _, kept in results for result in kept for row in result.evidence})
        evidence = _evidence(lookups, snapshot, parts, rows)
    finally:
        if engine is not lookups:
            engine.close()
        lookups.close()
    alerts: list[Alert] = []
    for plan, compiled, kept in results:
        rule_alerts = [_alert(plan, compiled, row, evidence) for row in kept]
        rule_alerts.sort(key=lambda alert: alert_sort_key(alert))
        alerts.extend(rule_alerts)
    alerts, suppressed = suppress_alerts(alerts, options.allowlist.entries, on_diagnostic, counters)
    for alert in alerts:
        counters.alerts[alert.rule.rule_id] += 1
    return ScanReport(tuple(alerts), counters.frozen(), tuple(suppressed))


def _run(
    engine: Engine,
    plan: RulePlan,
    compiled: CompiledQuery,
    counters: RunCounters,
    report: Diagnostic | None,
) -> tuple[RulePlan, CompiledQuery, tuple[ResultRow, ...]]:
    """One rule's result rows, kept as `evaluate` keeps them."""
    rows = kept_rows(plan, compiled, engine.run(compiled).rows, counters, report)
    return plan, compiled, rows


def _alert(
    plan: RulePlan,
    compiled: CompiledQuery,
    row: ResultRow,
    evidence: dict[int, tuple[str | None, Location]],
) -> Alert:
    behind = [evidence[number] for number in row.evidence]
    return build_alert(
        plan.rule,
        row.values,
        compiled.group_by,
        range(len(behind)),
        [event_id for event_id, _ in behind],
        [location for _, location in behind],
        plan.parameters,
    )


def _evidence(
    engine: DuckDBEngine, snapshot: Snapshot, parts: Sequence[Part], rows: Sequence[int]
) -> dict[int, tuple[str | None, Location]]:
    """The event id and read location of each `__row` (rows sorted): each part's row index
    gives the positions of its rows, and only the row groups around them are read."""
    selects = []
    for part in parts:
        low = bisect.bisect_left(rows, part.row_min)
        high = bisect.bisect_right(rows, part.row_max)
        if low == high:
            continue
        index = read_row_index(snapshot.folder / part.row_index)
        positions = sorted(
            position
            for position in (index[row - part.row_min] for row in rows[low:high])
            if position >= 0
        )
        if positions:
            selects.append(_lookup_select(snapshot, part, positions))
    if not selects:
        return {}
    lookup: dict[int, tuple[str | None, Location]] = {}
    for number, event_id, origin, line, record in engine.query("\nUNION ALL\n".join(selects)):
        text = event_id if isinstance(event_id, str) else None
        lookup[int(number)] = (text, Location(str(origin), line=line, record=record))
    return lookup


def _lookup_select(snapshot: Snapshot, part: Part, positions: list[int]) -> str:
    """The rows of one part at these positions (sorted). Ranges of nearby positions let
    DuckDB skip every other row group; the list then picks the rows."""
    ranges: list[tuple[int, int]] = []
    for position in positions:
        if ranges and position - ranges[-1][1] <= _NEARBY:
            ranges[-1] = (ranges[-1][0], position)
        else:
            ranges.append((position, position))
    within = " OR ".join(f"file_row_number BETWEEN {low} AND {high}" for low, high in ranges)
    listed = ", ".join(str(position) for position in positions)
    stored = part.columns.get(EVENT_ID)
    event_id = (
        "CAST(NULL AS VARCHAR)"
        if stored is None or stored.multivalued
        else f"CAST({quote_identifier(EVENT_ID)} AS VARCHAR)"
    )
    provenance = ", ".join(quote_identifier(name) for name in PROVENANCE_COLUMNS)
    path = str(snapshot.folder / part.path).replace("'", "''")
    return (
        f"SELECT {quote_identifier(ROW_COLUMN)}, {event_id}, {provenance} "
        f"FROM read_parquet('{path}', file_row_number = true) "
        f"WHERE ({within}) AND file_row_number IN ({listed})"
    )


def _count(
    engine: DuckDBEngine, snapshot: Snapshot, parts: Sequence[Part], window: TimeRange
) -> int:
    """Events in range: whole parts from the catalogue, the others counted in SQL."""
    whole = sum(part.rows for part in parts if window.covers(part))
    partial = [part for part in parts if not window.covers(part)]
    if not partial:
        return whole
    select = snapshot.select_sql(partial, {}, window)
    ((counted,),) = engine.query(f"SELECT count(*) FROM ({select})")
    return whole + int(counted)
