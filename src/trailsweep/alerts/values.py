"""Rendering engine values as ES|QL's JSON does: ISO dates, and a one-value list as a scalar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def format_timestamp(value: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, as Elasticsearch prints dates."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def json_value(value: Any) -> Any:
    """An engine value as ES|QL would return it in JSON."""
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        items = [json_value(item) for item in value if item is not None]
        if not items:
            return None
        # ES|QL has no one-element lists: a multi-value of one is a single value.
        return items[0] if len(items) == 1 else items
    return value
