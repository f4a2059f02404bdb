"""The scalar functions of the reference evaluator, on already evaluated arguments.

Unless documented otherwise an ES|QL function is null for a multivalued argument (`single`);
conversion functions (TO_STRING, TO_DOUBLE, ...) convert every value instead. Where the compiler
refuses a case (a double to text, a calendar DATE_DIFF unit...) the reference raises
EsqlUnsupportedError too rather than guess at Java's formatting or calendar rules.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from trailsweep.errors import EsqlUnsupportedError
from trailsweep.esql import ast
from trailsweep.esql.diagnostics import EsqlVerificationError
from trailsweep.esql.reference.context import Context
from trailsweep.esql.reference.values import (
    Ip,
    epoch_millis,
    family,
    is_null,
    order_key,
    single,
)
from trailsweep.esql.timespan import TimeSpan, parse_timespan

AGGREGATES = frozenset({"count", "count_distinct", "values", "min", "max", "sum", "avg"})
CASTS = {
    **dict.fromkeys(("keyword", "string", "text"), "to_string"),
    **{"double": "to_double", "long": "to_long", "integer": "to_integer", "int": "to_integer"},
}
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
# Java's Double.parseDouble grammar (after String.trim): decimal or hex, an optional type suffix.
# Its digits are ASCII only (Python's \d would also take other scripts' digits).
_JAVA_DOUBLE = re.compile(
    r"[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?"
    r"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+[fFdD]?)"
)
_EPOCH = datetime(1970, 1, 1)
_DIFF_UNITS: dict[str, int] = {}
for _names, _millis in (
    ("millisecond milliseconds ms", 1),
    ("second seconds ss s", 1_000),
    ("minute minutes mi n", 60_000),
    ("hour hours hh", 3_600_000),
    ("day days dd d dayofyear dy y weekday weekdays dw", 86_400_000),
    ("week weeks wk ww", 7 * 86_400_000),
):
    _DIFF_UNITS.update(dict.fromkeys(_names.split(), _millis))
_CALENDAR_DIFF_UNITS = frozenset(
    "year years yyyy yy quarter quarters qq q month months mm m".split()
)
_SUB_MILLI_UNITS = {
    **dict.fromkeys(("microsecond", "microseconds", "mcs"), 1_000),
    **dict.fromkeys(("nanosecond", "nanoseconds", "ns"), 1_000_000),
}


@dataclass(frozen=True)
class Site:
    """One function call: the node (for errors) and its evaluated arguments."""

    ctx: Context
    call: ast.Call
    args: tuple[Any, ...]

    def _span(self, index: int | None) -> ast.Span:
        if index is not None and index < len(self.call.args):
            return self.call.args[index].span
        return self.call.span

    def invalid(self, message: str, index: int | None = None) -> EsqlVerificationError:
        """The call is one ES|QL rejects."""
        return self.ctx.invalid(self._span(index), f"{self.call.name.upper()}: {message}")

    def unsupported(self, message: str, index: int | None = None) -> EsqlUnsupportedError:
        """The call is one the reference does not evaluate."""
        return self.ctx.unsupported(self._span(index), f"{self.call.name.upper()}: {message}")

    def arity(self, low: int, high: int | None = None) -> None:
        """Check the argument count (`high` -1: no maximum)."""
        high = low if high is None else high
        if len(self.args) < low or 0 <= high < len(self.args):
            raise self.invalid(f"wrong number of arguments ({len(self.args)})")

    def text(self, index: int) -> str | None:
        """Argument `index` as a single keyword (ip text accepted, as the compiler does)."""
        value = single(self.args[index])
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, Ip):
            return value.text
        raise self.invalid(f"argument {index + 1} must be a keyword, not {family(value)}", index)

    def constant(self, index: int) -> Any:
        """Argument `index`, which must be written as a literal or a parameter."""
        if not isinstance(self.call.args[index], ast.Literal | ast.Param | ast.TimeSpanLiteral):
            raise self.unsupported(f"argument {index + 1} must be a constant", index)
        return self.args[index]


Function = Callable[[Site], Any]


def _case(site: Site) -> Any:
    site.arity(2, -1)
    args = list(site.args)
    default = args.pop() if len(args) % 2 else None
    for index in range(0, len(args), 2):
        condition = single(args[index])
        if condition is not None and not isinstance(condition, bool):
            raise site.invalid(f"condition {index // 2 + 1} is not boolean", index)
        # Only a true condition selects its value; null (or multivalued) falls through.
        if condition is True:
            return args[index + 1]
    return default


def _coalesce(site: Site) -> Any:
    site.arity(1, -1)
    return next((value for value in site.args if not is_null(value)), None)


def _concat(site: Site) -> str | None:
    site.arity(2, -1)
    parts = [site.text(index) for index in range(len(site.args))]
    return None if any(part is None for part in parts) else "".join(str(p) for p in parts)


def _case_change(upper: bool) -> Function:
    def function(site: Site) -> str | None:
        site.arity(1)
        if isinstance(site.args[0], list) and len(site.args[0]) > 1:
            # Newer ES|QL versions map TO_LOWER/TO_UPPER over every value; older ones give null.
            raise site.unsupported("a multivalued argument", 0)
        text = site.text(0)
        if text is None:
            return None
        return text.upper() if upper else text.lower()

    return function


def _affix(ends: bool) -> Function:
    def function(site: Site) -> bool | None:
        site.arity(2)
        text, affix = site.text(0), site.text(1)
        if text is None or affix is None:
            return None
        return text.endswith(affix) if ends else text.startswith(affix)

    return function


def _length(site: Site) -> int | None:
    site.arity(1)
    text = site.text(0)
    return None if text is None else len(text)


def _each(site: Site, convert: Callable[[Any], Any]) -> Any:
    """A conversion function: applied to every value of a multivalued argument."""
    site.arity(1)
    value = site.args[0]
    if isinstance(value, list):
        converted = [convert(item) for item in value]
        return [item for item in converted if item is not None]
    return None if value is None else convert(value)


def _to_string(site: Site) -> Any:
    def convert(value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, Ip):
            return value.text
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
        # Java's Double.toString is not Python's repr: not reproduced.
        raise site.unsupported(f"converting {family(value)} to a string", 0)

    return _each(site, convert)


def _to_double(site: Site) -> Any:
    def convert(value: Any) -> float | None:
        if isinstance(value, bool | int | float):
            return float(value)
        if isinstance(value, datetime):
            return float(epoch_millis(value))
        if isinstance(value, str):
            return java_parse_double(value)
        raise site.invalid(f"cannot convert {family(value)} to double", 0)

    return _each(site, convert)


def java_parse_double(text: str) -> float | None:
    """ES|QL's string to double: Java's Double.parseDouble, then non-finite values rejected.

    (EsqlDataTypeConverter.stringToDouble -> StringUtils.parseDouble; a failure is null plus a
    warning.) Java trims characters up to U+0020, accepts `+`, `.5`, `5.`, exponents, hex
    floats and a `d`/`f` type suffix, and knows no `inf`, `nan` or `_` digit separators.
    """
    text = text.strip("".join(map(chr, range(0x21))))
    if not _JAVA_DOUBLE.fullmatch(text):
        return None
    if text[-1] in "fFdD":
        text = text[:-1]
    if text.lstrip("+-").startswith(("NaN", "Infinity")):
        return None
    try:
        value = float.fromhex(text) if "x" in text.lower() else float(text)
    except OverflowError:
        # float.fromhex raises where Java's parse gives Infinity (which ES|QL nulls).
        return None
    return value if math.isfinite(value) else None


def _to_long(site: Site) -> Any:
    def convert(value: Any) -> int:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, datetime):
            return epoch_millis(value)
        # Java's rounding of doubles and parsing of strings to long are not reproduced.
        raise site.unsupported(f"converting {family(value)} to an integer", 0)

    return _each(site, convert)


def _to_integer(site: Site) -> Any:
    def in_range(value: int) -> int | None:
        # ES|QL integers are 32-bit: a value outside the range is null (plus a warning).
        return value if _INT_MIN <= value <= _INT_MAX else None

    converted = _to_long(site)
    if isinstance(converted, list):
        return [v for v in (in_range(item) for item in converted) if v is not None]
    return None if converted is None else in_range(converted)


def _mv_count(site: Site) -> int | None:
    site.arity(1)
    value = site.args[0]
    if is_null(value):
        return None
    return len(value) if isinstance(value, list) else 1


def _mv_pick(largest: bool) -> Function:
    # ES|QL reads multivalues from doc values, which are sorted ascending: MV_FIRST is in
    # practice the smallest value and MV_LAST the largest. The compiler returns min/max for
    # that reason (lists are not stored sorted), and the reference follows it.
    def function(site: Site) -> Any:
        site.arity(1)
        value = site.args[0]
        if not isinstance(value, list):
            return value
        if not value:
            return None
        return (max if largest else min)(value, key=order_key)

    return function


def add_months(value: datetime, months: int) -> datetime:
    """`value` plus a number of calendar months, the day clamped to the month's length."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def _span(site: Site) -> TimeSpan:
    span = site.constant(0)
    if isinstance(span, str):
        try:
            span = parse_timespan(span)
        except ValueError as exc:
            raise site.invalid(str(exc), 0) from None
    if not isinstance(span, TimeSpan):
        raise site.invalid("the interval must be a time span", 0)
    if span.value <= 0:
        raise site.invalid(f"zero or negative interval {span}", 0)
    return span


def _date_trunc(site: Site) -> datetime | None:
    site.arity(2)
    span = _span(site)
    date = single(site.args[1])
    if date is not None and not isinstance(date, datetime):
        raise site.invalid(f"argument 2 must be a date, not {family(date)}", 1)
    is_week = (span.unit, span.value) in (("week", 1), ("day", 7))
    months = span.months if span.unit in ("month", "quarter", "year") else None
    if months is not None and months not in (1, 3, 12):
        raise site.unsupported(f"a {span} interval (only 1 month, 1 quarter or 1 year)", 0)
    if date is None:
        return None
    if is_week:
        # Calendar week: ISO weeks start on Monday.
        midnight = date.replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight - timedelta(days=date.weekday())
    if months is not None:
        month = (date.month - 1) // months * months + 1
        return datetime(date.year, month, 1)
    # A fixed interval is rounded down on the Unix epoch (exactly, for dates before 1970 too).
    millis = epoch_millis(date)
    return _EPOCH + timedelta(milliseconds=millis - millis % span.millis)


def _date_diff(site: Site) -> int | None:
    site.arity(3)
    unit = site.constant(0)
    if not isinstance(unit, str):
        raise site.invalid("the unit must be a string", 0)
    unit = unit.lower()
    if unit in _CALENDAR_DIFF_UNITS:
        raise site.unsupported(f"calendar unit {unit!r}", 0)
    if unit not in _DIFF_UNITS and unit not in _SUB_MILLI_UNITS:
        raise site.invalid(f"unknown unit {unit!r}", 0)
    start, end = single(site.args[1]), single(site.args[2])
    for index, value in ((1, start), (2, end)):
        if value is not None and not isinstance(value, datetime):
            raise site.invalid(f"argument {index + 1} must be a date", index)
    if start is None or end is None:
        return None
    millis = epoch_millis(end) - epoch_millis(start)
    if unit in _SUB_MILLI_UNITS:
        amount = millis * _SUB_MILLI_UNITS[unit]
    else:
        # Whole units, truncated toward zero (Java's ChronoUnit.between).
        step = _DIFF_UNITS[unit]
        amount = abs(millis) // step * (1 if millis >= 0 else -1)
    return amount if _INT_MIN <= amount <= _INT_MAX else None


def _now(site: Site) -> datetime:
    site.arity(0)
    return site.ctx.now


SCALARS: dict[str, Function] = {
    "case": _case,
    "coalesce": _coalesce,
    "concat": _concat,
    "to_lower": _case_change(upper=False),
    "to_upper": _case_change(upper=True),
    "starts_with": _affix(ends=False),
    "ends_with": _affix(ends=True),
    "length": _length,
    "to_string": _to_string,
    "to_str": _to_string,
    "to_double": _to_double,
    "to_dbl": _to_double,
    "to_long": _to_long,
    "to_integer": _to_integer,
    "to_int": _to_integer,
    "mv_count": _mv_count,
    "mv_first": _mv_pick(largest=False),
    "mv_last": _mv_pick(largest=True),
    "mv_min": _mv_pick(largest=False),
    "mv_max": _mv_pick(largest=True),
    "date_trunc": _date_trunc,
    "date_diff": _date_diff,
    "now": _now,
}
"""Scalar functions by lower-case name; anything else raises EsqlUnsupportedError."""
