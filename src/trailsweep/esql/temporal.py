"""Date semantics: DATE_TRUNC, DATE_DIFF, NOW and date ± time-span arithmetic.

Every timestamp is a naive UTC TIMESTAMP and every computation is epoch arithmetic or a
calendar truncation of that naive value, so DuckDB's session TimeZone never changes a result.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlglot import exp

from trailsweep.esql.callsite import CallSite
from trailsweep.esql.timespan import TimeSpan, parse_timespan
from trailsweep.esql.typed import Const, Typed, int_literal, paren, single

_INT_MIN = -(2**31)
_INT_MAX = 2**31 - 1

# DATE_DIFF units (DateDiff.Part) that are fixed lengths in UTC, in milliseconds. ES|QL counts
# whole units with ChronoUnit.between, i.e. the millisecond difference truncated toward zero.
_DIFF_MILLIS: dict[str, int] = {
    "millisecond": 1,
    "second": 1_000,
    "minute": 60_000,
    "hour": 3_600_000,
    "day": 86_400_000,
    "dayofyear": 86_400_000,
    "weekday": 86_400_000,
    "week": 7 * 86_400_000,
}
_DIFF_ALIASES: dict[str, str] = {
    "year": "year", "years": "year", "yyyy": "year", "yy": "year",
    "quarter": "quarter", "quarters": "quarter", "qq": "quarter", "q": "quarter",
    "month": "month", "months": "month", "mm": "month", "m": "month",
    "dayofyear": "dayofyear", "dy": "dayofyear", "y": "dayofyear",
    "day": "day", "days": "day", "dd": "day", "d": "day",
    "week": "week", "weeks": "week", "wk": "week", "ww": "week",
    "weekday": "weekday", "weekdays": "weekday", "dw": "weekday",
    "hour": "hour", "hours": "hour", "hh": "hour",
    "minute": "minute", "minutes": "minute", "mi": "minute", "n": "minute",
    "second": "second", "seconds": "second", "ss": "second", "s": "second",
    "millisecond": "millisecond", "milliseconds": "millisecond", "ms": "millisecond",
    "microsecond": "microsecond", "microseconds": "microsecond", "mcs": "microsecond",
    "nanosecond": "nanosecond", "nanoseconds": "nanosecond", "ns": "nanosecond",
}  # fmt: skip


def timestamp_literal(value: datetime) -> exp.Expression:
    """A TIMESTAMP literal for a datetime (aware ones converted to UTC; naive ones are UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    text = value.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    return exp.cast(exp.Literal.string(text), exp.DataType.build("TIMESTAMP"))


def span_of(site: CallSite, index: int) -> TimeSpan:
    """Argument `index` as a time span: a span literal, or a parameter holding one or its text."""
    value = site.args[index]
    if value.const is not None:
        if isinstance(value.const.value, TimeSpan):
            return value.const.value
        if isinstance(value.const.value, str):
            try:
                return parse_timespan(value.const.value)
            except ValueError as exc:
                raise site.invalid(str(exc), index) from None
    raise site.unsupported(f"argument {index + 1} must be a constant time span", index)


def epoch_millis(value: exp.Expression) -> exp.Expression:
    """Milliseconds since the Unix epoch of a TIMESTAMP, as BIGINT."""
    return exp.UnixMillis(this=value)


def from_epoch_millis(value: exp.Expression) -> exp.Expression:
    """TIMESTAMP from milliseconds since the Unix epoch."""
    return exp.UnixToTime(this=value, scale=exp.UnixToTime.MILLIS)


def floor_to_multiple(value: exp.Expression, step: int) -> exp.Expression:
    """`value` rounded down to a multiple of `step`, exact for negative values too.

    Integer-only (no float floor) so millisecond epochs stay exact: `v - ((v % s) + s) % s`.
    """
    remainder = exp.Mod(this=paren(value.copy()), expression=int_literal(step))
    positive = exp.Mod(
        this=exp.Paren(this=exp.Add(this=remainder, expression=int_literal(step))),
        expression=int_literal(step),
    )
    return exp.Sub(this=paren(value.copy()), expression=exp.Paren(this=positive))


def date_trunc(site: CallSite) -> Typed:
    """DATE_TRUNC(span, date): fixed spans on the Unix epoch, calendar spans on the calendar.

    ES|QL (DateTrunc.java) uses a fixed-interval rounding for durations and for periods of N
    days (N not 1 or 7), and calendar rounding for 1 day, 7 days / 1 week (ISO week), 1 month,
    3 months / 1 quarter and 1 year. In UTC a day is a fixed 86 400 000 ms, so `1 day` is also
    epoch arithmetic.
    """
    site.arity(2)
    span = span_of(site, 0)
    date = site.expect(1, "date")
    if span.value <= 0:
        raise site.invalid(f"zero or negative time interval {span} is not supported", 0)
    target = single(date)
    if date.type == "null":
        return Typed(exp.cast(exp.null(), exp.DataType.build("TIMESTAMP")), "date")
    calendar = _calendar_unit(span)
    if calendar is not None:
        truncated: exp.Expression = exp.TimestampTrunc(this=target, unit=exp.Var(this=calendar))
    elif span.is_fixed:
        truncated = from_epoch_millis(floor_to_multiple(epoch_millis(target), span.millis))
    else:
        raise site.unsupported(f"a {span} interval (only 1 month, 1 quarter or 1 year)", 0)
    return Typed(truncated, "date")


def _calendar_unit(span: TimeSpan) -> str | None:
    if span.unit == "week" and span.value == 1 or span.unit == "day" and span.value == 7:
        return "WEEK"
    if span.unit in ("month", "quarter", "year"):
        months = span.months
        return {1: "MONTH", 3: "QUARTER", 12: "YEAR"}.get(months)
    return None


def date_diff(site: CallSite) -> Typed:
    """DATE_DIFF(unit, start, end): whole units between two dates, null outside the int range."""
    site.arity(3)
    unit_text = site.constant_string(0)
    unit = _DIFF_ALIASES.get(unit_text.lower())
    if unit is None:
        raise site.invalid(f"unknown unit {unit_text!r}", 0)
    start = single(site.expect(1, "date"))
    end = single(site.expect(2, "date"))
    millis: exp.Expression = exp.Sub(this=epoch_millis(end), expression=epoch_millis(start))
    if unit in ("microsecond", "nanosecond"):
        factor = 1_000 if unit == "microsecond" else 1_000_000
        amount: exp.Expression = exp.Mul(
            this=exp.Paren(this=millis), expression=int_literal(factor)
        )
    elif unit in _DIFF_MILLIS:
        # `//` truncates toward zero (as Java's long division does).
        amount = exp.IntDiv(this=exp.Paren(this=millis), expression=int_literal(_DIFF_MILLIS[unit]))
    else:
        raise site.unsupported(f"calendar unit {unit_text!r} (months, quarters, years)", 0)
    # DATE_DIFF returns an int: an overflow is null (plus a warning) in ES|QL.
    in_range = exp.Between(
        this=paren(amount), low=int_literal(_INT_MIN), high=int_literal(_INT_MAX)
    )
    return Typed(exp.Case(ifs=[exp.If(this=in_range, true=amount.copy())]), "long")


def now(site: CallSite) -> Typed:
    """NOW(): the run's clock, fixed at compile time (a parameter), never the database's."""
    site.arity(0)
    return Typed(timestamp_literal(site.ctx.now), "date", const=Const(site.ctx.now))


def interval(span: TimeSpan) -> exp.Expression:
    """An INTERVAL literal for a span (months stay calendar months, clamped like Java's plus)."""
    if span.unit in ("month", "quarter", "year"):
        return exp.Interval(this=exp.Literal.string(str(span.months)), unit=exp.Var(this="MONTH"))
    return exp.Interval(this=exp.Literal.string(str(span.millis)), unit=exp.Var(this="MILLISECOND"))


def shift(date: Typed, span: TimeSpan, subtract: bool) -> Typed:
    """`date + span` or `date - span`."""
    operator = exp.Sub if subtract else exp.Add
    return Typed(operator(this=paren(single(date)), expression=interval(span)), "date")
