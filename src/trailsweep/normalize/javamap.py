"""Java `HashMap.toString()`, reproduced: the `{k=v, ...}` strings Elastic's pipeline stores.

Elastic's CloudTrail pipeline parses each record with Elasticsearch's JSON parser, which builds a
`java.util.HashMap` for every JSON object, and then stores `requestParameters`,
`responseElements`, `additionalEventData` and `serviceEventDetails` as `map.toString()`. Rules
that DISSECT or match those strings depend on the exact text, so the key order must be the
HashMap's iteration order, not the record's:

* a key's bucket is `(h ^ (h >>> 16)) & (capacity - 1)` with `h = String.hashCode()`;
* a default HashMap starts with 16 buckets and doubles while `size > 0.75 * capacity`;
* keys that share a bucket iterate in insertion order (a resize splits a bucket without
  reordering it).

Not reproduced: a bucket holding 8 or more keys in a table of 64 or more buckets turns into a
tree whose iteration order differs; no CloudTrail payload comes near that.

>>> java_to_string({"Host": "b.s3.amazonaws.com", "bucketName": "b"})
'{bucketName=b, Host=b.s3.amazonaws.com}'
>>> java_to_string({"a": [1, 2.5, True, None], "n": {}})
'{a=[1, 2.5, true, null], n={}}'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

_MASK_32 = 0xFFFFFFFF
_DEFAULT_CAPACITY = 16


@lru_cache(maxsize=8192)
def java_string_hash(text: str) -> int:
    """`String.hashCode()`: a signed 32-bit hash over the string's UTF-16 code units.

    >>> java_string_hash("hello")
    99162322
    >>> java_string_hash("bucketName")
    1117008789
    """
    h = 0
    if text.isascii():
        for unit in text.encode("ascii"):
            h = (31 * h + unit) & _MASK_32
    else:
        data = text.encode("utf-16-be")
        for index in range(0, len(data), 2):
            h = (31 * h + ((data[index] << 8) | data[index + 1])) & _MASK_32
    return h - (1 << 32) if h & 0x80000000 else h


def hashmap_capacity(size: int) -> int:
    """Bucket count of a default-constructed HashMap after `size` distinct puts.

    >>> [hashmap_capacity(n) for n in (0, 12, 13, 24, 25)]
    [16, 16, 32, 32, 64]
    """
    capacity = _DEFAULT_CAPACITY
    while size * 4 > capacity * 3:
        capacity *= 2
    return capacity


def hashmap_bucket(key: str, capacity: int) -> int:
    """The bucket `key` lands in, in a table of `capacity` (a power of two) buckets."""
    h = java_string_hash(key) & _MASK_32
    return (h ^ (h >> 16)) & (capacity - 1)


def hashmap_order(keys: Iterable[str], capacity: int | None = None) -> list[str]:
    """`keys` (distinct, in insertion order) in the order a HashMap iterates them.

    `capacity` defaults to what inserting exactly these keys grows the table to; pass it when the
    map once held more keys than it does now (a HashMap never shrinks).

    >>> hashmap_order(["Host", "bucketName"])
    ['bucketName', 'Host']
    """
    ordered = list(keys)
    table = capacity if capacity is not None else hashmap_capacity(len(ordered))
    positions = sorted(
        range(len(ordered)), key=lambda index: (hashmap_bucket(ordered[index], table), index)
    )
    return [ordered[index] for index in positions]


def java_scalar(value: Any) -> str:
    """`String.valueOf()` of a JSON scalar as Elasticsearch's parser types it.

    JSON integers become Integer/Long/BigInteger and fractions Double, so only doubles differ
    from Python's `str()`.

    >>> [java_scalar(v) for v in (None, True, 7, 100.0, 1e7, 0.0001, "x")]
    ['null', 'true', '7', '100.0', '1.0E7', '1.0E-4', 'x']
    """
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    return str(value)


def java_double(value: float) -> str:
    """`Double.toString()` (JDK 19+, shortest repr digits, Java's plain/scientific switch).

    >>> [java_double(v) for v in (1.5, -0.0, 9999999.0, 12345678.9, 0.001, 2.5e-05)]
    ['1.5', '-0.0', '9999999.0', '1.23456789E7', '0.001', '2.5E-5']
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        return f"{sign}0.0"
    decimal = Decimal(repr(abs(value))).as_tuple()
    all_digits = "".join(str(digit) for digit in decimal.digits)
    digits = all_digits.rstrip("0") or "0"
    assert isinstance(decimal.exponent, int)
    exponent = decimal.exponent + len(all_digits) - len(digits)
    leading = len(digits) - 1 + exponent  # power of ten of the first significant digit
    if -3 <= leading < 7:
        if leading >= 0:
            whole = digits[: leading + 1].ljust(leading + 1, "0")
            return f"{sign}{whole}.{digits[leading + 1 :] or '0'}"
        return f"{sign}0.{'0' * (-leading - 1)}{digits}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{leading}"


def java_to_string(value: Any, removed: Callable[[Any], bool] | None = None) -> str | None:
    """`toString()` of a parsed JSON value: maps in HashMap order, lists as `[a, b]`.

    With `removed`, first drop what Elastic's remove-nulls script deletes: scalars for which
    `removed` is true, then maps and lists left empty. The maps' capacities still come from their
    original sizes, since the script removes entries from HashMaps that were sized while parsing.
    Returns None when the value itself is removed.

    >>> java_to_string({"k": "", "a": {"b": None}, "c": "d"}, removed=lambda v: v in (None, ""))
    '{c=d}'
    """
    if isinstance(value, dict):
        rendered = [(key, java_to_string(item, removed)) for key, item in value.items()]
        kept = {str(key): text for key, text in rendered if text is not None}
        if removed is not None and not kept:
            return None
        order = hashmap_order(kept, hashmap_capacity(len(value)))
        return "{" + ", ".join(f"{key}={kept[key]}" for key in order) + "}"
    if isinstance(value, list):
        items = [java_to_string(item, removed) for item in value]
        texts = [text for text in items if text is not None]
        if removed is not None and not texts:
            return None
        return "[" + ", ".join(texts) + "]"
    if removed is not None and removed(value):
        return None
    return java_scalar(value)
