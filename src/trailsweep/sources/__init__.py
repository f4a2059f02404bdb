"""Sources: where records come from (files and folders now; S3 and queues later)."""

from __future__ import annotations

from trailsweep.sources.classify import is_ecs_document
from trailsweep.sources.files import discover, read_file, read_paths
from trailsweep.sources.lazy import RecordGate, lazy_available
from trailsweep.sources.records import (
    PassedOver,
    Rejection,
    SkippedFile,
    SourceItem,
    SourceRecord,
)

__all__ = [
    "PassedOver",
    "RecordGate",
    "Rejection",
    "SkippedFile",
    "SourceItem",
    "SourceRecord",
    "discover",
    "is_ecs_document",
    "lazy_available",
    "read_file",
    "read_paths",
]
