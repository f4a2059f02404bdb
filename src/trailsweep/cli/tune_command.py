"""`trailsweep tune`: evidence for picking a threshold and window, from files or the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from trailsweep.alerts.allowlist import Allowlist
from trailsweep.cli.allowlist_options import AllowlistOpt, TodayOpt, allowlist_in_force
from trailsweep.cli.arguments import JobsOpt, QuietOpt
from trailsweep.cli.options import EXIT_OK, EXIT_REJECTED_INPUT
from trailsweep.errors import TrailsweepError
from trailsweep.pipeline import ScanOptions
from trailsweep.rules import bundled_rules, load_rules
from trailsweep.tune import render_tune, tune_files, tune_json, tune_store

TunePathsArg = Annotated[
    list[Path] | None, typer.Argument(help="Files or folders of CloudTrail (or use --store).")
]
TuneStoreOpt = Annotated[
    Path | None, typer.Option("--store", help="Measure over this event store instead.")
]
TuneRuleOpt = Annotated[
    Path | None,
    typer.Option("--rule", help="A rule file with ?threshold and ?window (default: bundled)."),
]
JsonOpt = Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON.")]
TimeOpt = Annotated[str | None, typer.Option(help="With --store: ISO date or time (UTC).")]


def register(app: typer.Typer) -> None:
    """Add `tune` to the `trailsweep` application."""
    app.command("tune")(tune_command)


def tune_command(
    paths: TunePathsArg = None,
    store: TuneStoreOpt = None,
    since: TimeOpt = None,
    until: TimeOpt = None,
    rule_path: TuneRuleOpt = None,
    json_path: JsonOpt = None,
    allowlist_paths: AllowlistOpt = None,
    today: TodayOpt = None,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Report peak distinct-bucket fan-out per principal and IP, and how many alerts each
    threshold (5 to 50) and window (5 s to 60 s) would have raised."""
    from trailsweep.cli import main as cli
    from trailsweep.cli.store_commands import parse_store_time

    if bool(paths) == (store is not None):
        cli._usage("give either PATH... or --store DIR")
    if store is None and (since or until):
        cli._usage("--since and --until go with --store")
    try:
        rule = load_rules([rule_path])[0] if rule_path else bundled_rules()[0]
    except (TrailsweepError, IndexError) as exc:
        cli._usage(str(exc) or f"no rule in {rule_path}")
    allowlist = allowlist_in_force(allowlist_paths, today, cli._print_diagnostic, cli._usage)
    if store is not None and allowlist.in_mode("drop"):
        cli._usage("drop-mode allowlist entries apply while reading files, not to --store")
    options = ScanOptions(jobs=jobs, allowlist=Allowlist(allowlist.in_mode("drop")))
    try:
        if store is not None:
            report = tune_store(
                store,
                rule,
                options,
                parse_store_time(since, "--since"),
                parse_store_time(until, "--until"),
            )
        else:
            report = tune_files(paths or [], rule, options, on_diagnostic=cli._print_diagnostic)
    except TrailsweepError as exc:
        cli._usage(str(exc))
    render_tune(report, Console(highlight=False))
    if json_path is not None:
        json_path.write_bytes(orjson.dumps(tune_json(report), option=orjson.OPT_INDENT_2))
    if not quiet:
        cli.stderr.print(cli._summary_line(report.summary, None), markup=False)
    raise typer.Exit(EXIT_REJECTED_INPUT if report.summary.had_rejections else EXIT_OK)
