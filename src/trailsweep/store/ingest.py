"""Ingesting source files into the store: read, skip what is already in, commit in batches.

One ingest holds the store's lock (one writer at a time; readers never wait), removes what an
earlier ingest left uncommitted, then commits a batch every `batch_rows` events: the batch's
parts are written and renamed first, the catalogue that lists them and its source files last.
A crash at any point leaves the last committed catalogue, whose parts are all complete; the
files of the lost batch are not in it, so the next ingest reads them again.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from trailsweep.normalize import NormalizeOptions
from trailsweep.reading import Diagnostic, count_unread
from trailsweep.sources import discover
from trailsweep.store.catalogue import (
    CATALOGUE_NAME,
    Batch,
    Catalogue,
    SourceEntry,
    StoreError,
    load_catalogue,
    save_catalogue,
)
from trailsweep.store.reader import ReadSpec, SourceFile, read_source_files
from trailsweep.store.writer import EVENTS_FOLDER, FileEvents, LayoutOptions, write_batch
from trailsweep.summary import RunCounters, RunSummary

LOCK_NAME = ".lock"


@dataclass(frozen=True)
class IngestOptions:
    """How to read and normalize input, and how to lay out what is written."""

    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)
    jobs: int | None = None
    """Worker processes reading files (None: one per core, when the input is large enough)."""
    batch_rows: int = 250_000
    """Commit after this many events (bounds memory; each commit adds a part per day)."""
    layout: LayoutOptions = field(default_factory=LayoutOptions)


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did. `summary` counts what was read as `scan` counts it (files already
    in the store are not read, and only appear in `files_present`)."""

    files_ingested: int
    """Files read and recorded in the catalogue (including those all of whose records were
    rejected: their content is known and gives the same rejections again)."""
    files_present: int
    """Files skipped because a file with the same content is already in the store."""
    records_written: int
    batches: tuple[str, ...]
    days: tuple[date, ...]
    """The days that received events."""
    summary: RunSummary

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        """Records rejected, by reason."""
        return self.summary.records_rejected


def ingest_paths(
    folder: Path,
    paths: Sequence[Path],
    options: IngestOptions,
    report: Diagnostic,
) -> IngestReport:
    """Append the events of every file under `paths` that the store does not hold yet."""
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        catalogue = load_catalogue(folder)
        remove_uncommitted(folder, catalogue)
        run = _IngestRun(folder, catalogue, options)
        files: list[Path] = []
        for found in discover(paths):
            if isinstance(found, Path):
                files.append(found)
            else:
                count_unread(found, run.counters, report)
        spec = ReadSpec.of(options.normalize, frozenset(catalogue.sources))
        for outcome in read_source_files(files, spec, options.normalize, options.jobs):
            run.add(outcome, report)
        run.commit()
        return run.report()


class _IngestRun:
    """The state of one ingest: counts, and the files waiting for the next commit."""

    def __init__(self, folder: Path, catalogue: Catalogue, options: IngestOptions) -> None:
        self.folder = folder
        self.catalogue = catalogue
        self.options = options
        self.counters = RunCounters()
        self.present = 0
        self.ingested = 0
        self.written = 0
        self.batches: list[str] = []
        self.days: set[date] = set()
        self._pending: list[SourceFile] = []
        self._pending_rows = 0
        self._seen: set[str] = set()

    def add(self, outcome: SourceFile, report: Diagnostic) -> None:
        """Count one file read, and queue its events for the next commit."""
        if outcome.present or (outcome.digest is not None and outcome.digest in self._seen):
            # Already stored (or named twice in this run): not read again, nothing reported.
            self.present += 1
            return
        self.counters.merge(outcome.counters)
        for level, message in outcome.diagnostics:
            report(level, message)
        if outcome.counters.files_read == 0:
            return  # skipped (a digest file): nothing to record
        if outcome.rows == 0 and outcome.counters.files_rejected:
            return  # unreadable as a whole: nothing stored, reported again next time
        if outcome.digest is not None:
            self._seen.add(outcome.digest)
        self._pending.append(outcome)
        self._pending_rows += outcome.rows
        if self._pending_rows >= self.options.batch_rows:
            self.commit()

    def commit(self) -> None:
        """Write the queued events and commit them with their source files."""
        if not self._pending:
            return
        catalogue = self.catalogue
        batch_id = f"{catalogue.next_batch:08d}-{secrets.token_hex(4)}"
        events = [
            FileEvents(item.table, item.schema) for item in self._pending if item.table is not None
        ]
        parts = (
            write_batch(self.folder, batch_id, events, catalogue.next_row, self.options.layout)
            if events
            else ()
        )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        entries = [
            SourceEntry(
                digest=item.digest,
                path=str(item.path),
                size=item.size,
                records_read=item.counters.records_read,
                records_written=item.rows,
                records_rejected=dict(item.counters.records_rejected),
                batch=batch_id,
                ingested_at=now,
            )
            for item in self._pending
            if item.digest is not None
        ]
        committed = catalogue.with_batch(Batch(batch_id, now, parts), entries, self._pending_rows)
        save_catalogue(self.folder, committed)
        self.catalogue = committed
        self.ingested += len(self._pending)
        self.written += self._pending_rows
        self.batches.append(batch_id)
        self.days.update(part.date for part in parts if part.date is not None)
        self._pending = []
        self._pending_rows = 0

    def report(self) -> IngestReport:
        """The outcome so far."""
        return IngestReport(
            files_ingested=self.ingested,
            files_present=self.present,
            records_written=self.written,
            batches=tuple(self.batches),
            days=tuple(sorted(self.days)),
            summary=self.counters.frozen(),
        )


def remove_uncommitted(folder: Path, catalogue: Catalogue) -> list[Path]:
    """Delete what no committed catalogue lists: parts and temporary files of an ingest that
    died. Only safe under the lock (readers never open a file the catalogue does not list)."""
    committed = catalogue.files
    removed: list[Path] = []
    events = folder / EVENTS_FOLDER
    candidates = list(events.rglob("*")) if events.is_dir() else []
    candidates += list(folder.glob(f".{CATALOGUE_NAME}.*.tmp"))
    for path in candidates:
        if path.is_file() and path.relative_to(folder).as_posix() not in committed:
            path.unlink()
            removed.append(path)
    return removed


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the store's writer lock (advisory, `flock`; on systems without it, no lock)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    handle = (folder / LOCK_NAME).open("a")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{folder}: another ingest is writing to this store") from None
        yield
    finally:
        handle.close()
