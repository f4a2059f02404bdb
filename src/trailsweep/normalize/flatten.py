"""Nested ECS documents → the flat, dotted field names ES|QL reads."""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

from trailsweep.normalize.javamap import java_double

# `aws.cloudtrail.flattened.*` is of type `flattened`, which ES|QL reports as unsupported: no
# query can read it, so the flat form leaves it out rather than invent a column ES lacks.
_UNREADABLE = "aws.cloudtrail.flattened"
_UNREADABLE_PREFIX = _UNREADABLE + "."
# `*.geo.location` is a `geo_point` (ECS; `source.geo.location` in the CloudTrail mapping), one
# value that ES|QL returns as WKT, longitude first: `POINT (15.6167 58.4167)`. It has no
# `.lat`/`.lon` subfields to read.
_GEO_POINT_SUFFIX = "geo.location"


class FieldSelection:
    """Which fields a flatten keeps: named fields and fields matching `*` patterns. Flattening
    skips every subtree that cannot hold one (decisions are cached per path)."""

    def __init__(self, fields: Iterable[str], patterns: Iterable[str] = ()) -> None:
        self._fields = frozenset(fields)
        self._prefixes = frozenset(
            field[:index] for field in self._fields for index in _dots(field)
        )
        self._patterns = tuple(patterns)
        # The literal start of each pattern: a path on the way to it, or below it, may match.
        self._pattern_heads = tuple(pattern.split("*", 1)[0] for pattern in self._patterns)
        self._enters: dict[str, bool] = {}
        self._keeps: dict[str, bool] = {}
        self._children: dict[str, dict[str, tuple[str, bool] | None]] = {}

    def enters(self, path: str) -> bool:
        """True when the object at `path` may hold a wanted field."""
        decision = self._enters.get(path)
        if decision is None:
            decision = (
                path in self._prefixes
                or path in self._fields
                or any(
                    head.startswith(path + ".") or path.startswith(head) or head == ""
                    for head in self._pattern_heads
                )
            )
            self._enters[path] = decision
        return decision

    def keeps(self, path: str) -> bool:
        """True when the field at `path` is wanted."""
        decision = self._keeps.get(path)
        if decision is None:
            decision = path in self._fields or any(
                fnmatch.fnmatchcase(path, pattern) for pattern in self._patterns
            )
            self._keeps[path] = decision
        return decision

    def children(self, prefix: str) -> dict[str, tuple[str, bool] | None]:
        """The decisions for the keys of an object at `prefix` (`""`, or a path and a dot),
        filled by `child` as keys are met: one dict lookup per key of every document."""
        table = self._children.get(prefix)
        if table is None:
            table = self._children[prefix] = {}
        return table

    def child(self, prefix: str, key: str) -> tuple[str, bool] | None:
        """Key `key` under `prefix`: its path and whether a value there is kept, or None when
        flattening skips it (nothing wanted there, or a field ES|QL cannot read)."""
        table = self.children(prefix)
        if key not in table:
            path = f"{prefix}{key}"
            table[key] = (path, self.keeps(path)) if _readable(path) and self.enters(path) else None
        return table[key]


def _readable(path: str) -> bool:
    return not path.startswith(_UNREADABLE) or not (
        path == _UNREADABLE or path.startswith(_UNREADABLE_PREFIX)
    )


def _dots(field: str) -> list[int]:
    return [index for index, char in enumerate(field) if char == "."]


def flatten_document(
    doc: Mapping[str, Any], selection: FieldSelection | None = None
) -> dict[str, Any]:
    """Flatten `doc` the way ES|QL sees its fields.

    Objects recurse into dotted names (keys that already hold dots join naturally); every leaf
    under an array becomes multi-valued (a list, nulls dropped), so
    `aws.cloudtrail.resources.arn` lists every resource's ARN; arrays of scalars stay lists.
    A multi-value comes in the order ES|QL reads it from doc values, not the document's: sorted,
    and for keywords (and `ip` fields) without repeats; see `doc_values_order`.
    A `geo.location` object (`{"lat", "lon"}`) is one `geo_point` value, in ES|QL's WKT.

    >>> flatten_document({"event": {"action": "A"}, "aws.cloudtrail": {"resources": [
    ...     {"arn": "x", "type": "U"}, {"type": "T"}, {"type": "U"}]}})
    {'event.action': 'A', 'aws.cloudtrail.resources.arn': ['x'], \
'aws.cloudtrail.resources.type': ['T', 'U']}
    """
    flat: dict[str, Any] = {}
    _walk_object(flat, "", doc, False, selection)
    for path, value in flat.items():
        if type(value) is list and len(value) > 1:
            flat[path] = doc_values_order(path, value)
    return flat


def doc_values_order(path: str, values: list[Any]) -> list[Any]:
    """A field's values as ES|QL returns them: it reads them from doc values, which hold a
    keyword's (or an `ip`'s) values as a sorted set and numbers and booleans sorted with
    repeats; `_source` order is lost. `ip` fields (`*.ip`) sort by address, IPv4 as IPv4-mapped
    IPv6 (ES's 16-byte encoding). Values of mixed kinds are left as they are.

    >>> doc_values_order("event.type", ["user", "change", "user"])
    ['change', 'user']
    >>> doc_values_order("related.ip", ["89.160.20.156", "2001:db8::1", "10.0.0.2"])
    ['10.0.0.2', '89.160.20.156', '2001:db8::1']
    >>> doc_values_order("x.count", [3, 1, 3])
    [1, 3, 3]
    """
    kinds = {type(value) for value in values}
    if kinds == {str}:
        unique = set(values)
        if path == "ip" or path.endswith(".ip"):
            try:
                return sorted(unique, key=_ip_sort_key)
            except ValueError:
                pass
        return sorted(unique)
    if kinds <= {int, float} or kinds == {bool}:
        return sorted(values)
    return values


def _ip_sort_key(text: str) -> bytes:
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv4Address):
        return b"\x00" * 10 + b"\xff\xff" + address.packed
    return address.packed


def _walk_object(
    flat: dict[str, Any],
    prefix: str,
    obj: Mapping[str, Any],
    multi: bool,
    selection: FieldSelection | None,
) -> None:
    if selection is not None:
        _walk_selected(flat, prefix, obj, multi, selection)
        return
    for key, value in obj.items():
        path = f"{prefix}{key}"
        if path.startswith(_UNREADABLE) and (
            path == _UNREADABLE or path.startswith(_UNREADABLE_PREFIX)
        ):
            continue
        _walk_value(flat, path, value, multi, selection)


# Stands for a key not decided yet (compared by identity).
_UNSEEN: tuple[str, bool] = ("", False)


def _walk_selected(
    flat: dict[str, Any],
    prefix: str,
    obj: Mapping[str, Any],
    multi: bool,
    selection: FieldSelection,
) -> None:
    # `_walk_object` with a selection: each key's decision is one lookup in a table per prefix
    # (most keys of a document are skipped), and scalars are added without another call.
    table = selection.children(prefix)
    for key, value in obj.items():
        decision = table.get(key, _UNSEEN)
        if decision is _UNSEEN:
            decision = selection.child(prefix, key)
        if decision is None:
            continue
        path, kept = decision
        kind = type(value)
        if kind is str or kind is int or kind is float or kind is bool:
            if kept:
                _add(flat, path, value, multi)
        else:
            _walk_value(flat, path, value, multi, selection)


def _walk_value(
    flat: dict[str, Any], path: str, value: Any, multi: bool, selection: FieldSelection | None
) -> None:
    # Exact type checks first: this runs for every field of every event, and ABC checks
    # (Mapping) cost more than the rest of the walk.
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool:
        if selection is None or selection.keeps(path):
            _add(flat, path, value, multi)
    elif kind is dict:
        point = _geo_point(path, value)
        if point is not None:
            if selection is None or selection.keeps(path):
                _add(flat, path, point, multi)
        else:
            _walk_object(flat, f"{path}.", value, multi, selection)
    elif kind is list or kind is tuple:
        for item in value:
            _walk_value(flat, path, item, True, selection)
    elif value is None:
        return
    elif isinstance(value, Mapping):
        _walk_object(flat, f"{path}.", value, multi, selection)
    elif selection is None or selection.keeps(path):
        _add(flat, path, value, multi)


def _geo_point(path: str, value: dict[str, Any]) -> str | None:
    """The WKT of a `{"lat": ..., "lon": ...}` geo_point object, else None.

    >>> _geo_point("source.geo.location", {"lat": 58.4167, "lon": 15.6167})
    'POINT (15.6167 58.4167)'
    """
    if not path.endswith(_GEO_POINT_SUFFIX) or (
        path != _GEO_POINT_SUFFIX and not path.endswith("." + _GEO_POINT_SUFFIX)
    ):
        return None
    lat, lon = value.get("lat"), value.get("lon")
    if len(value) != 2 or not _is_number(lat) or not _is_number(lon):
        return None
    # Elasticsearch writes WKT coordinates with Java's Double.toString.
    return f"POINT ({java_double(float(lon))} {java_double(float(lat))})"


def _is_number(value: Any) -> TypeGuard[int | float]:
    return type(value) is float or type(value) is int


def _add(flat: dict[str, Any], path: str, value: Any, multi: bool) -> None:
    current = flat.get(path)
    if current is None:
        flat[path] = [value] if multi else value
    elif isinstance(current, list):
        # Every list in `flat` was made here, so appending never touches the input document.
        current.append(value)
    else:
        flat[path] = [current, value]
