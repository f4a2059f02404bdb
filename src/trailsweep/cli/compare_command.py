"""`trailsweep compare`: the alerts Elastic's schedule would miss or duplicate, with reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from trailsweep.cli.arguments import JobsOpt, PathsArg, QuietOpt, RulesOpt, ThresholdOpt, WindowOpt
from trailsweep.cli.options import EXIT_ALERTS, EXIT_OK, EXIT_REJECTED_INPUT
from trailsweep.cli.schedule_options import (
    FirstRunOpt,
    IntervalOpt,
    LookbackOpt,
    group_text,
    schedule_settings,
)
from trailsweep.errors import TrailsweepError
from trailsweep.pipeline import ScanOptions
from trailsweep.schedule import STATUSES, ComparedAlert, Comparison, compare_schedule, iso_seconds

JsonOpt = Annotated[Path | None, typer.Option("--json", help="Also write the comparison as JSON.")]
FailOnDifferenceOpt = Annotated[
    bool,
    typer.Option(
        "--fail-on-difference", help="Exit 1 when Elastic's schedule misses or duplicates any."
    ),
]
_STYLES = {"missed": "red", "duplicate": "yellow", "schedule-only": "magenta", "matched": "green"}


def register(app: typer.Typer) -> None:
    """Add `compare` to the `trailsweep` application."""
    app.command("compare")(compare_command)


def compare_command(
    paths: PathsArg,
    rule_paths: RulesOpt = None,
    threshold: ThresholdOpt = None,
    window: WindowOpt = None,
    interval: IntervalOpt = None,
    lookback: LookbackOpt = None,
    first_run: FirstRunOpt = None,
    json_path: JsonOpt = None,
    jobs: JobsOpt = None,
    fail_on_difference: FailOnDifferenceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List the alerts that Elastic's schedule (a run every interval over `from`, by ingest
    time = the files' delivery time) misses or raises twice, against event time, with reasons."""
    from trailsweep.cli import main as cli
    from trailsweep.cli.arguments import parameter_overrides

    try:
        overrides = parameter_overrides(threshold, window)
    except ValueError as exc:
        cli._usage(str(exc))
    rules = cli._rules(rule_paths)
    try:
        comparison = compare_schedule(
            paths,
            rules,
            ScanOptions(parameters=overrides, jobs=jobs),
            schedule_settings(interval, lookback, first_run),
            cli._print_diagnostic,
        )
    except TrailsweepError as exc:
        cli._usage(str(exc))
    render_comparison(comparison, Console(highlight=False))
    if json_path is not None:
        json_path.write_bytes(
            orjson.dumps(comparison_json(comparison), option=orjson.OPT_INDENT_2) + b"\n"
        )
    if not quiet:
        cli.stderr.print(cli._summary_line(comparison.summary, None), markup=False)
    differs = comparison.count("missed") + comparison.count("duplicate") > 0
    if fail_on_difference and differs:
        raise typer.Exit(EXIT_ALERTS)
    raise typer.Exit(EXIT_REJECTED_INPUT if comparison.summary.had_rejections else EXIT_OK)


def render_comparison(comparison: Comparison, console: Console) -> None:
    """The schedule of each rule, the counts, and one row per alert."""
    for rule in comparison.rules:
        console.print(
            f"{rule.rule.name}: Elastic runs it {rule.schedule.describe()} "
            f"({len(rule.runs)} run(s) selected events)",
            markup=False,
            soft_wrap=True,
        )
    console.print(_counts(comparison), markup=False, soft_wrap=True)
    table = Table(show_lines=True, expand=True)
    table.add_column("status", no_wrap=True)
    table.add_column("alert group", overflow="fold", ratio=1)
    table.add_column("runs", no_wrap=True)
    table.add_column("reason", overflow="fold", ratio=2)
    several = len(comparison.rules) > 1
    for entry in comparison.alerts:
        style = _STYLES[entry.status]
        group = group_text(entry.alert)
        if several:
            group = f"{entry.alert.rule.name}\n{group}"
        table.add_row(
            f"[{style}]{entry.status}[/{style}]",
            group,
            "\n".join(run.label for run in entry.runs) or "-",
            entry.reason,
        )
    if table.row_count:
        console.print(table)


def _counts(comparison: Comparison) -> str:
    counts = ", ".join(f"{comparison.count(status)} {status}" for status in STATUSES)
    return f"Elastic's schedule against event time: {counts}"


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as a JSON document."""
    return {
        "rules": [
            {
                "rule_id": rule.rule.rule_id,
                "name": rule.rule.name,
                "interval_seconds": int(rule.schedule.interval.total_seconds()),
                "lookback_seconds": int(rule.schedule.lookback.total_seconds()),
                "selected_by": rule.schedule.selected_by,
                "runs_with_events": len(rule.runs),
            }
            for rule in comparison.rules
        ],
        "counts": {status: comparison.count(status) for status in STATUSES},
        "alerts": [_entry_json(entry) for entry in comparison.alerts],
    }


def _entry_json(entry: ComparedAlert) -> dict[str, Any]:
    return {
        "status": entry.status,
        "kibana.alert.uuid": entry.alert.uuid,
        "kibana.alert.rule.rule_id": entry.alert.rule.rule_id,
        "group": dict(entry.alert.group_key),
        "values": dict(entry.alert.values),
        "runs": [iso_seconds(run.at) for run in entry.runs],
        "reason": entry.reason,
        "event_ids": list(entry.alert.event_ids),
    }
