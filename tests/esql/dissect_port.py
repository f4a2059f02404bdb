"""A line-by-line Python port of Elasticsearch's `DissectParser.parse` / `DissectMatch` (bytes).

Test oracle only: the compiler runs dissect in SQL; this walks the UTF-8 bytes exactly as the
Java code does (naive delimiter search, consecutive-delimiter handling, last key takes the
rest), so the two can be compared on generated patterns and inputs.
"""

from __future__ import annotations

from trailsweep.esql.dissect import (
    APPEND,
    APPEND_WITH_ORDER,
    DissectPattern,
)

_IMPLICIT_APPEND_ORDER = -1000


def _delimiter_at(data: bytes, index: int, delimiter: bytes) -> bool:
    matches = 0
    for offset in range(len(delimiter)):
        if index + offset < len(data) and data[index + offset] == delimiter[offset]:
            matches += 1
    return matches == len(delimiter)


def java_dissect(pattern: DissectPattern, text: str) -> dict[str, str] | None:
    """The map `DissectParser.parse(text)` returns, or None when it does not match."""
    keys = pattern.keys
    delimiters = [d.encode("utf-8") for d in pattern.delimiters]
    added: list[tuple[int, str]] = []
    leading = pattern.leading
    if len(text) > len(leading) and text[: len(leading)] == leading:
        data = text.encode("utf-8")
        key = 0
        delimiter = delimiters[0]
        i = len(leading)
        value_start = i
        while i < len(data):
            if len(delimiter) > 0 and data[i] == delimiter[0] and _delimiter_at(data, i, delimiter):
                added.append((key, data[value_start:i].decode("utf-8")))
                i += len(delimiter)
                while i < len(data):
                    if not _delimiter_at(data, i, delimiter):
                        break
                    i += len(delimiter)
                    if not keys[key].padding:
                        if key + 1 >= len(keys):
                            break
                        key += 1
                        added.append((key, ""))
                if key + 1 >= len(keys):
                    break
                key += 1
                delimiter = delimiters[key]
                value_start = i
            else:
                i += 1
        if len(added) != len(keys) and len(delimiter) == 0:
            added.append((key, data[value_start:].decode("utf-8")))
    if len(added) != len(keys):
        return None
    simple: dict[str, str] = {}
    appends: dict[str, list[tuple[int, str]]] = {}
    implicit = _IMPLICIT_APPEND_ORDER
    for index, value in added:
        spec = keys[index]
        if spec.skip:
            continue
        if spec.modifier == APPEND:
            appends.setdefault(spec.name, []).append((implicit, value))
            implicit += 1
        elif spec.modifier == APPEND_WITH_ORDER:
            appends.setdefault(spec.name, []).append((spec.position, value))
        else:
            simple[spec.name] = value
    result = dict(simple)
    for name, values in appends.items():
        ordered = sorted(values, key=lambda item: item[0])  # stable, as Collections.sort
        result[name] = pattern.separator.join(value for _, value in ordered)
    return result
