"""`trailsweep report`: scan (files or an event store), add triage context, write the report.

Registered by `cli.main` through `register(app)`; the shared helpers (rule loading, diagnostics,
summary, exit codes) are imported from `cli.main` when the command runs, as `store_commands`
does, so that `cli.main` can import this module at its top.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from trailsweep.cli.allowlist_options import AllowlistOpt, TodayOpt
from trailsweep.cli.arguments import (
    AsnOpt,
    CityOpt,
    EngineOpt,
    FailOnAlertOpt,
    JobsOpt,
    MasterOpt,
    NamespaceOpt,
    NowOpt,
    QuietOpt,
    RulesOpt,
    StatsOpt,
    ThresholdOpt,
    WindowOpt,
)
from trailsweep.cli.progress import scan_progress
from trailsweep.cli.triage_options import (
    ContextMinutesOpt,
    NoContextOpt,
    files_with_context,
    store_with_context,
)
from trailsweep.errors import TrailsweepError
from trailsweep.pipeline import ScanReport, scan
from trailsweep.report import ReportHeader, render_html, render_markdown, report_alert
from trailsweep.store import scan_store

ReportPathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or folders (searched recursively); none with --store."),
]
HtmlOutOpt = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="Write the HTML report (one self-contained file)."),
]
MarkdownOutOpt = Annotated[
    Path | None, typer.Option("--markdown", help="Also (or instead) write a markdown report.")
]
ReportStoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Scan this event store instead of files (context: baselines)."),
]


def register(app: typer.Typer) -> None:
    """Add `report` to the `trailsweep` application."""
    app.command("report")(report_command)


def report_command(
    paths: ReportPathsArg = None,
    output: HtmlOutOpt = None,
    markdown: MarkdownOutOpt = None,
    store: ReportStoreOpt = None,
    threshold: ThresholdOpt = None,
    window: WindowOpt = None,
    rule_paths: RulesOpt = None,
    asn_db: AsnOpt = None,
    city_db: CityOpt = None,
    namespace: NamespaceOpt = "default",
    now: NowOpt = None,
    jobs: JobsOpt = None,
    engine: EngineOpt = "duckdb",
    master: MasterOpt = None,
    allowlist_paths: AllowlistOpt = None,
    today: TodayOpt = None,
    context_minutes: ContextMinutesOpt = 30,
    no_context: NoContextOpt = False,
    stats: StatsOpt = None,
    fail_on_alert: FailOnAlertOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Scan, then write the alerts as a report for triage: one offline HTML file (-o) and/or
    markdown (--markdown), with each alert's actor, burst chart, follow-on activity and the
    rule's triage and response steps."""
    from trailsweep.cli import main as cli

    if output is None and markdown is None:
        cli._usage("give -o FILE.html, --markdown FILE.md, or both")
    if bool(paths) == (store is not None):
        cli._usage("give input files or folders, or --store DIR (not both)")
    options = cli.file_scan_options(
        threshold,
        window,
        (engine, master, False),
        jobs,
        now,
        (asn_db, city_db, namespace),
        (allowlist_paths, today),
    )
    rules = cli._rules(rule_paths)
    try:
        if store is not None:
            report = scan_store(store, rules, options, None, None, cli._print_diagnostic)
            if not no_context:
                report = store_with_context(report, store, context_minutes)
        else:
            with scan_progress(cli.stderr, quiet) as on_progress:
                report = scan(paths or [], rules, options, cli._print_diagnostic, on_progress)
            if not no_context:
                report = files_with_context(
                    report, paths or [], options.normalize, context_minutes, jobs
                )
    except TrailsweepError as exc:
        cli._usage(str(exc))
    sources = [str(store)] if store is not None else [str(path) for path in paths or []]
    header = report_header(report, sources, no_context)
    alerts = [report_alert(alert) for alert in report.alerts]
    for target, render in ((output, render_html), (markdown, render_markdown)):
        if target is None:
            continue
        try:
            target.write_text(render(alerts, header), encoding="utf-8")
        except OSError as exc:
            cli._usage(f"cannot write {target}: {exc.strerror or exc}")
    cli._finish(
        report.summary, stats, quiet, alerts=len(report.alerts), fail_on_alert=fail_on_alert
    )


def report_header(report: ScanReport, sources: list[str], no_context: bool) -> ReportHeader:
    """The report's header: the input, the run's summary line, and what was left out."""
    from trailsweep.cli import main as cli

    notes = ["Run: " + cli._summary_line(report.summary, len(report.alerts)) + "."]
    if no_context:
        notes.append("Triage context was not computed (--no-context).")
    if report.suppressed:
        notes.append(
            f"{len(report.suppressed)} alert(s) suppressed by allowlist entries are not shown."
        )
    return ReportHeader(datetime.now(UTC), tuple(sources), tuple(notes))
