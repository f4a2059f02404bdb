"""Telling the kinds of JSON apart: CloudTrail wrappers, single records, and ECS documents."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from trailsweep.errors import Location
from trailsweep.sources.records import Rejection, SkippedFile, SourceItem, SourceRecord

CLOUDTRAIL_KEYS = frozenset({"eventVersion", "eventName", "eventSource", "eventTime", "eventID"})
DIGEST_KEYS = frozenset({"digestStartTime", "digestEndTime", "logFiles"})
ECS_TOP_LEVEL = frozenset({"event", "aws", "data_stream", "cloud", "source", "user_agent", "ecs"})
ECS_PREFIXES = tuple(f"{key}." for key in ECS_TOP_LEVEL)
MANIFEST_GENERATOR = "trailsweep.simulate"
_TIMESTAMP_PREFIX = re.compile(rb"^\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)? +(?=\{)")


def is_ecs_document(obj: Mapping[str, Any]) -> bool:
    """True for a document already in ECS form (an Elastic export), not a raw CloudTrail record."""
    if not CLOUDTRAIL_KEYS.isdisjoint(obj):
        return False
    if "@timestamp" not in obj:
        return False
    return any(key in ECS_TOP_LEVEL or key.startswith(ECS_PREFIXES) for key in obj)


def strip_line_prefix(line: bytes) -> bytes:
    """Drop the `<ISO timestamp> ` prefix CloudWatch Logs exports put before each message."""
    match = _TIMESTAMP_PREFIX.match(line)
    return line[match.end() :] if match else line


def classify_record(value: Any, location: Location) -> SourceItem:
    """Turn one JSON value that should be a record into a SourceRecord or a Rejection."""
    if not isinstance(value, dict):
        return Rejection(location, f"record is a JSON {_json_kind(value)}, not an object")
    if type(value.get("eventName")) is str:
        # CloudTrail's own key, at the top: a CloudTrail record whatever else it holds (no
        # wrapper format puts it there).
        return SourceRecord(value, "cloudtrail", location)
    if "_source" in value and isinstance(value["_source"], dict):
        return SourceRecord(value["_source"], "ecs", location)
    if value.get("detail-type") == "AWS API Call via CloudTrail" and isinstance(
        value.get("detail"), dict
    ):
        return SourceRecord(value["detail"], "cloudtrail", location)
    embedded = value.get("CloudTrailEvent")
    if embedded is None and CLOUDTRAIL_KEYS.isdisjoint(value):
        embedded = value.get("message")
    if isinstance(embedded, str):
        try:
            inner = orjson.loads(embedded)
        except orjson.JSONDecodeError as exc:
            return Rejection(location, f"embedded CloudTrail event is not valid JSON: {exc}")
        return classify_record(inner, location)
    if is_ecs_document(value):
        return SourceRecord(value, "ecs", location)
    if CLOUDTRAIL_KEYS.isdisjoint(value):
        keys = ", ".join(sorted(value)[:6]) or "none"
        return Rejection(location, f"JSON object is not a CloudTrail record (keys: {keys})")
    return SourceRecord(value, "cloudtrail", location)


def items_from_document(document: Any, path: str) -> Iterator[SourceItem]:
    """Every record of a whole-file JSON document, whatever wrapper holds them."""
    if isinstance(document, list):
        yield from _items_from_list(document, path)
        return
    if not isinstance(document, dict):
        yield Rejection(Location(path), f"file holds a JSON {_json_kind(document)}, not records")
        return
    if document.get("generator") == MANIFEST_GENERATOR:
        yield SkippedFile(path, "trailsweep simulator manifest, not CloudTrail")
        return
    if not DIGEST_KEYS.isdisjoint(document) and "Records" not in document:
        yield SkippedFile(path, "CloudTrail digest file")
        return
    for wrapper in ("Records", "Events", "events"):
        if wrapper in document:
            records = document[wrapper]
            if not isinstance(records, list):
                reason = f'"{wrapper}" is a JSON {_json_kind(records)}, not a list'
                yield Rejection(Location(path), reason, records=0)
                return
            yield from _items_from_list(records, path)
            return
    hits = document.get("hits")
    if isinstance(hits, dict) and isinstance(hits.get("hits"), list):
        yield from _items_from_list(hits["hits"], path)
        return
    yield classify_record(document, Location(path, record=0))


def _items_from_list(values: list[Any], path: str) -> Iterator[SourceItem]:
    for index, value in enumerate(values):
        yield classify_record(value, Location(path, record=index))


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
