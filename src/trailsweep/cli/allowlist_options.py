"""`--allowlist`, `--today`, `--show-suppressed` and `--ledger`: allowlists on the command line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.text import Text

from trailsweep.alerts.allowlist import Allowlist, expiry_warning
from trailsweep.alerts.allowlist_loader import load_allowlists
from trailsweep.alerts.fields import alert_fields
from trailsweep.alerts.ledger import SuppressedAlert, ledger_document
from trailsweep.errors import TrailsweepError

AllowlistOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--allowlist",
        help="Allowlist file (TOML; repeatable): drop matching events or suppress alerts.",
    ),
]
TodayOpt = Annotated[
    str | None,
    typer.Option(
        "--today", help="The date allowlist expiry is checked against (default: today, UTC)."
    ),
]
ShowSuppressedOpt = Annotated[
    bool,
    typer.Option("--show-suppressed", help="Print the alerts an allowlist entry suppressed."),
]
LedgerOpt = Annotated[
    Path | None,
    typer.Option("--ledger", help="Write the suppressed alerts (with their entry) as NDJSON."),
]


def allowlist_in_force(
    paths: Sequence[Path] | None,
    today: str | None,
    warn: Callable[[str, str], None],
    usage: Callable[[str], object],
) -> Allowlist:
    """Load the allowlist files and keep the entries in force; expired ones are warned about.
    A file that does not load is a usage error."""
    if not paths:
        return Allowlist()
    try:
        day = date.fromisoformat(today) if today else datetime.now(UTC).date()
    except ValueError:
        usage(f"--today: {today!r} is not a date (YYYY-MM-DD)")
        return Allowlist()
    try:
        allowlist = load_allowlists(paths)
    except TrailsweepError as exc:
        usage(str(exc))
        return Allowlist()
    live, expired = allowlist.in_force(day)
    for entry in expired:
        warn("warning", expiry_warning(entry))
    return live


def emit_ledger(
    suppressed: Sequence[SuppressedAlert], show: bool, ledger: Path | None, console: Console
) -> None:
    """Print the ledger when asked, and write it as NDJSON to `ledger` when given."""
    if ledger is not None:
        with ledger.open("wb") as stream:
            for item in suppressed:
                stream.write(orjson.dumps(ledger_document(item), option=orjson.OPT_APPEND_NEWLINE))
    if show:
        render_ledger(suppressed, console)


def render_ledger(suppressed: Sequence[SuppressedAlert], console: Console) -> None:
    """The ledger as cards (ARNs are long): rule, principal, IP, window, and the entry that
    suppressed the alert with its owner, reason and expiry."""
    if not suppressed:
        console.print("No alerts were suppressed.", markup=False)
        return
    console.print(Text(f"Suppressed alerts: {len(suppressed)}", style="bold"))
    for number, item in enumerate(suppressed, start=1):
        seen = alert_fields(item.alert, ("aws.cloudtrail.user_identity.arn", "source.ip"))
        entry = item.entry
        rows = (
            ("principal", _text(seen.get("aws.cloudtrail.user_identity.arn"))),
            ("source.ip", _text(seen.get("source.ip"))),
            ("window", _text(item.alert.values.get("Esql.time_window_date_trunc"))),
            ("entry", f"{entry.id} ({entry.location})"),
            ("owner", entry.owner),
            ("reason", entry.reason),
            ("expires", entry.expires.isoformat()),
        )
        # Text, never markup: ARNs, user agents and reasons are not rich markup.
        card = Text(f"[{number}] ", style="bold cyan")
        card.append(item.alert.rule.name, style="bold")
        card.append(f"  {item.alert.uuid}", style="dim")
        for label, value in rows:
            card.append(f"\n    {label.ljust(9)}  ", style="dim")
            card.append(value)
        console.print(card)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
