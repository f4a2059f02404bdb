"""The store's catalogue: which source files are in, and which Parquet parts hold their events.

The catalogue (`DIR/catalogue.json`) is the store's only source of truth. Readers read the
parts it lists and nothing else, so a part written by an ingest that died before its commit is
invisible (and deleted by the next ingest). A commit rewrites the whole catalogue to a temporary
file, syncs it and renames it over the old one: a reader sees the old catalogue or the new one,
never a mix. The catalogue also hands out `__row` numbers from its running counter, so that
every event of the store has its own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from trailsweep.errors import TrailsweepError
from trailsweep.esql.types import EsqlType, FieldSpec

CATALOGUE_NAME = "catalogue.json"
FORMAT_VERSION = 1
NO_DAY = "none"
"""The partition of events without a usable @timestamp (read only by scans without a range)."""


class StoreError(TrailsweepError):
    """The store cannot be used: not a store, a catalogue it cannot read, a newer format."""


@dataclass(frozen=True)
class Part:
    """One Parquet file of events: one batch's events of one day."""

    path: str
    """Relative to the store folder: `events/day=YYYY-MM-DD/<batch>.parquet`."""
    day: str
    """`YYYY-MM-DD` (UTC), or `none` for events without a timestamp."""
    rows: int
    row_min: int
    row_max: int
    """The `__row` numbers it holds lie in [row_min, row_max]."""
    time_min: datetime | None
    time_max: datetime | None
    """The range of its `@timestamp` values (naive UTC, milliseconds)."""
    columns: Mapping[str, FieldSpec]
    """Every ECS column it holds, with the spec it was written with."""
    row_index: str
    """Relative path of its row index: `__row - row_min` → position in the part (int32,
    little-endian; -1 for rows of the batch that are in another day's part)."""

    @property
    def date(self) -> date | None:
        """The partition's day (None for events without a timestamp)."""
        return None if self.day == NO_DAY else date.fromisoformat(self.day)


@dataclass(frozen=True)
class SourceEntry:
    """One ingested source file, known by the sha256 of its content."""

    digest: str
    path: str
    size: int
    records_read: int
    records_written: int
    records_rejected: Mapping[str, int]
    batch: str
    ingested_at: str


@dataclass(frozen=True)
class Batch:
    """What one commit added: its parts."""

    batch_id: str
    created_at: str
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Catalogue:
    """The committed state of a store."""

    next_row: int = 0
    next_batch: int = 1
    sources: Mapping[str, SourceEntry] = field(default_factory=dict)
    batches: tuple[Batch, ...] = ()

    @property
    def parts(self) -> list[Part]:
        """Every committed part, in commit order."""
        return [part for batch in self.batches for part in batch.parts]

    @property
    def files(self) -> set[str]:
        """Every committed file of the store, relative to its folder."""
        return {path for part in self.parts for path in (part.path, part.row_index)}

    def with_batch(self, batch: Batch, sources: list[SourceEntry], rows: int) -> Catalogue:
        """This catalogue plus one committed batch."""
        merged = dict(self.sources)
        merged.update((entry.digest, entry) for entry in sources)
        return replace(
            self,
            next_row=self.next_row + rows,
            next_batch=self.next_batch + 1,
            sources=merged,
            batches=(*self.batches, batch),
        )


def load_catalogue(folder: Path) -> Catalogue:
    """The committed catalogue of a store (an empty one when nothing was ever committed)."""
    path = folder / CATALOGUE_NAME
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return Catalogue()
    except (OSError, orjson.JSONDecodeError) as exc:
        raise StoreError(f"{path}: cannot read the store's catalogue: {exc}") from exc
    version = data.get("format") if isinstance(data, dict) else None
    if version != FORMAT_VERSION:
        raise StoreError(f"{path}: catalogue format {version!r}; this trailsweep reads 1")
    try:
        return _catalogue_from(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"{path}: malformed catalogue: {exc!r}") from exc


def save_catalogue(folder: Path, catalogue: Catalogue) -> None:
    """Commit: write the catalogue beside the old one, sync it, then rename it over the old."""
    path = folder / CATALOGUE_NAME
    temporary = folder / f".{CATALOGUE_NAME}.{os.getpid()}.tmp"
    payload = orjson.dumps(_catalogue_json(catalogue), option=orjson.OPT_INDENT_2)
    with temporary.open("wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    sync_folder(folder)


def sync_folder(folder: Path) -> None:
    """Make renames in a folder durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _catalogue_json(catalogue: Catalogue) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "next_row": catalogue.next_row,
        "next_batch": catalogue.next_batch,
        "batches": [
            {
                "id": batch.batch_id,
                "created_at": batch.created_at,
                "parts": [_part_json(part) for part in batch.parts],
            }
            for batch in catalogue.batches
        ],
        "sources": [
            {
                "sha256": entry.digest,
                "path": entry.path,
                "size": entry.size,
                "records_read": entry.records_read,
                "records_written": entry.records_written,
                "records_rejected": dict(entry.records_rejected),
                "batch": entry.batch,
                "ingested_at": entry.ingested_at,
            }
            for entry in catalogue.sources.values()
        ],
    }


def _part_json(part: Part) -> dict[str, Any]:
    return {
        "path": part.path,
        "day": part.day,
        "rows": part.rows,
        "row_min": part.row_min,
        "row_max": part.row_max,
        "time_min": _time_text(part.time_min),
        "time_max": _time_text(part.time_max),
        "columns": {name: [s.type, s.multivalued] for name, s in part.columns.items()},
        "row_index": part.row_index,
    }


def _catalogue_from(data: dict[str, Any]) -> Catalogue:
    batches = tuple(
        Batch(
            batch_id=str(item["id"]),
            created_at=str(item["created_at"]),
            parts=tuple(_part_from(part) for part in item["parts"]),
        )
        for item in data["batches"]
    )
    sources = {
        str(item["sha256"]): SourceEntry(
            digest=str(item["sha256"]),
            path=str(item["path"]),
            size=int(item["size"]),
            records_read=int(item["records_read"]),
            records_written=int(item["records_written"]),
            records_rejected={str(k): int(v) for k, v in item["records_rejected"].items()},
            batch=str(item["batch"]),
            ingested_at=str(item["ingested_at"]),
        )
        for item in data["sources"]
    }
    return Catalogue(
        next_row=int(data["next_row"]),
        next_batch=int(data["next_batch"]),
        sources=sources,
        batches=batches,
    )


def _part_from(item: dict[str, Any]) -> Part:
    columns: dict[str, FieldSpec] = {}
    for name, (kind, multivalued) in item["columns"].items():
        columns[name] = FieldSpec(name, _esql_type(kind), bool(multivalued))
    return Part(
        path=str(item["path"]),
        day=str(item["day"]),
        rows=int(item["rows"]),
        row_min=int(item["row_min"]),
        row_max=int(item["row_max"]),
        time_min=_time_from(item["time_min"]),
        time_max=_time_from(item["time_max"]),
        columns=columns,
        row_index=str(item["row_index"]),
    )


_TYPES: dict[str, EsqlType] = {
    "keyword": "keyword",
    "ip": "ip",
    "date": "date",
    "long": "long",
    "double": "double",
    "boolean": "boolean",
    "null": "null",
}


def _esql_type(kind: object) -> EsqlType:
    if not isinstance(kind, str) or kind not in _TYPES:
        raise ValueError(f"unknown column type {kind!r}")
    return _TYPES[kind]


def _time_text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="milliseconds")


def _time_from(value: object) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))
