"""The file source: walks paths, detects each file's format, and yields its records."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, cast

import orjson
from isal import isal_zlib

from trailsweep.errors import Location
from trailsweep.sources.classify import classify_record, items_from_document, strip_line_prefix
from trailsweep.sources.decompress import open_binary
from trailsweep.sources.lazy import RecordGate, gated_items
from trailsweep.sources.records import Rejection, SkippedFile, SourceItem

PEEK_BYTES = 1 << 16
DIGEST_DIR = "CloudTrail-Digest"
BOM = b"\xef\xbb\xbf"
# Folder walks skip documentation and tooling files that sit beside logs in dataset folders;
# a file named explicitly on the command line is always read.
NOT_LOG_SUFFIXES = frozenset(
    {".md", ".rst", ".yml", ".yaml", ".toml", ".py", ".mmdb", ".html", ".csv", ".cfg", ".ini"}
)
NOT_LOG_STEMS = ("license", "readme", "notice", "provenance", "copying", "authors")
# isal raises its own error (not an OSError) on corrupt deflate data.
IsalError = cast(type[Exception], isal_zlib.error)  # its stubs call it an instance
_READ_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    zlib.error,
    gzip.BadGzipFile,
    IsalError,
)


def discover(paths: Iterable[Path]) -> Iterator[Path | Rejection | SkippedFile]:
    """Every file under the given files and folders (recursively, in a stable order)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield SkippedFile(str(child), "hidden file")
                elif looks_like_documentation(child):
                    yield SkippedFile(str(child), "not a log file (documentation or config)")
                else:
                    yield child
        elif path.is_file():
            yield path
        elif path.exists():
            yield Rejection(Location(str(path)), "not a regular file or folder", records=0)
        else:
            yield Rejection(Location(str(path)), "no such file or folder", records=0)


def looks_like_documentation(path: Path) -> bool:
    """True for files that sit beside logs in dataset folders (README, LICENSE, .md, .toml ...)."""
    name = path.name.lower()
    return path.suffix.lower() in NOT_LOG_SUFFIXES or name.startswith(NOT_LOG_STEMS)


def read_paths(paths: Iterable[Path]) -> Iterator[SourceItem]:
    """Records from every file under the given paths; bad input becomes Rejection items."""
    for found in discover(paths):
        if isinstance(found, Path):
            yield from read_file(found)
        else:
            yield found


def read_file(path: Path, gate: RecordGate | None = None) -> Iterator[SourceItem]:
    """Records of one file, in any of the supported formats (see the README's input list).

    With a gate, the records of a delivery document that no rule can want are only screened
    and counted (`PassedOver`), not built (see `sources.lazy`)."""
    name = str(path)
    if DIGEST_DIR in path.parts:
        yield SkippedFile(name, "CloudTrail digest file")
        return
    try:
        handle = open_binary(path)
    except OSError as exc:
        yield Rejection(Location(name), f"cannot open: {exc.strerror or exc}", records=0)
        return
    with handle:
        try:
            head = handle.read(PEEK_BYTES)
        except _READ_ERRORS as exc:
            yield Rejection(Location(name), _read_failure(exc), records=0)
            return
        head = head.removeprefix(BOM)
        start = head.lstrip(b" \t\r\n")
        if not start:
            yield Rejection(Location(name), "empty file", records=0)
            return
        if _is_line_delimited(start):
            yield from _read_lines(handle, head, name)
        else:
            yield from _read_document(handle, head, name, gate)


def _is_line_delimited(start: bytes) -> bool:
    raw_line, newline, rest = start.partition(b"\n")
    raw_line = raw_line.strip()
    first_line = strip_line_prefix(raw_line)
    if first_line is not raw_line:
        return True  # a CloudWatch Logs export: every line is "<timestamp> <record>"
    if not newline or not rest.strip() or not first_line.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(first_line), dict)
    except orjson.JSONDecodeError:
        return False


def _read_document(
    handle: IO[bytes], head: bytes, name: str, gate: RecordGate | None
) -> Iterator[SourceItem]:
    try:
        content = head + handle.read()
    except _READ_ERRORS as exc:
        yield Rejection(Location(name), _read_failure(exc), records=0)
        return
    if gate is not None:
        items = gated_items(content, name, gate)
        if items is not None:
            yield from items
            return
    try:
        document = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        location = Location(name, line=exc.lineno, column=exc.colno)
        yield Rejection(location, f"invalid JSON: {exc.msg}", records=0)
        return
    yield from items_from_document(document, name)


def _read_lines(handle: IO[bytes], head: bytes, name: str) -> Iterator[SourceItem]:
    lines = _iter_lines(handle, head)
    line_number = 0
    try:
        for line_number, line in enumerate(lines, start=1):
            text = strip_line_prefix(line.strip())
            if not text:
                continue
            location = Location(name, line=line_number)
            try:
                value = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                yield Rejection(location, f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            yield classify_record(value, location)
    except _READ_ERRORS as exc:
        location = Location(name, line=line_number + 1)
        yield Rejection(location, f"{_read_failure(exc)}; the rest of the file is lost", records=0)


def _iter_lines(handle: IO[bytes], head: bytes) -> Iterator[bytes]:
    pending = head
    while True:
        *complete, pending = pending.split(b"\n")
        yield from complete
        chunk = handle.read(PEEK_BYTES)
        if not chunk:
            break
        pending += chunk
    if pending:
        yield pending


def _read_failure(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "truncated gzip stream (the file ends early)"
    if isinstance(exc, gzip.BadGzipFile | zlib.error | IsalError):
        return f"corrupt gzip data: {exc}"
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)
