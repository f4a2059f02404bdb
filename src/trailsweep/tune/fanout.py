"""Measuring fan-out over history: every (window, principal, IP) group's distinct buckets, for
several window lengths, and how many alerts each threshold would have raised.

The groups come from the rule itself, run with `?threshold` = 0 and each `?window`, without
ES|QL's result cap: the same reading, prefilter, WHERE, clock-aligned tumbling windows and exact
distinct counts as `scan`, so "alerts at threshold T" is exactly what `scan --threshold T
--window W` raises (a group alerts when its count is strictly greater than T).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from trailsweep.engine.duckdb_engine import DuckDBEngine
from trailsweep.engine.plan import RulePlan, plan_rule
from trailsweep.engine.table import EventTableBuilder
from trailsweep.errors import RuleError
from trailsweep.esql import CompiledQuery
from trailsweep.esql.dialect import PinnedDuckDB
from trailsweep.esql.types import FieldSpec
from trailsweep.parallel import read_files
from trailsweep.pipeline import ScanOptions, plan_read
from trailsweep.reading import Diagnostic
from trailsweep.rules.model import Rule
from trailsweep.summary import RunCounters, RunSummary

WINDOWS = (5, 10, 15, 20, 30, 60)
"""Window lengths tried, in seconds."""
THRESHOLDS = (5, 10, 15, 20, 25, 30, 35, 40, 45, 50)
"""Thresholds tried (an alert needs strictly more distinct buckets)."""
_NEEDED = ("threshold", "window")

Entity = tuple[str | None, str | None]
"""A group without its window: (principal ARN, source IP)."""


@dataclass(frozen=True)
class WindowFanout:
    """For one window length: every group's distinct-bucket count, and each entity's peak."""

    seconds: int
    counts: tuple[int, ...]
    """The distinct count of every (window, principal, IP) group with at least one event."""
    peaks: Mapping[Entity, int]
    """Per (principal, IP), the largest count over its windows."""

    def alerts_above(self, threshold: int) -> int:
        """How many alerts `threshold` raises (groups with a count strictly greater)."""
        return sum(1 for count in self.counts if count > threshold)


@dataclass(frozen=True)
class TuneReport:
    """Fan-out per window length for one rule, and the run summary of reading the events."""

    rule: Rule
    windows: tuple[WindowFanout, ...]
    thresholds: tuple[int, ...]
    summary: RunSummary
    default_window: int | None = None
    default_threshold: int | None = None

    def window(self, seconds: int) -> WindowFanout:
        """The fan-out for one window length."""
        for fanout in self.windows:
            if fanout.seconds == seconds:
                return fanout
        raise KeyError(seconds)

    def alert_counts(self) -> dict[int, dict[int, int]]:
        """threshold → window seconds → alerts."""
        return {t: {w.seconds: w.alerts_above(t) for w in self.windows} for t in self.thresholds}


def tune_files(
    paths: Sequence[Path],
    rule: Rule,
    options: ScanOptions | None = None,
    windows: Sequence[int] = WINDOWS,
    thresholds: Sequence[int] = THRESHOLDS,
    on_diagnostic: Diagnostic | None = None,
) -> TuneReport:
    """Read the files as `scan` does (drop-mode allowlist entries apply) and measure fan-out."""
    options = options or ScanOptions()
    _plan(rule, options, windows[0])  # (refuses a rule without both parameters)
    report: Diagnostic = on_diagnostic or (lambda level, message: None)
    counters = RunCounters()
    reading = replace(options, parameters=_overrides(windows[0]))
    plans, files, spec = plan_read(paths, [rule], reading, counters, report)
    builder = EventTableBuilder(spec.fields[0], spec.patterns[0])
    for outcome in read_files(files, spec, options.normalize, options.jobs, plans):
        counters.merge(outcome.counters)
        for level, message in outcome.diagnostics:
            report(level, message)
        for flat, location in outcome.rows[0]:
            builder.add(flat, location)
    events = builder.build()
    engine = DuckDBEngine()
    try:
        engine.register(events)
        measured = _measure(engine, rule, options, events.schema, windows)
    finally:
        engine.close()
    return _report(rule, measured, thresholds, counters.frozen())


def tune_store(
    store_dir: Path,
    rule: Rule,
    options: ScanOptions | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    windows: Sequence[int] = WINDOWS,
    thresholds: Sequence[int] = THRESHOLDS,
) -> TuneReport:
    """Measure fan-out over the event store's events in [since, until) (SQL over Parquet)."""
    from trailsweep.store import EventStore, TimeRange

    options = options or ScanOptions()
    plan = _plan(rule, options, windows[0])
    snapshot = EventStore(store_dir).snapshot()
    span = TimeRange(since, until)
    parts = snapshot.parts(span)
    fields = sorted({"event.id", "@timestamp"} | plan.source_fields)
    schema = snapshot.schema(parts, fields, sorted(plan.source_patterns))
    engine = DuckDBEngine()
    try:
        engine.register_view(snapshot.select_sql(parts, schema, span))
        measured = _measure(engine, rule, options, schema, windows)
        ((events,),) = engine.query("SELECT count(*) FROM events")
    finally:
        engine.close()
    counters = RunCounters(files_read=len(parts))
    counters.records_read = counters.records_evaluated = int(events)
    return _report(rule, measured, thresholds, counters.frozen())


def _plan(rule: Rule, options: ScanOptions, seconds: int) -> RulePlan:
    declared = {parameter.name for parameter in rule.parameters}
    missing = [name for name in _NEEDED if name not in declared]
    if missing:
        raise RuleError(
            f"rule {rule.name!r} has no ?{' or ?'.join(missing)} parameter: tune varies the "
            "threshold and window of rules that declare both (like the bundled rule)",
            rule.query_location,
        )
    return plan_rule(rule, _overrides(seconds), options.now)


def _overrides(seconds: int) -> dict[str, object]:
    """Every group counted (threshold 0), in windows of `seconds`."""
    return {"threshold": 0, "window": f"{seconds} seconds"}


def _measure(
    engine: DuckDBEngine,
    rule: Rule,
    options: ScanOptions,
    schema: Mapping[str, FieldSpec],
    windows: Sequence[int],
) -> list[WindowFanout]:
    measured = []
    for seconds in windows:
        compiled = _plan(rule, options, seconds).compile(schema)
        rows = engine.query(_uncapped_groups(compiled))
        counts = tuple(int(count) for *_, count in rows if count is not None)
        peaks: dict[Entity, int] = {}
        for principal, address, count in ((row[1], row[2], row[3]) for row in rows):
            if count is None:
                continue
            entity = (_text(principal), _text(address))
            peaks[entity] = max(peaks.get(entity, 0), int(count))
        measured.append(WindowFanout(seconds, counts, peaks))
    return measured


def _uncapped_groups(compiled: CompiledQuery) -> str:
    """The rule's groups and their fan-out (the first result column after the group keys),
    without ES|QL's result cap: tune counts every group, not the first thousand."""
    if compiled.statement is None or len(compiled.group_by) != 3:
        raise RuleError("tune needs a rule that groups BY window, principal and source IP")
    measure = next(
        (spec.name for spec in compiled.columns if spec.name not in compiled.group_by), None
    )
    if measure is None:
        raise RuleError("tune needs a rule whose STATS computes a count")
    statement = compiled.statement.copy()
    statement.set("limit", None)
    names = [*compiled.group_by, measure]
    quoted = ", ".join('"' + name.replace('"', '""') + '"' for name in names)
    return f"SELECT {quoted} FROM ({statement.sql(dialect=PinnedDuckDB)})"


def _report(
    rule: Rule, measured: list[WindowFanout], thresholds: Sequence[int], summary: RunSummary
) -> TuneReport:
    defaults = {parameter.name: parameter.default for parameter in rule.parameters}
    window_text = str(defaults.get("window", ""))
    threshold = defaults.get("threshold")
    return TuneReport(
        rule=rule,
        windows=tuple(measured),
        thresholds=tuple(sorted(set(thresholds))),
        summary=summary,
        default_window=_seconds(window_text),
        default_threshold=threshold if isinstance(threshold, int) else None,
    )


def _seconds(text: str) -> int | None:
    amount, _, unit = text.partition(" ")
    if not amount.isdigit():
        return None
    scale = {"second": 1, "seconds": 1, "minute": 60, "minutes": 60, "hour": 3600, "hours": 3600}
    return int(amount) * scale[unit] if unit in scale else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
