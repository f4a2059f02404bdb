"""Input that is already ECS (an Elastic export): recognising it and taking its document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trailsweep.errors import InputError
from trailsweep.sources.classify import is_ecs_document as _is_source_document


def _is_search_hit(obj: Mapping[str, Any]) -> bool:
    return isinstance(obj.get("_source"), Mapping) and ("_index" in obj or "_id" in obj)


def is_ecs_document(obj: Mapping[str, Any]) -> bool:
    """True for a search hit (`_index`/`_id` + `_source`) or a bare ECS `_source` document.

    The bare-document test is the file source's (one definition decides what skips
    normalizing): `@timestamp`, an ECS object such as `event`, `aws` or `data_stream` (nested or
    dotted), and no raw CloudTrail key; Logstash-shipped CloudTrail records also carry
    `@timestamp` but keep `eventName`.

    >>> is_ecs_document({"@timestamp": "2024-01-01T00:00:00.000Z", "event.action": "A"})
    True
    >>> is_ecs_document({"@timestamp": "2024-01-01T00:00:00.000Z", "eventName": "A"})
    False
    """
    return _is_search_hit(obj) or _is_source_document(obj)


def ecs_document_from(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The nested ECS document of an ECS input: a hit's `_source`, or the document itself.

    Dotted keys (`"event.action": ...`, as some exports write them) are nested. Hit metadata
    (`_id`, `_index`) is not carried over; read it from the hit. InputError for anything else.

    >>> ecs_document_from({"_id": "1", "_index": "i", "_source": {"@timestamp": "t",
    ...     "event.action": "A", "event": {"provider": "p"}}})
    {'@timestamp': 't', 'event': {'provider': 'p', 'action': 'A'}}
    """
    source = obj["_source"] if _is_search_hit(obj) else obj
    if not _is_source_document(source):
        raise InputError("not an ECS document: expected @timestamp and event/aws/data_stream")
    return nest_dotted_keys(source)


def nest_dotted_keys(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `doc` with dotted keys turned into nested objects, merged with nested ones.

    A dotted key whose path runs into a non-object value stays as it is (flattening still reads
    it under the same name).

    >>> nest_dotted_keys({"a.b": 1, "a": {"c": 2}, "x": 3, "x.y": 4})
    {'a': {'c': 2, 'b': 1}, 'x': 3, 'x.y': 4}
    """
    nested: dict[str, Any] = {}
    dotted: list[tuple[str, Any]] = []
    for key, value in doc.items():
        if isinstance(key, str) and "." in key and key != "@timestamp":
            dotted.append((key, value))
        else:
            nested[key] = nest_dotted_keys(value) if isinstance(value, Mapping) else value
    for key, value in dotted:
        _merge(nested, key, value)
    return nested


def _merge(nested: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node = nested
    for part in parts[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        elif not isinstance(child, dict):
            nested[key] = value
            return
        node = child
    leaf = parts[-1]
    incoming = nest_dotted_keys(value) if isinstance(value, Mapping) else value
    existing = node.get(leaf)
    if isinstance(existing, dict) and isinstance(incoming, dict):
        for inner_key, inner_value in incoming.items():
            _merge(existing, inner_key, inner_value)
    elif existing is None:
        node[leaf] = incoming
    else:
        nested[key] = value
