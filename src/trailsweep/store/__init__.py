"""The event store: normalized events kept as Parquet by day, ingested once, scanned often.

`EventStore(path).ingest(paths)` appends the events of files it does not hold yet (known by
content hash); `scan_store(path, rules)` runs rules over a time range of it and gives the alerts
a direct scan of the same files gives; `EventStore.relation` reads a time range for other uses.
"""

from __future__ import annotations

from trailsweep.store.catalogue import Catalogue, Part, SourceEntry, StoreError
from trailsweep.store.events import TimeRange
from trailsweep.store.ingest import IngestOptions, IngestReport
from trailsweep.store.scan import scan_store
from trailsweep.store.store import EventStore
from trailsweep.store.writer import LayoutOptions

__all__ = [
    "Catalogue",
    "EventStore",
    "IngestOptions",
    "IngestReport",
    "LayoutOptions",
    "Part",
    "SourceEntry",
    "StoreError",
    "TimeRange",
    "scan_store",
]
