"""Alert file sink: watch alert events appended to an NDJSON file, fsync'd per batch.

The file is the sink's own proof of delivery. A process killed mid-write can leave a torn last
line; before it reports what it holds and before its first append, the sink repairs the tail: a
torn line is cut back to the end of the last complete line (a torn line that is nevertheless a
whole JSON object only lacks its newline, and gets it). Complete lines are never cut. Each line
carries its event's sequence in `trailsweep.watch.sequence` (set by the sink when the document
lacks it), and the last complete line's is what the file holds through.

One writer per file: two watchers appending to the same file would interleave batches.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import orjson

from trailsweep.sinks.alert_events import AlertEvent, Report, encodable_lines, watch_integer

BLOCK = 1 << 16
"""Bytes read per step when scanning the file's tail backwards."""
MAX_MENDED_LINE = 1 << 24
"""A torn tail longer than this is cut without trying whether it is a whole JSON object."""
_BLANK = b" \t\r\n"


class AlertFileSink:
    """Appends each event's document as one NDJSON line to `path` (parents created; never
    truncating complete lines), flushing and fsyncing after each batch."""

    def __init__(self, path: Path, report: Report) -> None:
        self.path = Path(os.path.abspath(path))
        self.name = f"file:{self.path}"
        self._report = report
        self._fd: int | None = None
        self._held: int | None = None

    def recovered_through(self) -> int | None:
        """Repairs a torn tail, then returns the `trailsweep.watch.sequence` of the last complete
        line; None when the file is missing or empty, or that line has no sequence."""
        self._held = self._recover()
        return self._held

    def deliver(self, events: Sequence[AlertEvent]) -> int:
        """Appends the events' lines, then flushes and fsyncs; returns how many are on disk."""
        if not events:
            return 0
        lines = encodable_lines(events, self.name, self._report)
        if not lines:
            return 0
        try:
            fd = self._open()
        except OSError as error:
            self._report("error", f"{self.name}: cannot append: {error}")
            return 0
        if self._held is not None and events[0].sequence <= self._held:
            self._report(
                "warning",
                f"{self.name}: writing sequence {events[0].sequence} again: the file already "
                f"holds through {self._held} (a re-delivery after a crash, or a file of another "
                "watcher state)",
            )
        written = self._append(fd, lines)
        if written:
            self._held = events[written - 1].sequence
        return written

    def close(self) -> None:
        """Closes the file (each batch is already on disk)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def _open(self) -> int:
        if self._fd is None:
            self._held = self._recover()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
            self._fd = os.open(self.path, flags, 0o666)
            if created:
                _sync_directory(self.path.parent)
        return self._fd

    def _append(self, fd: int, lines: list[bytes]) -> int:
        """Writes the lines; on a failure cuts a partly written line so the file stays whole.
        Returns how many lines are written and fsync'd."""
        start = os.fstat(fd).st_size
        data = memoryview(b"".join(lines))
        done = 0
        try:
            while done < len(data):
                done += os.write(fd, data[done:])
        except OSError as error:
            whole, end = _whole_lines(lines, done)
            self._report(
                "error",
                f"{self.name}: write failed after {whole} of {len(lines)} alert(s): {error}",
            )
            if not self._cut(fd, start + end):
                return 0
            lines = lines[:whole]
        try:
            os.fsync(fd)
        except OSError as error:
            # After a failed fsync the kernel may have dropped the pages: nothing of this batch
            # is proven on disk. Cut it so that the re-delivery does not duplicate it.
            self._report("error", f"{self.name}: fsync failed, the batch is retried: {error}")
            self._cut(fd, start)
            self.close()
            return 0
        return len(lines)

    def _cut(self, fd: int, size: int) -> bool:
        try:
            os.ftruncate(fd, size)
        except OSError as error:
            self._report("error", f"{self.name}: cannot cut back to {size} bytes: {error}")
            self.close()
            return False
        return True

    def _recover(self) -> int | None:
        try:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size == 0:
                    return None
                handle.seek(size - 1)
                if handle.read(1) != b"\n":
                    size = self._mend_tail(handle, size)
                return self._last_sequence(handle, size)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            self._report("error", f"{self.name}: cannot read the file's tail: {error}")
            return None

    def _mend_tail(self, handle: IO[bytes], size: int) -> int:
        """Cuts (or completes) a last line without its newline; returns the new size."""
        line_start = _last_newline(handle, size) + 1
        torn = size - line_start
        if torn <= MAX_MENDED_LINE:
            handle.seek(line_start)
            if _is_object(handle.read(torn)):
                with open(self.path, "ab") as appender:
                    appender.write(b"\n")
                    appender.flush()
                    os.fsync(appender.fileno())
                self._report("warning", f"{self.name}: the last line lacked its newline; added it")
                return size + 1
        with open(self.path, "r+b") as cutter:
            cutter.truncate(line_start)
            cutter.flush()
            os.fsync(cutter.fileno())
        self._report(
            "warning",
            f"{self.name}: cut {torn} byte(s) of a torn last line (an interrupted write); "
            "its alert is delivered again",
        )
        return line_start

    def _last_sequence(self, handle: IO[bytes], size: int) -> int | None:
        line_end = _content_end(handle, size)
        if line_end == 0:
            return None
        line_start = _last_newline(handle, line_end) + 1
        handle.seek(line_start)
        line = handle.read(line_end - line_start)
        try:
            document = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            self._report(
                "warning",
                f"{self.name}: the last line is not JSON ({error}); cannot tell what it holds",
            )
            return None
        return watch_integer(document, "sequence") if isinstance(document, dict) else None


def _last_newline(handle: IO[bytes], end: int) -> int:
    """Offset of the last newline before `end`, reading backwards in blocks; -1 when none."""
    position = end
    while position > 0:
        start = max(0, position - BLOCK)
        handle.seek(start)
        found = handle.read(position - start).rfind(b"\n")
        if found >= 0:
            return start + found
        position = start
    return -1


def _content_end(handle: IO[bytes], end: int) -> int:
    """Where the content before `end` stops once trailing blank lines and spaces are left out,
    reading backwards in blocks; 0 when there is none."""
    position = end
    while position > 0:
        start = max(0, position - BLOCK)
        handle.seek(start)
        kept = len(handle.read(position - start).rstrip(_BLANK))
        if kept:
            return start + kept
        position = start
    return 0


def _whole_lines(lines: list[bytes], written: int) -> tuple[int, int]:
    """How many lines fit whole in the first `written` bytes, and where the last of them ends."""
    count = end = 0
    for line in lines:
        if end + len(line) > written:
            break
        count, end = count + 1, end + len(line)
    return count, end


def _is_object(data: bytes) -> bool:
    try:
        return isinstance(orjson.loads(data), dict)
    except orjson.JSONDecodeError:
        return False


def _sync_directory(directory: Path) -> None:
    """Makes a new file's directory entry durable (POSIX; a no-op where directories cannot be
    opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
