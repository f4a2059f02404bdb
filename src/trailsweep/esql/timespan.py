"""ES|QL time-span literals (`10 seconds`, `5 minute`, `7 days`) as values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SpanUnit = Literal[
    "millisecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year"
]

# The unit spellings ES|QL accepts (EsqlDataTypeConverter.parseTemporalAmount), case-insensitive.
_UNIT_ALIASES: dict[str, SpanUnit] = {
    "millisecond": "millisecond",
    "milliseconds": "millisecond",
    "ms": "millisecond",
    "second": "second",
    "seconds": "second",
    "sec": "second",
    "s": "second",
    "minute": "minute",
    "minutes": "minute",
    "min": "minute",
    "hour": "hour",
    "hours": "hour",
    "h": "hour",
    "day": "day",
    "days": "day",
    "d": "day",
    "week": "week",
    "weeks": "week",
    "w": "week",
    "month": "month",
    "months": "month",
    "mo": "month",
    "quarter": "quarter",
    "quarters": "quarter",
    "q": "quarter",
    "year": "year",
    "years": "year",
    "yr": "year",
    "y": "year",
}

_FIXED_MILLIS: dict[SpanUnit, int] = {
    "millisecond": 1,
    "second": 1_000,
    "minute": 60_000,
    "hour": 3_600_000,
    # A day and a week are calendar periods in ES|QL, but in UTC (the only zone trailsweep uses)
    # they have a fixed length.
    "day": 86_400_000,
    "week": 7 * 86_400_000,
}

# ES|QL splits spans into TIME_DURATION (ms..hours) and DATE_PERIOD (days..years).
_PERIOD_UNITS: frozenset[SpanUnit] = frozenset({"day", "week", "month", "quarter", "year"})

_SPAN_TEXT = re.compile(r"^\s*(\d+)\s*([A-Za-z]+)\s*$")


@dataclass(frozen=True)
class TimeSpan:
    """A time span such as `10 seconds`: a count and a canonical unit."""

    value: int
    unit: SpanUnit

    @property
    def is_calendar(self) -> bool:
        """True for DATE_PERIOD units (day, week, month, quarter, year): calendar rounding."""
        return self.unit in _PERIOD_UNITS

    @property
    def is_fixed(self) -> bool:
        """True when the span has one length in milliseconds (everything up to weeks, in UTC)."""
        return self.unit in _FIXED_MILLIS

    @property
    def millis(self) -> int:
        """Length in milliseconds; raises ValueError for months, quarters and years."""
        if self.unit not in _FIXED_MILLIS:
            raise ValueError(f"a span of {self.value} {self.unit}(s) has no fixed length")
        return self.value * _FIXED_MILLIS[self.unit]

    @property
    def months(self) -> int:
        """Length in months for month/quarter/year spans; raises ValueError otherwise."""
        factor = {"month": 1, "quarter": 3, "year": 12}.get(self.unit)
        if factor is None:
            raise ValueError(f"a span of {self.value} {self.unit}(s) is not counted in months")
        return self.value * factor

    def __str__(self) -> str:
        return f"{self.value} {self.unit}{'' if self.value == 1 else 's'}"


def span_unit(name: str) -> SpanUnit | None:
    """The canonical unit for an ES|QL unit spelling, or None when it is not one."""
    return _UNIT_ALIASES.get(name.lower())


def parse_timespan(text: str) -> TimeSpan:
    """Parse `"10 seconds"`-style text; raises ValueError when it is not a time span."""
    match = _SPAN_TEXT.match(text)
    unit = span_unit(match[2]) if match else None
    if match is None or unit is None:
        raise ValueError(f"{text!r} is not a time span (expected e.g. '10 seconds', '1 hour')")
    return TimeSpan(int(match[1]), unit)
