"""NDJSON sink: one JSON object per line (alerts, or ECS documents)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any

import orjson


def write_ndjson(documents: Iterable[Mapping[str, Any]], stream: IO[bytes]) -> int:
    """Write each document as one line of JSON; returns how many were written."""
    count = 0
    for document in documents:
        stream.write(orjson.dumps(document, option=orjson.OPT_APPEND_NEWLINE))
        count += 1
    return count
