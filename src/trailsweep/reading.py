"""Reading records and normalizing them, with counts and diagnostics: the front half of a scan."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from trailsweep.engine.prefilter import Prefilter
from trailsweep.errors import InputError
from trailsweep.normalize import (
    SCREENED_KEYS,
    NormalizeOptions,
    RecordRejected,
    ecs_document_from,
    is_text,
    normalize_record,
    plainly_valid,
    screen_record,
)
from trailsweep.sources import (
    PassedOver,
    RecordGate,
    Rejection,
    SkippedFile,
    SourceRecord,
    discover,
    read_file,
)
from trailsweep.sources.records import record_time
from trailsweep.summary import RunCounters, reason_category

Diagnostic = Callable[[str, str], None]
"""Receives (level, message) for each problem as it happens: level is "error" or "warning"."""


def read_documents(
    paths: Iterable[Path],
    options: NormalizeOptions,
    counters: RunCounters,
    report: Diagnostic,
    prefilter: Prefilter | None = None,
) -> Iterator[tuple[SourceRecord, dict[str, Any]]]:
    """Each readable record under `paths` as a nested ECS document, counting and reporting the
    rest (what `trailsweep normalize` writes, and what `scan` evaluates)."""
    for found in discover(paths):
        if isinstance(found, Path):
            yield from file_documents(found, options, counters, report, prefilter)
        else:
            count_unread(found, counters, report)


def count_unread(found: Rejection | SkippedFile, counters: RunCounters, report: Diagnostic) -> None:
    """Count (and report) a file that discovery skipped or could not find."""
    if isinstance(found, SkippedFile):
        counters.files_skipped[found.reason] += 1
    else:
        counters.files_rejected += 1
        report("error", str(found))


def file_documents(
    path: Path,
    options: NormalizeOptions,
    counters: RunCounters,
    report: Diagnostic,
    prefilter: Prefilter | None = None,
) -> Iterator[tuple[SourceRecord, dict[str, Any]]]:
    """The documents of one file (see `file_candidates`)."""
    for record, document, _ in file_candidates(path, options, counters, report, prefilter):
        yield record, document


def file_candidates(
    path: Path,
    options: NormalizeOptions,
    counters: RunCounters,
    report: Diagnostic,
    prefilter: Prefilter | None = None,
) -> Iterator[tuple[SourceRecord, dict[str, Any], tuple[int, ...] | None]]:
    """The documents of one file, each with the positions of the rules that may match it
    (None: every rule).

    With a prefilter, a raw record that no rule can match is screened (so that bad records are
    rejected whatever the rules) and counted as evaluated without being normalized; in a
    delivery document, one whose eventName no rule wants is not even decoded in full.
    """
    for record in _file_records(path, counters, report, record_gate(prefilter)):
        passing: tuple[int, ...] | None = None
        if prefilter is not None and record.kind == "cloudtrail":
            try:
                screen_record(record.data)
            except RecordRejected as exc:
                _reject(record, exc.reason, counters, report)
                continue
            passing = prefilter.passing(record.data)
            if not passing:
                counters.records_evaluated += 1
                counters.records_prefiltered += 1
                counters.saw_event_time(record_time(record.data))
                continue
        document = _normalized(record, options, counters, report)
        if document is not None:
            counters.saw_event_time(document.get("@timestamp"))
            yield record, document, passing


def record_gate(prefilter: Prefilter | None) -> RecordGate | None:
    """The reader's gate for a prefilter: records whose eventName no rule indexes are screened
    and counted without being built (None: every record must be built)."""
    if prefilter is None:
        return None
    names = prefilter.wanted_names
    if names is None:
        return None
    return RecordGate(names, plainly_valid, _screen_reason, SCREENED_KEYS, is_text)


def _screen_reason(fields: dict[str, Any]) -> str | None:
    try:
        screen_record(fields)
    except RecordRejected as exc:
        return exc.reason
    return None


def _file_records(
    path: Path, counters: RunCounters, report: Diagnostic, gate: RecordGate | None = None
) -> Iterator[SourceRecord]:
    counters.files_read += 1
    for item in read_file(path, gate):
        if isinstance(item, SourceRecord):
            counters.records_read += 1
            yield item
        elif isinstance(item, PassedOver):
            counters.records_read += item.count
            counters.records_evaluated += item.count
            counters.records_prefiltered += item.count
            counters.saw_event_time(item.latest_time)
            for other in item.other_times:
                counters.saw_event_time(other)
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
