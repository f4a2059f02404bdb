"""Replaying Elastic's schedule over files: every run's selection, evaluated as Elastic would."""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import orjson

from trailsweep.alerts import Alert, build_alert
from trailsweep.engine.engines import Engine, open_engine, require_engine
from trailsweep.engine.plan import RulePlan
from trailsweep.engine.table import EventTable, EventTableBuilder
from trailsweep.esql.ast import Limit, Stats
from trailsweep.esql.compiler import MAX_LIMIT
from trailsweep.pipeline import Diagnostic, ScanOptions, evaluate
from trailsweep.rules.model import Rule
from trailsweep.schedule.runs import Run, Schedule, schedule_for
from trailsweep.schedule.timed_rows import DeliveredFile, TimedInput, TimedRow, read_timed
from trailsweep.summary import RunCounters, RunSummary

# Elastic's alert ids for aggregating rules hash the run's range with the row index; trailsweep
# mirrors that shape in its own namespace (the ids are not Kibana's, only as unstable).
_RUN_ALERT_NAMESPACE = uuid.UUID("a3e5cf0e-41b6-5c8e-8f1d-6c2b9e7d4a10")


@dataclass(frozen=True)
class ScheduleSettings:
    """Overrides of every rule's own schedule (None: the rule's `interval` / `from`)."""

    interval: timedelta | None = None
    lookback: timedelta | None = None
    first_run: datetime | None = None
    """A run start; the others follow every interval (None: 30 s past the clock's boundaries)."""


@dataclass(frozen=True)
class RunResult:
    """One run that selected events: how many, and the alerts it raised (in result order)."""

    run: Run
    events: int
    alerts: tuple[Alert, ...]


@dataclass(frozen=True)
class RuleReplay:
    """One rule's schedule and its runs that selected anything, in time order."""

    rule: Rule
    schedule: Schedule
    runs: tuple[RunResult, ...]
    aggregating: bool
    """Whether the query has STATS: Elastic then gives alerts per-run ids (no deduplication)."""


@dataclass(frozen=True)
class Replay:
    """The replay of every rule, the files read with their ingest times, and the summary."""

    rules: tuple[RuleReplay, ...]
    files: tuple[DeliveredFile, ...]
    summary: RunSummary


def run_alert_id(rule: Rule, run: Run, row_index: int) -> str:
    """An id shaped like Elastic's for an aggregating rule's alert: new in every run."""
    payload = orjson.dumps([run.start.isoformat() + run.at.isoformat(), rule.rule_id, row_index])
    return str(uuid.uuid5(_RUN_ALERT_NAMESPACE, payload.decode()))


def replay_schedule(
    paths: Sequence[Path],
    rules: Sequence[Rule],
    options: ScanOptions | None = None,
    settings: ScheduleSettings | None = None,
    on_diagnostic: Diagnostic | None = None,
) -> Replay:
    """Run each rule as Elastic's scheduler would over the files: every run selects by its
    range and is evaluated alone."""
    options = options or ScanOptions()
    with Replayer.open(paths, rules, options, settings, on_diagnostic) as replayer:
        return replayer.replay()


class Replayer:
    """The events of a replay, read once, and the engine that evaluates runs over them."""

    def __init__(
        self,
        timed: TimedInput,
        schedules: Sequence[Schedule],
        engine: Engine,
        counters: RunCounters,
        report: Diagnostic,
    ) -> None:
        self.timed = timed
        self.schedules = tuple(schedules)
        self.counters = counters
        self._engine = engine
        self._report = report
        self._keys = [
            _sorted_keys(rows, s) for rows, s in zip(timed.rows, self.schedules, strict=True)
        ]
        self._probes: dict[tuple[int, datetime], dict[str, Alert]] = {}

    @staticmethod
    def open(
        paths: Sequence[Path],
        rules: Sequence[Rule],
        options: ScanOptions,
        settings: ScheduleSettings | None = None,
        on_diagnostic: Diagnostic | None = None,
    ) -> Replayer:
        """Read the input and open the engine (close with `close()` or a `with` block)."""
        settings = settings or ScheduleSettings()
        schedules = [
            schedule_for(rule, settings.interval, settings.lookback, settings.first_run)
            for rule in rules
        ]
        require_engine(options.engine)
        report: Diagnostic = on_diagnostic or (lambda level, message: None)
        counters = RunCounters()
        timed = read_timed(paths, rules, options, counters, report)
        return Replayer(timed, schedules, open_engine(options.engine), counters, report)

    def __enter__(self) -> Replayer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the engine."""
        self._engine.close()

    def replay(self) -> Replay:
        """Every rule's runs."""
        rules = tuple(self.replay_rule(index) for index in range(len(self.timed.plans)))
        return Replay(rules, self.timed.files, self.counters.frozen())

    def replay_rule(self, index: int) -> RuleReplay:
        """One rule's runs that selected anything."""
        schedule = self.schedules[index]
        rows = self.timed.rows[index]
        indexes = sorted(
            {k for key, p in self._keys[index] for k in schedule.run_indexes(key, rows[p].ingested)}
        )
        results = []
        for k in indexes:
            run = schedule.run(k)
            selected = self.selected(index, run)
            if not selected:
                continue
            plan = replace(self.timed.plans[index], now=run.at.replace(tzinfo=None))
            alerts = evaluate(
                [plan], [self._table(index, selected)], self._report, None, engine=self._engine
            )
            results.append(RunResult(run, len(selected), tuple(alerts)))
        plan = self.timed.plans[index]
        aggregating = any(isinstance(command, Stats) for command in plan.query.commands)
        return RuleReplay(plan.rule, schedule, tuple(results), aggregating)

    def event_time_alerts(self, index: int) -> list[Alert]:
        """The rule over every event at once, windows on @timestamp: what `scan` raises."""
        rows = self.timed.rows[index]
        return evaluate(
            [self.timed.plans[index]],
            [self._table(index, rows)],
            self._report,
            None,
            engine=self._engine,
        )

    def selected(self, index: int, run: Run) -> list[TimedRow]:
        """The rows a run of rule `index` selects, in input order."""
        keys = self._keys[index]
        low = bisect.bisect_left(keys, (run.start, -1))
        high = bisect.bisect_right(keys, (run.at, len(keys)))
        rows = self.timed.rows[index]
        positions = sorted(p for _, p in keys[low:high] if rows[p].ingested <= run.at)
        return [rows[p] for p in positions]

    def probe(self, index: int, run: Run) -> dict[str, Alert]:
        """The groups one run computes before the query's filters after STATS, by alert id
        (empty for a query without STATS): what a run saw of groups it did not alert on."""
        cached = self._probes.get((index, run.at))
        if cached is not None:
            return cached
        plan = _probe_plan(self.timed.plans[index])
        found: dict[str, Alert] = {}
        selected = self.selected(index, run)
        if plan is not None and selected:
            plan = replace(plan, now=run.at.replace(tzinfo=None))
            table = self._table(index, selected)
            self._engine.register(table)
            compiled = plan.compile(table.schema)
            for row in self._engine.run(compiled).rows:
                alert = build_alert(
                    plan.rule,
                    row.values,
                    compiled.group_by,
                    row.evidence,
                    table.event_ids,
                    table.locations,
                    plan.parameters,
                )
                found[alert.uuid] = alert
        self._probes[(index, run.at)] = found
        return found

    def _table(self, index: int, rows: Sequence[TimedRow]) -> EventTable:
        builder = EventTableBuilder(self.timed.fields[index], self.timed.patterns[index])
        for row in rows:
            builder.add(row.flat, row.location)
        return builder.build()


def _sorted_keys(rows: Sequence[TimedRow], schedule: Schedule) -> list[tuple[datetime, int]]:
    """Each row's selection time with its position, sorted (a row without one is left out:
    a document without @timestamp is in no range on it)."""
    if schedule.selected_by == "event.ingested":
        keys = [(row.ingested, p) for p, row in enumerate(rows)]
    else:
        keys = [(row.event_time, p) for p, row in enumerate(rows) if row.event_time is not None]
    return sorted(keys)


def _probe_plan(plan: RulePlan) -> RulePlan | None:
    commands = plan.query.commands
    last = max((i for i, c in enumerate(commands) if isinstance(c, Stats)), default=None)
    if last is None:
        return None
    query = replace(plan.query, commands=(*commands[: last + 1], Limit(MAX_LIMIT)))
    return replace(plan, query=query)
