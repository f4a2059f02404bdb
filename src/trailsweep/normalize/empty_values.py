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
        kept: dict[Any, Any] = {}
        for key, item in value.items():
            stripped = strip_empty(item)
            if stripped is not None:
                kept[key] = stripped
        return kept or None
    if isinstance(value, list):
        items = [stripped for stripped in map(strip_empty, value) if stripped is not None]
        return items or None
    if is_empty_scalar(value):
        return None
    return value
