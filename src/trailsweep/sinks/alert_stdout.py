"""Standard output sink: watch alert events as NDJSON lines, flushed per batch, for a pipe."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import IO

from trailsweep.sinks.alert_events import AlertEvent, Report, encodable_lines


def _to_stderr(level: str, message: str) -> None:
    print(f"trailsweep: {level}: {message}", file=sys.stderr, flush=True)


class AlertStdoutSink:
    """Writes each event's document as one NDJSON line to `stream` (standard output's bytes by
    default) and flushes after each batch. It cannot tell what a reader already got, so the
    watcher's cursor alone decides what is written again after a restart."""

    def __init__(self, stream: IO[bytes] | None = None, *, report: Report | None = None) -> None:
        self.name = "stdout"
        self._stream = stream if stream is not None else sys.stdout.buffer
        self._report = report if report is not None else _to_stderr

    def recovered_through(self) -> int | None:
        """Always None: a stream keeps no record of what was read from it."""
        return None

    def deliver(self, events: Sequence[AlertEvent]) -> int:
        """Writes the events' lines and flushes; returns how many. A document that cannot be JSON
        stops the batch before it. A failed write or flush (a closed pipe) returns 0: part of the
        batch may have gone out, and it is written again (at-least-once)."""
        written = 0
        try:
            for line in encodable_lines(events, self.name, self._report):
                self._stream.write(line)
                written += 1
            self._stream.flush()
        except (OSError, ValueError) as error:
            # A buffered stream may hold part of the batch: count only what certainly went out.
            self._report("error", f"{self.name}: write failed: {error}")
            return 0
        return written

    def close(self) -> None:
        """Flushes; standard output itself stays open for the rest of the process."""
        try:
            self._stream.flush()
        except (OSError, ValueError):
            pass
