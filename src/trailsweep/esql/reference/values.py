"""Values as the reference evaluator holds them, and the few rules every operator shares.

A value is `None` (null), a scalar, or a Python list (a multivalued value). As in ES|QL a list of
one element *is* that element and an empty list *is* null; nothing here normalises lists away, the
helpers below read them that way instead, so the evaluator never depends on a representation.

Scalars by ES|QL type: keyword `str`, ip `Ip`, long `int`, double `float`, boolean `bool`, date a
naive UTC `datetime` with millisecond precision. Ips get their own class because ES|QL compares
and sorts them as addresses (16-byte IPv4-mapped encoding), not as text.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from trailsweep.esql.types import FieldSpec

LONG_MIN = -(2**63)
LONG_MAX = 2**63 - 1


@dataclass(frozen=True, order=True)
class Ip:
    """An ip value: equality and order by address, the original text kept for output."""

    packed: bytes
    text: str = field(compare=False)

    @classmethod
    def parse(cls, text: str) -> Ip:
        """An ip from its text; raises ValueError when it is not an address."""
        address = ipaddress.ip_address(text)
        if isinstance(address, ipaddress.IPv4Address):
            # Elastic stores every address as 16 bytes; an IPv4 one is IPv4-mapped IPv6.
            packed = bytes(10) + b"\xff\xff" + address.packed
        else:
            packed = address.packed
        return cls(packed, text)

    def __str__(self) -> str:
        return self.text


def is_null(value: Any) -> bool:
    """ES|QL's IS NULL: null, or a list without values."""
    return value is None or (isinstance(value, list) and not value)


def single(value: Any) -> Any:
    """The value as a single value: a one-element list is its element, any other list is null.

    This is how ES|QL's single-value operators and functions see a multivalued input (null, plus
    a warning Elastic emits and the reference does not).
    """
    if isinstance(value, list):
        return value[0] if len(value) == 1 else None
    return value


def values_of(value: Any) -> list[Any]:
    """Every value of a value: [] for null, the list itself, or [scalar]."""
    if value is None:
        return []
    if isinstance(value, list):
        return list(value)
    return [value]


def distinct(values: Iterable[Any]) -> list[Any]:
    """The values without repeats, in first-seen order."""
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def is_number(value: Any) -> bool:
    """True for a long or a double (a bool is not a number here, unlike in Python)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def family(value: Any) -> str:
    """The comparison family of a non-null scalar: values of different families never compare."""
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "numeric"
    if isinstance(value, str):
        return "keyword"
    if isinstance(value, Ip):
        return "ip"
    if isinstance(value, datetime):
        return "date"
    return type(value).__name__


def order_key(value: Any) -> Any:
    """A key that orders the values of one type as ES|QL's SORT/MIN/MAX do."""
    if isinstance(value, Ip):
        return value.packed
    return value


def storage_key(value: Any) -> Any:
    """A key that orders values as trailsweep stores them (ips as text): VALUES' output order.

    ES|QL leaves the order of VALUES unspecified; trailsweep's SQL sorts the stored values, so the
    reference does the same to make both outputs comparable.
    """
    if isinstance(value, Ip):
        return value.text
    return value


def checked_long(value: int) -> int | None:
    """A long result, or null on overflow (ES|QL: null plus a warning)."""
    return value if LONG_MIN <= value <= LONG_MAX else None


def checked_double(value: float) -> float | None:
    """A double result, or null when it is not finite (ES|QL: null plus a warning)."""
    return value if math.isfinite(value) else None


def as_date(value: datetime) -> datetime:
    """A datetime as naive UTC with millisecond precision (aware ones are converted)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def parse_date(text: str) -> datetime:
    """An ISO-8601 date text (`Z` allowed) as a naive UTC datetime; raises ValueError."""
    return as_date(datetime.fromisoformat(text.replace("Z", "+00:00")))


def epoch_millis(value: datetime) -> int:
    """Milliseconds since the Unix epoch of a naive UTC datetime."""
    delta = value - datetime(1970, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _load_scalar(spec: FieldSpec, value: Any) -> Any:
    kind = spec.type
    if kind in ("keyword", "null"):
        if kind == "null" or not isinstance(value, str):
            raise ValueError(f"{spec.name}: {value!r} is not a {kind}")
        return value
    if kind == "ip":
        return Ip.parse(str(value))
    if kind == "date":
        if isinstance(value, str):
            return parse_date(value)
        if not isinstance(value, datetime):
            raise ValueError(f"{spec.name}: {value!r} is not a date")
        return as_date(value)
    if kind == "long":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{spec.name}: {value!r} is not a long")
        return value
    if kind == "double":
        if not is_number(value):
            raise ValueError(f"{spec.name}: {value!r} is not a double")
        return float(value)
    if not isinstance(value, bool):
        raise ValueError(f"{spec.name}: {value!r} is not a boolean")
    return value


def load(spec: FieldSpec, value: Any) -> Any:
    """An input value of a schema field as the evaluator holds it."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        if not spec.multivalued:
            raise ValueError(f"{spec.name} is single-valued, got the list {value!r}")
        # Elastic does not keep null elements of a list.
        return [_load_scalar(spec, item) for item in value if item is not None]
    return _load_scalar(spec, value)


def load_row(row: Mapping[str, Any], schema: Mapping[str, FieldSpec]) -> dict[str, Any]:
    """Every schema field of an input row (absent ones null), typed."""
    return {name: load(spec, row.get(name)) for name, spec in schema.items()}


def export(value: Any) -> Any:
    """A value for the caller: ips back to their text, everything else unchanged."""
    if isinstance(value, list):
        return [export(item) for item in value]
    if isinstance(value, Ip):
        return value.text
    return value
