"""Opening input files: plain or gzip (by magic bytes, not by name), decompressed with isal."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from isal import igzip

GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic bytes (the name is not trusted)."""
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, transparently decompressing gzip."""
    if is_gzip(path):
        return igzip.open(path, "rb")  # type: ignore[no-any-return,no-untyped-call]
    return open(path, "rb")


def read_all(path: Path) -> bytes:
    """The whole decompressed content of a file (raises OSError/EOFError/gzip errors)."""
    with open_binary(path) as handle:
        return handle.read()
