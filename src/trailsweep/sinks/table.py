"""Terminal sink: alerts as a readable table (rich), for a person at a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from trailsweep.alerts import Alert

MAX_LISTED = 3
MAX_DETAILS = 4


def render_alert_table(alerts: Sequence[Alert], console: Console) -> None:
    """One row per alert: the rule, the group it fired for, its first result columns, its id."""
    if not alerts:
        console.print("[green]No alerts.[/green]")
        return
    table = Table(title=f"{len(alerts)} alert(s)", show_lines=True)
    for heading in ("rule", "group", "details", "alert id"):
        table.add_column(heading, overflow="fold")
    for alert in alerts:
        grouped = {name for name, _ in alert.group_key}
        group = "\n".join(
            _pair(name, value) for name, value in alert.group_key if name in alert.values
        )
        details = [(k, v) for k, v in alert.values.items() if k not in grouped][:MAX_DETAILS]
        table.add_row(
            escape(alert.rule.name),
            group,
            "\n".join(_pair(name, value) for name, value in details),
            alert.uuid,
        )
    console.print(table)


def _pair(name: str, value: Any) -> str:
    # Values are attacker-controlled (ARNs, user agents): never let rich read them as markup.
    short = name.removeprefix("Esql.")
    return f"[dim]{escape(short)}[/dim] {escape(_listed(value))}"


def _listed(value: Any) -> str:
    if not isinstance(value, list):
        return "" if value is None else str(value)
    shown = ", ".join(str(item) for item in value[:MAX_LISTED])
    if len(value) > MAX_LISTED:
        shown += f" (+{len(value) - MAX_LISTED} more)"
    return shown
