"""Comparing Elastic's schedule with event time: which alerts it misses or raises twice, and why.

Event time is trailsweep's normal scan: every event at once, windows on `@timestamp`. Each of
its alerts is looked up, by its stable id (rule, version, group), among the alerts of every
replayed run:

- **missed**: no run raised it. Its window's events were split across runs (each run saw only
  part of them, too few to alert), or some were selected by no run at all;
- **duplicate**: more than one run raised it. An aggregating rule's alert gets a new id in every
  run, so a group whose events sit in the overlap of two runs' ranges alerts twice;
- **matched**: exactly one run raised it (the note says how long after its last event);
- **schedule-only**: a run raised an alert that event time does not (a query that is not
  monotonic in its input can do that; the seed rule cannot).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from trailsweep.alerts import Alert
from trailsweep.pipeline import Diagnostic, ScanOptions
from trailsweep.rules.model import Rule
from trailsweep.schedule.replay import Replayer, RuleReplay, ScheduleSettings
from trailsweep.schedule.runs import Run, format_span, iso_seconds
from trailsweep.schedule.timed_rows import DeliveredFile, TimedRow
from trailsweep.summary import RunSummary

Status = Literal["missed", "duplicate", "schedule-only", "matched"]
STATUSES: tuple[Status, ...] = ("missed", "duplicate", "schedule-only", "matched")


@dataclass(frozen=True)
class ComparedAlert:
    """One alert of either mode, what Elastic's schedule did with it, and why."""

    status: Status
    alert: Alert
    """The event-time alert (for schedule-only: the first run's)."""
    runs: tuple[Run, ...]
    """The runs that raised it."""
    reason: str


@dataclass(frozen=True)
class Comparison:
    """Every alert compared (missed, duplicate, schedule-only, then matched), with the replay."""

    alerts: tuple[ComparedAlert, ...]
    rules: tuple[RuleReplay, ...]
    files: tuple[DeliveredFile, ...]
    summary: RunSummary

    def count(self, status: Status) -> int:
        """How many alerts have this status."""
        return sum(1 for entry in self.alerts if entry.status == status)


def compare_schedule(
    paths: Sequence[Path],
    rules: Sequence[Rule],
    options: ScanOptions | None = None,
    settings: ScheduleSettings | None = None,
    on_diagnostic: Diagnostic | None = None,
) -> Comparison:
    """Replay Elastic's schedule over the files and compare its alerts with event time's."""
    options = options or ScanOptions()
    with Replayer.open(paths, rules, options, settings, on_diagnostic) as replayer:
        entries: list[ComparedAlert] = []
        replays = []
        for index in range(len(replayer.timed.plans)):
            replay = replayer.replay_rule(index)
            replays.append(replay)
            entries += _compare_rule(replayer, index, replay)
        order = {status: rank for rank, status in enumerate(STATUSES)}
        entries.sort(key=lambda entry: order[entry.status])  # stable: rule, then group order
        return Comparison(
            tuple(entries), tuple(replays), replayer.timed.files, replayer.counters.frozen()
        )


def _compare_rule(replayer: Replayer, index: int, replay: RuleReplay) -> list[ComparedAlert]:
    raised: dict[str, list[tuple[Run, Alert]]] = {}
    for result in replay.runs:
        for alert in result.alerts:
            raised.setdefault(alert.uuid, []).append((result.run, alert))
    rows = {row.location: row for row in replayer.timed.rows[index]}
    entries: list[ComparedAlert] = []
    event_time = replayer.event_time_alerts(index)
    for alert in event_time:
        found = raised.get(alert.uuid, [])
        runs = tuple(run for run, _ in found)
        evidence = [rows[e.location] for e in alert.evidence if e.location in rows]
        if not found:
            reason = _missed_reason(replayer, index, replay, alert, evidence)
            entries.append(ComparedAlert("missed", alert, runs, reason))
        elif len(found) > 1 and replay.aggregating:
            entries.append(
                ComparedAlert("duplicate", alert, runs, _duplicate_reason(replay, found, evidence))
            )
        else:
            entries.append(
                ComparedAlert("matched", alert, runs, _matched_reason(replay, found, evidence))
            )
    known = {alert.uuid for alert in event_time}
    for uuid, found in raised.items():
        if uuid not in known:
            runs = tuple(run for run, _ in found)
            reason = (
                f"raised by run {_runs_text(runs)} but not over all events at once "
                "(the query is not monotonic in its input)"
            )
            entries.append(ComparedAlert("schedule-only", found[0][1], runs, reason))
    return entries


def _missed_reason(
    replayer: Replayer, index: int, replay: RuleReplay, alert: Alert, evidence: list[TimedRow]
) -> str:
    schedule = replay.schedule
    total = len(evidence)
    seen: dict[datetime, tuple[Run, int]] = {}
    unselected = 0
    for row in evidence:
        key = row.ingested if schedule.selected_by == "event.ingested" else row.event_time
        indexes = schedule.run_indexes(key, row.ingested) if key is not None else range(0)
        if not indexes:
            unselected += 1
        for k in indexes:
            run = schedule.run(k)
            previous = seen.get(run.at, (run, 0))[1]
            seen[run.at] = (run, previous + 1)
    parts: list[str] = []
    whole = [run for run, count in seen.values() if count == total]
    if whole:
        return (
            f"run {_runs_text(whole)} saw all {total} events but raised no alert for this group "
            "(a limit or NOW() in the query)"
        )
    if seen:
        pieces = []
        for at in sorted(seen):
            run, count = seen[at]
            measured = _measures(replayer.probe(index, run).get(alert.uuid), alert.group_key)
            pieces.append(f"run {run.label} saw {count} of {total} events{measured}")
        parts.append("window split across runs: " + ", ".join(pieces))
    if unselected:
        if schedule.selected_by == "@timestamp":
            why = "ingested after every run whose range covered their @timestamp"
        else:
            why = "ingested between two runs' ranges (the look-back is shorter than the interval)"
        parts.append(f"{unselected} of {total} events were {why}")
    text = "; ".join(parts) or "no run selected its events"
    return text + _ingest_note(evidence) + _measures(alert, alert.group_key, " (event time: ")


def _duplicate_reason(
    replay: RuleReplay, found: list[tuple[Run, Alert]], evidence: list[TimedRow]
) -> str:
    runs = tuple(run for run, _ in found)
    overlap = replay.schedule.overlap
    text = f"raised by runs {_runs_text(runs)}"
    if overlap:
        text += f", whose ranges overlap by {format_span(overlap)}"
    text += _ingest_note(evidence)
    return text + "; an aggregating rule's alert gets a new id in every run"


def _matched_reason(
    replay: RuleReplay, found: list[tuple[Run, Alert]], evidence: list[TimedRow]
) -> str:
    run, raised = found[0]
    text = f"raised by run {run.label}"
    last = max((row.event_time for row in evidence if row.event_time is not None), default=None)
    if last is not None:
        text += f", {format_span(run.at - last)} after its last event"
    if len(raised.evidence) < len(evidence):
        text += f"; that run saw {len(raised.evidence)} of its {len(evidence)} events"
    if len(found) > 1:
        text += f" (also runs {_runs_text(tuple(r for r, _ in found[1:]))}: Elastic deduplicates "
        text += "a non-aggregating rule's alerts by event)"
    return text


def _ingest_note(evidence: list[TimedRow]) -> str:
    """When the events were ingested, and how late after they happened."""
    if not evidence:
        return ""
    first = min(row.ingested for row in evidence)
    last = max(row.ingested for row in evidence)
    when = iso_seconds(first) if first == last else f"{iso_seconds(first)} to {iso_seconds(last)}"
    times = [row.event_time for row in evidence if row.event_time is not None]
    delay = ""
    if times:
        delay = f", up to {format_span(last - min(times))} after the events"
    return f" (ingested {when}{delay})"


def _measures(
    alert: Alert | None, group_key: Sequence[tuple[str, object]], opening: str = " ("
) -> str:
    """The numbers a run computed for a group (`Esql.bucket_arn_count_distinct=9`)."""
    if alert is None:
        return ""
    keys = {name for name, _ in group_key}
    numbers = [
        f"{name}={value}"
        for name, value in alert.values.items()
        if name not in keys and isinstance(value, int | float) and not isinstance(value, bool)
    ]
    return f"{opening}{', '.join(numbers)})" if numbers else ""


def _runs_text(runs: Sequence[Run]) -> str:
    labels = [run.label for run in runs]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


__all__ = ["STATUSES", "ComparedAlert", "Comparison", "Status", "compare_schedule"]
