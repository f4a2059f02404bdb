"""Reading source files for the store: the content hash, then every event as an Arrow table.

A file is known by the sha256 of its content after decompression, so the same log delivered
gzipped and plain (or re-compressed) is one file; a file whose compressed stream is broken is
known by the sha256 of its bytes as stored. A file already in the store is not read at all.

Each file is read as `scan` reads it (`file_documents`, so bad input is counted and reported the
same way), without a prefilter (the store keeps every event for rules not yet written), and
every field of every event is kept. Files are read in worker processes on large input, and come
back in file order so that `__row` numbers follow the order a direct scan would read them in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyarrow as pa

from trailsweep.engine.table import ROW_COLUMN, EventTableBuilder
from trailsweep.esql.types import FieldSpec
from trailsweep.normalize import NormalizeOptions, flatten_document, open_geoip
from trailsweep.parallel import map_files
from trailsweep.reading import file_documents
from trailsweep.sources.decompress import open_binary
from trailsweep.sources.files import DIGEST_DIR
from trailsweep.summary import RunCounters

ORIGIN_COLUMN = "__origin"
LINE_COLUMN = "__line"
RECORD_COLUMN = "__record"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ReadSpec:
    """What a worker needs to read files as the parent would (picklable)."""

    namespace: str
    asn_path: str | None
    city_path: str | None
    known: frozenset[str]
    """Digests already in the store: such files are not read."""

    @staticmethod
    def of(options: NormalizeOptions, known: frozenset[str]) -> ReadSpec:
        """The spec for these options (databases travel as paths)."""
        return ReadSpec(
            namespace=options.namespace,
            asn_path=options.asn_db.path if options.asn_db is not None else None,
            city_path=options.city_db.path if options.city_db is not None else None,
            known=known,
        )


@dataclass(frozen=True)
class SourceFile:
    """One file read: its identity, its events (None when already stored), counts, messages."""

    path: Path
    digest: str | None
    size: int
    present: bool
    table: pa.Table | None
    schema: dict[str, FieldSpec]
    counters: RunCounters
    diagnostics: list[tuple[str, str]]

    @property
    def rows(self) -> int:
        """How many events the file gave."""
        return 0 if self.table is None else int(self.table.num_rows)


def content_digest(path: Path) -> str | None:
    """`sha256:<hex>` of the decompressed content, `sha256-raw:<hex>` of the stored bytes when
    they do not decompress, None when the file cannot be read at all."""
    try:
        return "sha256:" + _hash(open_binary(path))
    except Exception:
        # A broken gzip stream raises EOFError, OSError or isal's own error (not an OSError):
        # such a file is still known, by its stored bytes, so that what it did yield is not
        # stored twice.
        pass
    try:
        return "sha256-raw:" + _hash(path.open("rb"))
    except OSError:
        return None


def _hash(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    with handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FileReader:
    """Reads files under one spec; built once per process."""

    def __init__(self, spec: ReadSpec, options: NormalizeOptions | None = None) -> None:
        self._spec = spec
        self._options = options or NormalizeOptions(
            namespace=spec.namespace,
            asn_db=open_geoip(spec.asn_path) if spec.asn_path else None,
            city_db=open_geoip(spec.city_path) if spec.city_path else None,
        )

    def read(self, path: Path) -> SourceFile:
        """Hash one file and, unless it is already stored, read all its events."""
        counters = RunCounters()
        diagnostics: list[tuple[str, str]] = []
        digest = None if DIGEST_DIR in path.parts else content_digest(path)
        size = _size(path)
        if digest is not None and digest in self._spec.known:
            return SourceFile(path, digest, size, True, None, {}, counters, diagnostics)
        builder = EventTableBuilder((), ("*",))
        documents = file_documents(
            path,
            self._options,
            counters,
            lambda level, message: diagnostics.append((level, message)),
        )
        for record, document in documents:
            builder.add(flatten_document(document), record.location)
            counters.records_evaluated += 1
        events = builder.build()
        if events.rows == 0:
            return SourceFile(path, digest, size, False, None, {}, counters, diagnostics)
        table = events.table.drop_columns([ROW_COLUMN])
        table = table.append_column(
            ORIGIN_COLUMN, pa.array([loc.path for loc in events.locations], type=pa.string())
        )
        table = table.append_column(
            LINE_COLUMN, pa.array([loc.line for loc in events.locations], type=pa.int64())
        )
        table = table.append_column(
            RECORD_COLUMN, pa.array([loc.record for loc in events.locations], type=pa.int64())
        )
        schema = dict(events.schema)
        return SourceFile(path, digest, size, False, table, schema, counters, diagnostics)


def read_source_files(
    files: Sequence[Path], spec: ReadSpec, options: NormalizeOptions, jobs: int | None
) -> Iterator[SourceFile]:
    """Every file read, in order, in worker processes as `scan` decides (`map_files`)."""
    return map_files(files, jobs, FileReader, spec, lambda: FileReader(spec, options))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
