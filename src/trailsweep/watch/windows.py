"""How a rule's results sit in event time: the windows it groups by, and the periods the
watcher keeps and re-evaluates its events in.

A rule whose STATS groups by a fixed time bucket (`DATE_TRUNC(10 seconds, @timestamp)`, or
`BUCKET(@timestamp, 10 seconds)`) has windows that are epoch-aligned: a window is closed once
the watermark passes its end, and any period that is a whole number of windows, aligned the same
way, holds whole windows. Evaluating the events of some periods together therefore yields exactly
the groups a batch scan of all events yields for those periods.

An aggregating rule without a time bucket (Elastic runs it over each run's look-back) is
evaluated per event-time period of the rule's `interval`, each period once closed; a rule
without STATS raises one alert per matching row, which no later event can change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from trailsweep.engine.plan import RulePlan
from trailsweep.errors import TrailsweepError
from trailsweep.esql.ast import (
    Assignment,
    Call,
    Eval,
    Expr,
    FieldRef,
    Param,
    Stats,
    TimeSpanLiteral,
)
from trailsweep.esql.timespan import TimeSpan, parse_timespan
from trailsweep.schedule.runs import ScheduleError, parse_span

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Events are kept, and re-evaluated, in periods of at least this length.
MIN_PERIOD = timedelta(minutes=5)
# DATE_TRUNC rounds these on the epoch (a day in UTC too); weeks start on Mondays, months vary.
_EPOCH_ALIGNED = frozenset({"millisecond", "second", "minute", "hour", "day"})


class WindowError(TrailsweepError):
    """A rule whose windows the watcher cannot place in event time."""


@dataclass(frozen=True)
class WindowShape:
    """Where a rule's alerts sit in event time."""

    aggregating: bool
    """The query has STATS (its alerts are groups that later events can still change)."""
    bucket_column: str | None
    """The STATS BY column holding the time bucket, when there is one."""
    span: timedelta | None
    """The bucket's length, when there is one."""
    period: timedelta
    """The length of the periods events are kept and evaluated in (a multiple of `span`)."""

    @property
    def per_period(self) -> bool:
        """True when each period must be evaluated on its own (an aggregating rule without a
        time bucket: its groups are per period)."""
        return self.aggregating and self.bucket_column is None

    def period_start(self, moment: datetime) -> datetime:
        """The start of the period holding `moment` (UTC)."""
        return floor_time(moment, self.period)

    def window_end(self, bucket_value: object) -> datetime:
        """When the window of a time-bucketed alert closes: its bucket's end (a bucket value
        that is not a time: the end of the epoch's first period, so at once)."""
        if self.bucket_column is not None and self.span is not None:
            start = parse_utc(bucket_value)
            if start is not None:
                return start + self.span
        return EPOCH + self.period


def floor_time(moment: datetime, step: timedelta) -> datetime:
    """`moment` rounded down to a multiple of `step` since the Unix epoch."""
    offset = (moment - EPOCH) // step
    return EPOCH + offset * step


def parse_utc(value: object) -> datetime | None:
    """An ISO-8601 time (text, or a datetime) as an aware UTC datetime, else None."""
    if isinstance(value, datetime):
        return aware_utc(value)
    if isinstance(value, str):
        try:
            return aware_utc(datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def aware_utc(moment: datetime) -> datetime:
    """A time in UTC, with its zone (a naive time is taken as UTC, as the state stores it)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def naive_utc(moment: datetime) -> datetime:
    """A time as the state stores it: in UTC, without a zone."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def iso_utc(moment: datetime) -> str:
    """ISO-8601 in UTC with a `Z`: `2026-03-14T10:00:10Z`."""
    return aware_utc(moment).isoformat().replace("+00:00", "Z")


def window_shape(plan: RulePlan) -> WindowShape:
    """The window shape of a planned rule (raises WindowError for a calendar bucket)."""
    rule = plan.rule
    stats = [command for command in plan.query.commands if isinstance(command, Stats)]
    try:
        interval = parse_span(rule.interval, f"rule {rule.name!r}: interval")
    except ScheduleError as exc:
        raise WindowError(str(exc)) from exc
    if not stats:
        return WindowShape(False, None, None, max(interval, MIN_PERIOD))
    first = stats[0]
    evals = _evaluated_before(plan, first)
    for group in first.groups:
        span = _bucket_span(group, evals, plan)
        if span is None:
            continue
        if span.unit not in _EPOCH_ALIGNED:
            raise WindowError(
                f"rule {rule.name!r}: its STATS groups by a calendar bucket ({span}); the "
                "watcher places only fixed-length buckets (milliseconds to days) in event time"
            )
        length = timedelta(milliseconds=span.millis)
        multiple = max(1, -(-MIN_PERIOD // length))
        return WindowShape(True, group.name, length, length * multiple)
    return WindowShape(True, None, None, interval)


def _evaluated_before(plan: RulePlan, stats: Stats) -> dict[str, Expr]:
    """The EVAL assignments in force when `stats` runs (the last one of a name wins)."""
    found: dict[str, Expr] = {}
    for command in plan.query.commands:
        if command is stats:
            break
        if isinstance(command, Eval):
            for assignment in command.assignments:
                found[assignment.name] = assignment.expr
    return found


def _bucket_span(group: Assignment, evals: dict[str, Expr], plan: RulePlan) -> TimeSpan | None:
    expr = group.expr
    if isinstance(expr, FieldRef) and expr.name in evals:
        expr = evals[expr.name]
    if not isinstance(expr, Call):
        return None
    name = expr.name.lower()
    if name == "date_trunc" and len(expr.args) == 2 and _is_timestamp(expr.args[1]):
        return _span_value(expr.args[0], plan)
    if name == "bucket" and len(expr.args) == 2 and _is_timestamp(expr.args[0]):
        return _span_value(expr.args[1], plan)
    return None


def _is_timestamp(expr: Expr) -> bool:
    return isinstance(expr, FieldRef) and expr.name == "@timestamp"


def _span_value(expr: Expr, plan: RulePlan) -> TimeSpan | None:
    if isinstance(expr, TimeSpanLiteral):
        return expr.value
    if isinstance(expr, Param):
        value = plan.parameters.get(expr.name)
        if isinstance(value, TimeSpan):
            return value
        if isinstance(value, str):
            try:
                return parse_timespan(value)
            except ValueError:
                return None
    return None
