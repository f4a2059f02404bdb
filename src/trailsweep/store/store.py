"""`EventStore`: a folder of normalized events (Parquet, one folder per day) and its catalogue.

    DIR/catalogue.json                              committed state (see `catalogue`)
    DIR/events/day=YYYY-MM-DD/<batch-id>.parquet    one batch's events of one day
    DIR/events/day=YYYY-MM-DD/<batch-id>.rows       its row index (`__row` → position)
    DIR/.lock                                       held by the one ingest writing

Columns are the flattened ECS fields under their dotted names (every field, typed as the
events table types them), `__row` (a number unique in the store, in ingest order), and where
each event was read: `__origin` (file), `__line` or `__record`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

import duckdb

from trailsweep.engine.table import ROW_COLUMN
from trailsweep.reading import Diagnostic
from trailsweep.store.catalogue import CATALOGUE_NAME, StoreError, load_catalogue
from trailsweep.store.events import PROVENANCE_COLUMNS, Snapshot, TimeRange
from trailsweep.store.ingest import IngestOptions, IngestReport, ingest_paths


class EventStore:
    """The events of a store folder: ingest files into it, read time ranges out of it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def exists(self) -> bool:
        """True once something was committed here."""
        return (self.path / CATALOGUE_NAME).is_file()

    def ingest(
        self,
        paths: Sequence[Path],
        options: IngestOptions | None = None,
        on_diagnostic: Diagnostic | None = None,
    ) -> IngestReport:
        """Append the events of every file under `paths` whose content is not in the store yet
        (bad files and records are counted and reported, one line each, as `scan` does)."""
        report: Diagnostic = on_diagnostic or (lambda level, message: None)
        return ingest_paths(self.path, paths, options or IngestOptions(), report)

    def snapshot(self) -> Snapshot:
        """The committed state now (later commits do not change it)."""
        if not self.exists:
            raise StoreError(f"{self.path}: not an event store (no {CATALOGUE_NAME})")
        return Snapshot(self.path, load_catalogue(self.path))

    def days(self) -> list[date]:
        """The UTC days that hold events, in order."""
        return self.snapshot().days() if self.exists else []

    def events_sql(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        fields: Iterable[str] | None = None,
        provenance: bool = True,
    ) -> str:
        """A SELECT of the events with `since <= @timestamp < until` (naive UTC; None: open):
        the given fields (all stored fields when None; a field never stored is a typed null),
        `__row`, and with `provenance` the `__origin`, `__line` and `__record` columns."""
        snapshot = self.snapshot()
        window = TimeRange(since, until)
        parts = snapshot.parts(window)
        schema = snapshot.schema(parts, fields)
        extra = (ROW_COLUMN, *PROVENANCE_COLUMNS) if provenance else (ROW_COLUMN,)
        return snapshot.select_sql(parts, schema, window, extra)

    def relation(
        self,
        connection: duckdb.DuckDBPyConnection,
        since: datetime | None = None,
        until: datetime | None = None,
        fields: Iterable[str] | None = None,
    ) -> duckdb.DuckDBPyRelation:
        """The events of a time range as a relation of `connection` (see `events_sql`).

        Set the connection's TimeZone to UTC before reading dates, as the engine does."""
        return connection.sql(self.events_sql(since, until, fields))
