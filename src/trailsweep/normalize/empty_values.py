"""Elastic's early remove-nulls script: what counts as "no value" before any field is mapped."""

from __future__ import annotations

from typing import Any

PLACEHOLDER_STRINGS = frozenset({"", "-", "none"})
"""Strings the script deletes like nulls. CloudTrail writes `"-"` for an unknown source address
and `""` for withheld identity fields; the check is exact (`"None"` stays)."""


def is_empty_scalar(value: Any) -> bool:
    """True for a null or a placeholder string, the scalars the script deletes.

    >>> [is_empty_scalar(v) for v in (None, "", "-", "none", "None", 0, False)]
    [True, True, True, True, False, False, False]
    """
    return value is None or (isinstance(value, str) and value in PLACEHOLDER_STRINGS)


def strip_empty(value: Any) -> Any:
    """A copy of `value` without nulls, placeholder strings, and the maps and lists they empty.

    Returns None when nothing is left. The input is not modified: every map and list in the
    result is new, so the result can go into a document without aliasing the record.

    >>> strip_empty({"arn": "", "type": "IAMUser", "ctx": {"a": None, "b": ["-"]}, "n": 0})
    {'type': 'IAMUser', 'n': 0}
    """
    if isinstance(value, dict):
        return _strip_dict(value)
    if isinstance(value, list):
        return _strip_list(value)
    if is_empty_scalar(value):
        return None
    return value


def strip_keys(record: dict[Any, Any], keys: frozenset[str]) -> dict[Any, Any]:
    """`strip_empty(record)` restricted to the top-level `keys` (an empty dict when nothing is
    left): what a reader of only those keys sees, without stripping the rest of the record.

    >>> strip_keys({"a": "-", "b": {"c": None, "d": 1}, "e": {"f": 2}}, frozenset({"a", "b"}))
    {'b': {'d': 1}}
    """
    kept: dict[Any, Any] = {}
    for key, item in record.items():
        if key not in keys:
            continue
        if type(item) is str:
            if len(item) > 4 or item not in PLACEHOLDER_STRINGS:
                kept[key] = item
        else:
            stripped = strip_empty(item)
            if stripped is not None:
                kept[key] = stripped
    return kept


# The helpers test scalars inline: this runs over every value of every record, and a call
# per scalar would double the cost of the whole walk.
def _strip_dict(value: dict[Any, Any]) -> dict[Any, Any] | None:
    kept: dict[Any, Any] = {}
    for key, item in value.items():
        kind = type(item)
        if kind is str:
            if len(item) > 4 or item not in PLACEHOLDER_STRINGS:
                kept[key] = item
        elif kind is dict:
            stripped = _strip_dict(item)
            if stripped is not None:
                kept[key] = stripped
        elif kind is list:
            items = _strip_list(item)
            if items is not None:
                kept[key] = items
        elif item is not None:
            stripped = strip_empty(item)
            if stripped is not None:
                kept[key] = stripped
    return kept or None


def _strip_list(value: list[Any]) -> list[Any] | None:
    items: list[Any] = []
    for item in value:
        kind = type(item)
        if kind is str:
            if len(item) > 4 or item not in PLACEHOLDER_STRINGS:
                items.append(item)
        elif item is not None:
            stripped = strip_empty(item)
            if stripped is not None:
                items.append(stripped)
    return items or None
