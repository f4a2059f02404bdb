"""One scan, end to end: sources → normalize → engine → alerts (what `trailsweep scan` runs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from trailsweep.alerts import Alert, build_alert
from trailsweep.engine.duckdb_engine import DuckDBEngine
from trailsweep.engine.plan import RulePlan, plan_rules
from trailsweep.engine.prefilter import Prefilter, build_prefilter
from trailsweep.engine.table import EventTable, EventTableBuilder
from trailsweep.errors import InputError
from trailsweep.normalize import (
    NormalizeOptions,
    RecordRejected,
    ecs_document_from,
    flatten_document,
    normalize_record,
    screen_record,
)
from trailsweep.rules.model import Rule
from trailsweep.sources import Rejection, SkippedFile, SourceRecord, discover, read_file
from trailsweep.summary import RunCounters, RunSummary, reason_category

Diagnostic = Callable[[str, str], None]
"""Receives (level, message) for each problem as it happens: level is "error" or "warning"."""


@dataclass(frozen=True)
class ScanOptions:
    """How to read and normalize input, and which parameter overrides to apply to rules."""

    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)
    parameters: Mapping[str, object] = field(default_factory=dict)
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
    builder = EventTableBuilder(_wanted_fields(plans), _wanted_patterns(plans))
    prefilter = build_prefilter(plans, options.normalize)
    active = options.prefilter and not prefilter.everything
    documents = read_documents(
        paths, options.normalize, counters, report, prefilter if active else None
    )
    for record, document in documents:
        builder.add(flatten_document(document), record.location)
        counters.records_evaluated += 1
    events = builder.build()
    alerts = evaluate(plans, events, report, counters)
    for alert in alerts:
        counters.alerts[alert.rule.rule_id] += 1
    return ScanReport(alerts=tuple(alerts), summary=counters.frozen())


def evaluate(
    plans: Sequence[RulePlan],
    events: EventTable,
    report: Diagnostic | None = None,
    counters: RunCounters | None = None,
) -> list[Alert]:
    """Run every planned rule over one events table and build its alerts.

    ES|QL caps every result (LIMIT 1000 when the query has none); a result cut by that cap is
    reported, never cut silently.
    """
    engine = DuckDBEngine()
    try:
        engine.register(events)
        alerts: list[Alert] = []
        for plan in plans:
            compiled = plan.compile(events.schema)
            result = engine.run(compiled)
            rows = result.rows
            limit = compiled.implicit_limit
            if limit is not None and len(rows) > limit:
                rows = rows[:limit]
                if counters is not None:
                    counters.results_truncated[plan.rule.rule_id] += 1
                if report is not None:
                    message = (
                        f"rule {plan.rule.name!r}: more than {limit} result rows; ES|QL's "
                        f"result limit keeps the first {limit} (narrow the input or the query)"
                    )
                    report("warning", message)
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
            rule_alerts.sort(key=lambda alert: _sort_key(alert.group_key))
            if len(rule_alerts) > plan.rule.max_signals and report is not None:
                report(
                    "warning",
                    f"rule {plan.rule.name!r}: {len(rule_alerts)} alerts; Elastic creates at most "
                    f"max_signals={plan.rule.max_signals} per rule run, trailsweep keeps them all",
                )
            alerts.extend(rule_alerts)
        return alerts
    finally:
        engine.close()


def read_documents(
    paths: Iterable[Path],
    options: NormalizeOptions,
    counters: RunCounters,
    report: Diagnostic,
    prefilter: Prefilter | None = None,
) -> Iterator[tuple[SourceRecord, dict[str, Any]]]:
    """Each readable record under `paths` as a nested ECS document, counting and reporting the
    rest (what `trailsweep normalize` writes, and what `scan` evaluates).

    With a prefilter, a raw record that no rule can match is screened (so that bad records are
    rejected whatever the rules) and counted as evaluated without being normalized.
    """
    for record in _read_records(paths, counters, report):
        if prefilter is not None and record.kind == "cloudtrail":
            try:
                screen_record(record.data)
            except RecordRejected as exc:
                _reject(record, exc.reason, counters, report)
                continue
            if not prefilter.passes(record.data):
                counters.records_evaluated += 1
                counters.records_prefiltered += 1
                continue
        document = _normalized(record, options, counters, report)
        if document is not None:
            yield record, document


def _read_records(
    paths: Iterable[Path], counters: RunCounters, report: Diagnostic
) -> Iterable[SourceRecord]:
    for found in discover(paths):
        if isinstance(found, SkippedFile):
            counters.files_skipped[found.reason] += 1
            continue
        if isinstance(found, Rejection):
            counters.files_rejected += 1
            report("error", str(found))
            continue
        counters.files_read += 1
        for item in read_file(found):
            if isinstance(item, SourceRecord):
                counters.records_read += 1
                yield item
            elif isinstance(item, SkippedFile):
                counters.files_read -= 1
                counters.files_skipped[item.reason] += 1
            else:
                _count_rejection(item, counters)
                report("error", str(item))


def _count_rejection(rejection: Rejection, counters: RunCounters) -> None:
    if rejection.records == 0:
        counters.files_rejected += 1
        return
    counters.records_read += rejection.records
    counters.records_rejected[reason_category(rejection.reason)] += rejection.records


def _normalized(
    record: SourceRecord, options: NormalizeOptions, counters: RunCounters, report: Diagnostic
) -> dict[str, Any] | None:
    if record.kind == "ecs":
        try:
            return ecs_document_from(record.data)
        except InputError as exc:
            _reject(record, exc.message, counters, report)
            return None
    try:
        normalized = normalize_record(record.data, options)
    except RecordRejected as exc:
        _reject(record, exc.reason, counters, report)
        return None
    if normalized.warnings:
        counters.records_with_warnings += 1
        for warning in normalized.warnings:
            report("warning", f"{record.location}: {warning}")
    return normalized.document


def _reject(record: SourceRecord, reason: str, counters: RunCounters, report: Diagnostic) -> None:
    counters.records_rejected[reason_category(reason)] += 1
    report("error", f"{record.location}: {reason}")


def _wanted_fields(plans: Sequence[RulePlan]) -> list[str]:
    fields = {"event.id", "@timestamp"}
    for plan in plans:
        fields |= plan.source_fields
    return sorted(fields)


def _wanted_patterns(plans: Sequence[RulePlan]) -> list[str]:
    return sorted({pattern for plan in plans for pattern in plan.source_patterns})


def _sort_key(group_key: tuple[tuple[str, Any], ...]) -> str:
    return repr([(name, "" if value is None else value) for name, value in group_key])


__all__ = ["Diagnostic", "ScanOptions", "ScanReport", "evaluate", "read_documents", "scan"]
