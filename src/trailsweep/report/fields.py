"""Reading loosely-typed document values defensively: every part may be absent or odd."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def text(value: object) -> str | None:
    """A value as a string; None for null, empty or structured values."""
    if value is None or isinstance(value, Mapping | list | tuple):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    rendered = str(value)
    return rendered or None


def texts(value: object) -> tuple[str, ...]:
    """A multi-value (ES|QL: one value is a scalar, several a list) as a tuple of strings."""
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(t for t in (text(item) for item in items) if t is not None)


def integer(value: object) -> int | None:
    """A whole number, or None (booleans are not numbers here)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def flag(value: object) -> bool | None:
    """A boolean, or None when it is not one."""
    return value if isinstance(value, bool) else None


def mapping(value: object) -> Mapping[str, Any]:
    """A JSON object, or an empty one."""
    return value if isinstance(value, Mapping) else {}


def records(value: object) -> list[Mapping[str, Any]]:
    """A list of JSON objects (anything else in it is dropped)."""
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def timestamp(value: object) -> datetime | None:
    """An ISO-8601 time as naive UTC, or None when it is not one."""
    raw = text(value)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
