"""One scan, end to end: sources → normalize → engine → alerts (what `trailsweep scan` runs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from trailsweep.alerts import Alert, alert_sort_key, build_alert
from trailsweep.engine.duckdb_engine import DuckDBEngine, ResultRow
from trailsweep.engine.plan import RulePlan, plan_rules
from trailsweep.engine.table import EventTable, EventTableBuilder
from trailsweep.esql import CompiledQuery
from trailsweep.normalize import NormalizeOptions
from trailsweep.parallel import ReaderSpec, read_files
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


@dataclass(frozen=True)
class ScanReport:
    """The outcome of a scan: alerts (sorted by rule, then group) and the run summary."""

    alerts: tuple[Alert, ...]
    summary: RunSummary


def scan(
    paths: Sequence[Path],
    rules: Sequence[Rule],
    options: ScanOptions | None = None,
    on_diagnostic: Diagnostic | None = None,
) -> ScanReport:
    """Read every file under `paths` once, evaluate every rule over the events, build alerts."""
    options = options or ScanOptions()
    plans = plan_rules(rules, options.parameters, options.now)
    counters = RunCounters()
    report: Diagnostic = on_diagnostic or (lambda level, message: None)
    fields = [_wanted_fields(plan) for plan in plans]
    patterns = [sorted(plan.source_patterns) for plan in plans]
    builders = [EventTableBuilder(f, p) for f, p in zip(fields, patterns, strict=True)]
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
        fields,
        patterns,
    )
    for outcome in read_files(files, spec, options.normalize, options.jobs, plans):
        counters.merge(outcome.counters)
        for level, message in outcome.diagnostics:
            report(level, message)
        for builder, rows in zip(builders, outcome.rows, strict=True):
            for flat, location in rows:
                builder.add(flat, location)
    tables = [builder.build() for builder in builders]
    alerts = evaluate(plans, tables, report, counters)
    for alert in alerts:
        counters.alerts[alert.rule.rule_id] += 1
    return ScanReport(alerts=tuple(alerts), summary=counters.frozen())


def evaluate(
    plans: Sequence[RulePlan],
    tables: Sequence[EventTable],
    report: Diagnostic | None = None,
    counters: RunCounters | None = None,
) -> list[Alert]:
    """Run every planned rule over its events table and build its alerts.

    Each rule has its own table: the records its raw test let through, with the fields it reads
    (a rule's query cannot tell the difference from a table of everything).

    ES|QL caps every result (LIMIT 1000 when the query has none); a result cut by that cap is
    reported, never cut silently.
    """
    engine = DuckDBEngine()
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
        engine.close()


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
    "read_documents",
    "scan",
]
