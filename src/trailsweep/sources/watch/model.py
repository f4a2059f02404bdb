"""The contract between the `trailsweep watch` loop and the sources it polls.

A watched source is polled over and over. Each poll hands back the log files delivered since
the last one (`Poll.objects`, oldest first, at most `limit`) and an opaque `cursor`, the
source's position once all of them are processed. The watcher fetches each object to a local
file, scans it, and then durably commits the objects' identities (`DeliveredObject.key`)
together with the cursor; only then does it `acknowledge` them, which is the moment a queue
may forget its messages. A crash anywhere before that commit replays the same objects, so
every object is delivered at least once; the watcher's `is_known` check keeps that from
scanning a file twice.

SourceError                  a source that cannot be used (no such bucket or queue, a bad URL,
│                            access denied, an unreachable endpoint); names the source
└── MissingObjectError       one object that a poll reported is gone by the time it is fetched
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from trailsweep.errors import TrailsweepError

Report = Callable[[str, str], None]
"""Receives (level, message) for a problem a source meets while polling: level is "error" or
"warning" (the same shape as `trailsweep.reading.Diagnostic`)."""

KnownCheck = Callable[[str], bool]
"""Answers whether an object key was already processed (committed by the watcher)."""


class SourceError(TrailsweepError):
    """A watched source that cannot be used; the message names the source and the reason."""


class MissingObjectError(SourceError):
    """An object a poll reported no longer exists when it is fetched (deleted or expired)."""


@dataclass(frozen=True)
class DeliveredObject:
    """One log file a watched source delivered."""

    key: str
    """Stable identity: a folder source's posix path relative to the folder; for S3 and SQS
    sources `s3://bucket/key`."""
    version: str
    """Folder: `{size}:{mtime_ns}`; S3 and SQS: the ETag without quotes."""
    size: int
    display: str
    """What evidence and diagnostics show: the file's path, or `s3://bucket/key`."""
    handle: str | None = None
    """SQS: the receipt handle of the message that announced the object; else None."""


@dataclass(frozen=True)
class Poll:
    """What one poll found."""

    objects: tuple[DeliveredObject, ...]
    """New objects (not known), ready to read, oldest delivery first, at most `limit`."""
    cursor: str | None
    """The source's position once all `objects` are processed: the watcher persists it with
    them and hands it back to the next poll. None: the source needs no position."""
    backlog: int | None
    """How many more new objects wait beyond `limit` (None: the source cannot tell)."""
    known: tuple[DeliveredObject, ...] = ()
    """Objects polled that were already processed (queue duplicates): acknowledge at once."""


class WatchSource(Protocol):
    """A place that keeps delivering CloudTrail log files: a folder, an S3 prefix, a queue."""

    description: str
    """How messages name the source: `folder /x/y`, `s3://bucket/prefix`, `sqs https://...`."""

    def poll(self, cursor: str | None, is_known: KnownCheck, limit: int) -> Poll:
        """The objects delivered since `cursor` that `is_known` does not know (at most
        `limit`); raises SourceError when the source cannot be read."""
        ...

    def fetch(self, obj: DeliveredObject, scratch: Path) -> Path:
        """A local file holding the object's bytes. Downloads go into `scratch` (a directory
        the watcher owns) under a name that is not derived from the key."""
        ...

    def discard(self, path: Path) -> None:
        """The watcher is done with a fetched file: downloads are deleted, originals kept."""
        ...

    def acknowledge(self, objects: Sequence[DeliveredObject]) -> None:
        """The watcher durably committed these objects: a queue may now forget them."""
        ...

    def close(self) -> None:
        """Release connections and anything still held (unacknowledged queue messages)."""
        ...
