"""Elasticsearch `_bulk` sink: an action line and the alert document per alert (NDJSON).

Each action is `create` with the alert's stable uuid as `_id`: sending the same alerts twice (an
overlapping re-scan) is refused per document by Elasticsearch (409 version conflict) instead of
duplicating them. `create` is also the only action a data stream accepts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from trailsweep.alerts import Alert, alert_document

DEFAULT_INDEX = ".alerts-security.alerts-trailsweep"


def bulk_lines(alerts: Iterable[Alert], index: str = DEFAULT_INDEX) -> Iterator[dict[str, Any]]:
    """Action, document, action, document ... for these alerts."""
    for alert in alerts:
        yield {"create": {"_index": index, "_id": alert.uuid}}
        document = alert_document(alert)
        moment = _alert_time(document)
        if "@timestamp" not in document and moment is not None:
            # Elasticsearch's alert indices and data streams are keyed on @timestamp: the
            # alert's is its window (or last event), never the clock, so re-sending matches.
            document["@timestamp"] = moment
        yield document


def write_bulk(alerts: Iterable[Alert], stream: IO[bytes], index: str = DEFAULT_INDEX) -> int:
    """Write the `_bulk` body for these alerts; returns how many alerts."""
    count = 0
    for line in bulk_lines(alerts, index):
        stream.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
        count += 1
    return count // 2


def _alert_time(document: dict[str, Any]) -> Any:
    window = document.get("Esql.time_window_date_trunc")
    if window is not None:
        return window
    times = document.get("Esql.timestamp_values")
    if isinstance(times, list) and times:
        return max(times)
    return times
