"""Progress of a scan, file by file, for whoever wants to show it (the CLI's progress bar)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ScanProgress:
    """How far a scan is: files and bytes done out of the total, records read so far."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    records_read: int


ProgressCallback = Callable[[ScanProgress], None]
"""Receives a `ScanProgress` before the first file and after each file is read."""


class ProgressTracker:
    """Turns "one more file read" into `ScanProgress` calls (does nothing without a callback)."""

    def __init__(self, files: Sequence[Path], callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._sizes = [_size(path) for path in files] if callback is not None else []
        self._total = sum(self._sizes)
        self._done = 0
        self._bytes = 0
        self._emit(0)

    def file_done(self, records_read: int) -> None:
        """One more file is read; `records_read` counts all records so far."""
        if self._callback is None:
            return
        self._bytes += self._sizes[self._done] if self._done < len(self._sizes) else 0
        self._done += 1
        self._emit(records_read)

    def _emit(self, records_read: int) -> None:
        if self._callback is not None:
            self._callback(
                ScanProgress(self._done, len(self._sizes), self._bytes, self._total, records_read)
            )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
