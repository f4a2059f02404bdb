"""`scan --schedule elastic`: the options that replay Elastic's schedule, and its output."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import orjson
import typer
from rich.console import Console
from rich.table import Table

from trailsweep.alerts import Alert, alert_document
from trailsweep.errors import TrailsweepError
from trailsweep.pipeline import ScanOptions
from trailsweep.rules import Rule
from trailsweep.schedule import (
    Replay,
    RuleReplay,
    ScheduleSettings,
    iso_seconds,
    parse_span,
    replay_schedule,
    run_alert_id,
)

SCHEDULES = ("elastic",)

ScheduleOpt = Annotated[
    str | None,
    typer.Option(
        "--schedule",
        help="elastic: replay Elastic's schedule (a run every interval over `from`, selecting "
        "by the files' delivery time) and print each run's alerts.",
    ),
]
IntervalOpt = Annotated[
    str | None,
    typer.Option("--interval", help="With --schedule: time between runs (default: the rule's)."),
]
LookbackOpt = Annotated[
    str | None,
    typer.Option(
        "--lookback",
        help="With --schedule: how far back a run searches (default: the rule's from).",
    ),
]
FirstRunOpt = Annotated[
    datetime | None,
    typer.Option(
        "--first-run",
        help="With --schedule: a run's start (ISO, UTC); the others every interval before and "
        "after (default: 30 s past each interval boundary of the clock).",
    ),
]


def schedule_settings(
    interval: str | None, lookback: str | None, first_run: datetime | None
) -> ScheduleSettings:
    """The settings the schedule options give (TrailsweepError when one is invalid)."""
    if first_run is not None and first_run.tzinfo is None:
        first_run = first_run.replace(tzinfo=UTC)
    return ScheduleSettings(
        interval=parse_span(interval, "--interval") if interval is not None else None,
        lookback=parse_span(lookback.removeprefix("now-"), "--lookback") if lookback else None,
        first_run=first_run,
    )


def scan_on_schedule(
    paths: Sequence[Path],
    rules: Sequence[Rule],
    options: ScanOptions,
    schedule: str,
    settings: tuple[str | None, str | None, datetime | None],
    fmt: str,
    output: Path | None,
    stats: Path | None,
    quiet: bool,
    fail_on_alert: bool,
) -> NoReturn:
    """`scan --schedule elastic`: print every run's alerts (a table per rule, or NDJSON with
    the run), then the summary; exit as `scan` does."""
    from trailsweep.cli import main as cli

    if schedule not in SCHEDULES:
        cli._usage(f"--schedule must be {' or '.join(SCHEDULES)}, not {schedule!r}")
    if fmt not in ("table", "ndjson"):
        cli._usage("--schedule prints a table or ndjson")
    try:
        replay = replay_schedule(
            paths, rules, options, schedule_settings(*settings), cli._print_diagnostic
        )
    except TrailsweepError as exc:
        cli._usage(str(exc))
    if fmt == "table":
        target = sys.stdout if output is None else output.open("w", encoding="utf-8")
        render_runs(replay, Console(file=target, highlight=False))
    else:
        lines = b"".join(orjson.dumps(doc) + b"\n" for doc in run_documents(replay))
        if output is None:
            sys.stdout.buffer.write(lines)
            sys.stdout.buffer.flush()
        else:
            output.write_bytes(lines)
    alerts = sum(len(result.alerts) for rule in replay.rules for result in rule.runs)
    cli._finish(replay.summary, stats, quiet, alerts=alerts, fail_on_alert=fail_on_alert)


def run_documents(replay: Replay) -> list[dict[str, Any]]:
    """Every run's alerts as alert documents, each with the run that raised it."""
    documents: list[dict[str, Any]] = []
    for rule in replay.rules:
        for result in rule.runs:
            for row_index, alert in enumerate(result.alerts):
                document = alert_document(alert)
                document["trailsweep.schedule.run"] = iso_seconds(result.run.at)
                document["trailsweep.schedule.range"] = {
                    "gte": iso_seconds(result.run.start),
                    "lte": iso_seconds(result.run.at),
                    "field": rule.schedule.selected_by,
                }
                document["trailsweep.schedule.run_alert_id"] = run_alert_id(
                    rule.rule, result.run, row_index
                )
                documents.append(document)
    return documents


def render_runs(replay: Replay, console: Console) -> None:
    """One table per rule: each run that raised alerts, and its alerts."""
    for rule in replay.rules:
        console.print(_heading(rule), markup=False, soft_wrap=True)
        table = Table(show_lines=True)
        table.add_column("run", no_wrap=True)
        for column in ("searched", "events", "alert group", "values"):
            table.add_column(column)
        for result in rule.runs:
            for alert in result.alerts:
                table.add_row(
                    result.run.label,
                    f"{rule.schedule.selected_by} {iso_seconds(result.run.start)} "
                    f"to {iso_seconds(result.run.at)}",
                    str(result.events),
                    group_text(alert),
                    numbers_text(alert),
                )
        if table.row_count:
            console.print(table)


def _heading(rule: RuleReplay) -> str:
    alerts = sum(len(result.alerts) for result in rule.runs)
    return (
        f"{rule.rule.name}: runs {rule.schedule.describe()}; {len(rule.runs)} run(s) selected "
        f"events, {alerts} alert(s)"
    )


def group_text(alert: Alert) -> str:
    """An alert's group, one value a line."""
    return "\n".join(str(value) for _, value in alert.group_key)


def numbers_text(alert: Alert) -> str:
    """The alert's numeric result columns (`Esql.bucket_arn_count_distinct=18`)."""
    keys = {name for name, _ in alert.group_key}
    return "\n".join(
        f"{name}={value}"
        for name, value in alert.values.items()
        if name not in keys and isinstance(value, int | float) and not isinstance(value, bool)
    )
