"""Reading files once for a replay: each rule's rows, with their ingest and event times."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trailsweep.engine.plan import RulePlan
from trailsweep.errors import Location
from trailsweep.parallel import read_files
from trailsweep.pipeline import Diagnostic, ScanOptions, plan_read
from trailsweep.rules.model import Rule
from trailsweep.schedule.delivery_time import IngestTime, ingest_time
from trailsweep.summary import RunCounters


@dataclass(frozen=True)
class TimedRow:
    """One event as a rule's table holds it, with when it happened and when it was ingested."""

    flat: dict[str, Any]
    location: Location
    ingested: datetime
    event_time: datetime | None
    """`@timestamp` (None when the document has none: then no run selects it by event time)."""


@dataclass(frozen=True)
class DeliveredFile:
    """A file read, and the ingest time its records were given."""

    path: Path
    ingest: IngestTime


@dataclass(frozen=True)
class TimedInput:
    """What reading the input gave: planned rules, their table fields, rows per rule, files."""

    plans: tuple[RulePlan, ...]
    fields: tuple[tuple[str, ...], ...]
    patterns: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[TimedRow, ...], ...]
    files: tuple[DeliveredFile, ...]


def read_timed(
    paths: Sequence[Path],
    rules: Sequence[Rule],
    options: ScanOptions,
    counters: RunCounters,
    report: Diagnostic,
) -> TimedInput:
    """Read every file under `paths` once, as `pipeline.scan` does, keeping per rule the rows
    its table would hold, each stamped with its file's ingest time."""
    plans, files, spec = plan_read(paths, rules, options, counters, report)
    delivered = [DeliveredFile(path, ingest_time(path)) for path in files]
    rows: list[list[TimedRow]] = [[] for _ in plans]
    fallbacks: list[Path] = []
    outcomes = read_files(files, spec, options.normalize, options.jobs, plans)
    for file, outcome in zip(delivered, outcomes, strict=True):
        counters.merge(outcome.counters)
        if file.ingest.source == "mtime" and outcome.counters.records_read:
            fallbacks.append(file.path)
        for level, message in outcome.diagnostics:
            report(level, message)
        for index, rule_rows in enumerate(outcome.rows):
            rows[index].extend(
                TimedRow(flat, location, file.ingest.at, _event_time(flat))
                for flat, location in rule_rows
            )
    if fallbacks:
        report(
            "warning",
            f"{len(fallbacks)} file(s) of records have no delivery timestamp in their name "
            f"(first: {fallbacks[0]}); their modification time stands in for event.ingested",
        )
    return TimedInput(
        tuple(plans), spec.fields, spec.patterns, tuple(tuple(r) for r in rows), tuple(delivered)
    )


def _event_time(flat: dict[str, Any]) -> datetime | None:
    value = flat.get("@timestamp")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
