"""Nested ECS documents → the flat, dotted field names ES|QL reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# `aws.cloudtrail.flattened.*` is of type `flattened`, which ES|QL reports as unsupported: no
# query can read it, so the flat form leaves it out rather than invent a column ES lacks.
_UNREADABLE = "aws.cloudtrail.flattened"
_UNREADABLE_PREFIX = _UNREADABLE + "."


def flatten_document(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten `doc` the way ES|QL sees its fields.

    Objects recurse into dotted names (keys that already hold dots join naturally); every leaf
    under an array becomes multi-valued (a list, in document order, nulls dropped), so
    `aws.cloudtrail.resources.arn` lists every resource's ARN; arrays of scalars stay lists.

    >>> flatten_document({"event": {"action": "A"}, "aws.cloudtrail": {"resources": [
    ...     {"arn": "x", "type": "T"}, {"type": "U"}]}})
    {'event.action': 'A', 'aws.cloudtrail.resources.arn': ['x'], \
'aws.cloudtrail.resources.type': ['T', 'U']}
    """
    flat: dict[str, Any] = {}
    _walk_object(flat, "", doc, False)
    return flat


def _walk_object(flat: dict[str, Any], prefix: str, obj: Mapping[str, Any], multi: bool) -> None:
    for key, value in obj.items():
        path = f"{prefix}{key}"
        if path.startswith(_UNREADABLE) and (
            path == _UNREADABLE or path.startswith(_UNREADABLE_PREFIX)
        ):
            continue
        _walk_value(flat, path, value, multi)


def _walk_value(flat: dict[str, Any], path: str, value: Any, multi: bool) -> None:
    # Exact type checks first: this runs for every field of every event, and ABC checks
    # (Mapping) cost more than the rest of the walk.
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool:
        _add(flat, path, value, multi)
    elif kind is dict:
        _walk_object(flat, f"{path}.", value, multi)
    elif kind is list or kind is tuple:
        for item in value:
            _walk_value(flat, path, item, True)
    elif value is None:
        return
    elif isinstance(value, Mapping):
        _walk_object(flat, f"{path}.", value, multi)
    else:
        _add(flat, path, value, multi)


def _add(flat: dict[str, Any], path: str, value: Any, multi: bool) -> None:
    current = flat.get(path)
    if current is None:
        flat[path] = [value] if multi else value
    elif isinstance(current, list):
        # Every list in `flat` was made here, so appending never touches the input document.
        current.append(value)
    else:
        flat[path] = [current, value]
