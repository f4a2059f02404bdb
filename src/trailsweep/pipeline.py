"""One scan, end to end: sources → normalize → engine → alerts (what `trailsweep scan` runs)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from trailsweep.alerts import Alert, alert_sort_key, build_alert
from trailsweep.alerts.allowlist import Allowlist, EventDropper
from trailsweep.alerts.ledger import SuppressedAlert, suppress_alerts
from trailsweep.engine.engines import Engine, EngineOptions, open_engine, require_engine
from trailsweep.engine.plan import RulePlan, plan_rules
from trailsweep.engine.results import ResultRow
from trailsweep.engine.table import EventTable, EventTableBuilder
from trailsweep.esql import CompiledQuery
from trailsweep.normalize import NormalizeOptions
from trailsweep.parallel import FileOutcome, ReaderSpec, read_files
from trailsweep.progress import ProgressCallback, ProgressTracker
from trailsweep.reading import Diagnostic, count_unread, read_documents
from trailsweep.rules.model import Rule
from trailsweep.sources import discover
from trailsweep.summary import RunCounters, RunSummary


@dataclass(frozen=True)
class ScanOptions:
    """How to read and normalize input, and which parameter overrides to apply to rules."""

    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)
    parameters: Mapping[str, object] = field(default_factory=dict)
    jobs: int | None = None
    """Worker processes reading files (None: one per core, when the input is large enough)."""
    prefilter: bool = True
    """Drop raw records no rule can match before normalizing them (same alerts, less work)."""
    now: datetime | None = None
    """What NOW() is in queries (None: the clock, as in Elastic's rule runs)."""
    engine: EngineOptions = field(default_factory=EngineOptions)
    """Which engine runs the compiled queries (DuckDB in process, or Spark): same alerts."""
    allowlist: Allowlist = field(default_factory=Allowlist)
    """Allowlist entries in force (see `Allowlist.in_force`): drop-mode entries remove events
    before the rules count them, suppress-mode entries move alerts to the ledger."""


@dataclass(frozen=True)
class ScanReport:
    """The outcome of a scan: alerts (sorted by rule, then group) and the run summary."""

    alerts: tuple[Alert, ...]
    summary: RunSummary
    suppressed: tuple[SuppressedAlert, ...] = ()
    """Alerts an allowlist entry suppressed (the ledger), in the order of `alerts`."""


def scan(
    paths: Sequence[Path],
    rules: Sequence[Rule],
    options: ScanOptions | None = None,
    on_diagnostic: Diagnostic | None = None,
    on_progress: ProgressCallback | None = None,
) -> ScanReport:
    """Read every file under `paths` once, evaluate every rule over the events, build alerts
    (`on_progress` hears after each file)."""
    options = options or ScanOptions()
    require_engine(options.engine)
    counters = RunCounters()
    report: Diagnostic = on_diagnostic or (lambda level, message: None)
    plans, files, spec = plan_read(paths, rules, options, counters, report)
    builders = [EventTableBuilder(f, p) for f, p in zip(spec.fields, spec.patterns, strict=True)]
    progress = ProgressTracker(files, on_progress)
    engine = open_engine(options.engine)
    try:
        for outcome in _read(engine, files, spec, options, plans):
            counters.merge(outcome.counters)
            progress.file_done(counters.records_read)
            for level, message in outcome.diagnostics:
                report(level, message)
            for builder, rows in zip(builders, outcome.rows, strict=True):
                for flat, location in rows:
                    builder.add(flat, location)
        tables = [builder.build() for builder in builders]
        alerts = evaluate(plans, tables, report, counters, engine=engine)
    finally:
        engine.close()
    alerts, suppressed = suppress_alerts(alerts, options.allowlist.entries, report, counters)
    for alert in alerts:
        counters.alerts[alert.rule.rule_id] += 1
    return ScanReport(tuple(alerts), counters.frozen(), tuple(suppressed))


def plan_read(
    paths: Sequence[Path],
    rules: Sequence[Rule],
    options: ScanOptions,
    counters: RunCounters,
    report: Diagnostic,
) -> tuple[list[RulePlan], list[Path], ReaderSpec]:
    """What one read of the input needs: the planned rules, the files found under `paths`
    (what cannot be read is counted and reported now), and the spec workers read them under
    (per rule, the fields and KEEP patterns its table needs)."""
    plans = plan_rules(rules, options.parameters, options.now)
    files: list[Path] = []
    for found in discover(paths):
        if isinstance(found, Path):
            files.append(found)
        else:
            count_unread(found, counters, report)
    spec = ReaderSpec.of(
        rules,
        options.parameters,
        options.now,
        options.normalize,
        options.prefilter,
        [_wanted_fields(plan) for plan in plans],
        [sorted(plan.source_patterns) for plan in plans],
        EventDropper.of(options.allowlist.entries, [(r.rule_id, r.name) for r in rules]),
    )
    return plans, files, spec


def evaluate(
    plans: Sequence[RulePlan],
    tables: Sequence[EventTable],
    report: Diagnostic | None = None,
    counters: RunCounters | None = None,
    engine_options: EngineOptions | None = None,
    engine: Engine | None = None,
) -> list[Alert]:
    """Run every planned rule over its events table and build its alerts, on `engine` (left
    open) or on one opened as `engine_options` say (and closed).

    Each rule has its own table: the records its raw test let through, with the fields it reads
    (a rule's query cannot tell the difference from a table of everything).

    ES|QL caps every result (LIMIT 1000 when the query has none); a result cut by that cap is
    reported, never cut silently.
    """
    owned = engine is None
    engine = engine or open_engine(engine_options)
    try:
        alerts: list[Alert] = []
        for plan, events in zip(plans, tables, strict=True):
            engine.register(events)
            compiled = plan.compile(events.schema)
            rows = kept_rows(plan, compiled, engine.run(compiled).rows, counters, report)
            rule_alerts = [
                build_alert(
                    plan.rule,
                    row.values,
                    compiled.group_by,
                    row.evidence,
                    events.event_ids,
                    events.locations,
                    plan.parameters,
                )
                for row in rows
            ]
            rule_alerts.sort(key=lambda alert: alert_sort_key(alert))
            alerts.extend(rule_alerts)
        return alerts
    finally:
        if owned:
            engine.close()


def _read(
    engine: Engine,
    files: Sequence[Path],
    spec: ReaderSpec,
    options: ScanOptions,
    plans: Sequence[RulePlan],
) -> Iterator[FileOutcome]:
    """Every file's outcome in file order: read on Spark's executors with the Spark engine
    (unless told to read here), else here (in worker processes when worth it)."""
    if options.engine.name == "spark" and options.engine.read_on_spark:
        from trailsweep.engine.spark_engine import SparkEngine
        from trailsweep.spark_reading import read_files_on_spark

        assert isinstance(engine, SparkEngine)
        return read_files_on_spark(engine, files, spec)
    return read_files(files, spec, options.normalize, options.jobs, plans)


def kept_rows(
    plan: RulePlan,
    compiled: CompiledQuery,
    rows: tuple[ResultRow, ...],
    counters: RunCounters | None,
    report: Diagnostic | None,
) -> tuple[ResultRow, ...]:
    """A rule's result rows as Elastic keeps them: cut at ES|QL's result limit, which is
    reported (and counted), as is a result larger than the rule's max_signals."""
    limit = compiled.implicit_limit
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        if counters is not None:
            counters.results_truncated[plan.rule.rule_id] += 1
        if report is not None:
            report(
                "warning",
                f"rule {plan.rule.name!r}: more than {limit} result rows; ES|QL's "
                f"result limit keeps the first {limit} (narrow the input or the query)",
            )
    # One alert per kept row.
    if len(rows) > plan.rule.max_signals and report is not None:
        report(
            "warning",
            f"rule {plan.rule.name!r}: {len(rows)} alerts; Elastic creates at most "
            f"max_signals={plan.rule.max_signals} per rule run, trailsweep keeps them all",
        )
    return rows


def _wanted_fields(plan: RulePlan) -> list[str]:
    return sorted({"event.id", "@timestamp"} | plan.source_fields)


__all__ = [
    "Diagnostic",
    "ScanOptions",
    "ScanReport",
    "evaluate",
    "kept_rows",
    "plan_read",
    "read_documents",
    "scan",
]
