"""Sources: where records come from (files and folders now; S3 and queues later)."""

from __future__ import annotations

from trailsweep.sources.classify import is_ecs_document
from trailsweep.sources.files import discover, read_file, read_paths
from trailsweep.sources.records import Rejection, SkippedFile, SourceItem, SourceRecord

__all__ = [
    "Rejection",
    "SkippedFile",
    "SourceItem",
    "SourceRecord",
    "discover",
    "is_ecs_document",
    "read_file",
    "read_paths",
]
