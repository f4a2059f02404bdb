"""Evaluating a rule over the events the state keeps for some periods: the alerts, each with
the moment its window closes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from trailsweep.alerts import Alert
from trailsweep.alerts.ids import alert_uuid
from trailsweep.engine.engines import Engine
from trailsweep.engine.plan import RulePlan
from trailsweep.engine.table import EventTableBuilder
from trailsweep.pipeline import Diagnostic, evaluate
from trailsweep.summary import RunCounters
from trailsweep.watch.state import WatchState
from trailsweep.watch.windows import EPOCH, WindowShape

PERIOD_KEY = "trailsweep.period"


@dataclass(frozen=True)
class WindowAlert:
    """An alert as the events kept so far give it, with its window in event time."""

    alert: Alert
    window_start: datetime
    window_end: datetime
    """The watermark must reach this before the alert is emitted (the epoch: at once)."""


@dataclass(frozen=True)
class RuleWindows:
    """A planned rule, its window shape, and the fields and patterns its table needs."""

    plan: RulePlan
    shape: WindowShape
    fields: tuple[str, ...]
    patterns: tuple[str, ...]


def evaluate_periods(
    rule: RuleWindows,
    state: WatchState,
    periods: Sequence[datetime],
    engine: Engine,
    report: Diagnostic,
    counters: RunCounters,
) -> list[WindowAlert]:
    """The rule's alerts over the kept events of `periods` (together when the windows nest
    in periods, else one period at a time)."""
    if not periods:
        return []
    if rule.shape.per_period:
        found: list[WindowAlert] = []
        for period in periods:
            found.extend(_evaluate(rule, state, [period], engine, report, counters, period))
        return found
    return _evaluate(rule, state, periods, engine, report, counters, None)


def _evaluate(
    rule: RuleWindows,
    state: WatchState,
    periods: Sequence[datetime],
    engine: Engine,
    report: Diagnostic,
    counters: RunCounters,
    period: datetime | None,
) -> list[WindowAlert]:
    builder = EventTableBuilder(rule.fields, rule.patterns)
    for fields, location in state.events_in(rule.plan.rule.rule_id, periods):
        builder.add(fields, location)
    table = builder.build()
    if table.rows == 0:
        return []
    shape = rule.shape
    found: list[WindowAlert] = []
    for alert in evaluate([rule.plan], [table], report, counters, engine=engine):
        if period is not None:
            found.append(WindowAlert(_in_period(alert, period), period, period + shape.period))
        elif not shape.aggregating:
            found.append(WindowAlert(alert, EPOCH, EPOCH))
        else:
            column = shape.bucket_column
            value = dict(alert.group_key).get(column) if column else None
            end = shape.window_end(value)
            start = end - shape.span if shape.span is not None else EPOCH
            found.append(WindowAlert(alert, start, end))
    return found


def _in_period(alert: Alert, period: datetime) -> Alert:
    """An alert of a rule evaluated per period: its group is the period's too (so one group
    in two periods is two alerts, each with an id of its own)."""
    group_key = (*alert.group_key, (PERIOD_KEY, period.isoformat()))
    uuid = alert_uuid(alert.rule.rule_id, alert.rule.version, [list(p) for p in group_key])
    return replace(alert, uuid=uuid, group_key=group_key)
