"""Watched sources: where `trailsweep watch` polls for newly delivered CloudTrail files.

A local folder (`FolderSource`), an S3 bucket prefix (`S3Source`) or an SQS queue of S3
notifications (`SqsSource`), all behind the `WatchSource` protocol (see `model` for the
contract between a source and the watcher); `open_watch_source` picks one from the SOURCE
argument.
"""

from __future__ import annotations

from trailsweep.sources.watch.folder import FolderSource
from trailsweep.sources.watch.model import (
    DeliveredObject,
    KnownCheck,
    MissingObjectError,
    Poll,
    Report,
    SourceError,
    WatchSource,
)
from trailsweep.sources.watch.opening import open_watch_source
from trailsweep.sources.watch.s3 import S3Source
from trailsweep.sources.watch.sqs import SqsSource

__all__ = [
    "DeliveredObject",
    "FolderSource",
    "KnownCheck",
    "MissingObjectError",
    "Poll",
    "Report",
    "S3Source",
    "SourceError",
    "SqsSource",
    "WatchSource",
    "open_watch_source",
]
