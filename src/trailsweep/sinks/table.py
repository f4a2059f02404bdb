"""Terminal sink: alerts as readable tables (rich), one per rule, for a person at a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from trailsweep.alerts import Alert

MAX_LISTED = 2
MAX_DETAILS = 3


def render_alert_table(alerts: Sequence[Alert], console: Console) -> None:
    """Per rule: one row per alert with the group it fired for, its first investigation fields
    (the rule's own choice of what matters) and the start of its id."""
    if not alerts:
        console.print("[green]No alerts.[/green]")
        return
    for _, grouped in groupby(alerts, key=lambda alert: alert.rule.rule_id):
        rule_alerts = list(grouped)
        console.print(_rule_table(rule_alerts))


def _rule_table(alerts: list[Alert]) -> Table:
    first = alerts[0]
    group = [name for name, _ in first.group_key if name in first.values]
    wanted = first.rule.investigation_fields or tuple(first.values)
    details = [name for name in wanted if name not in group and name in first.values]
    columns = group + details[:MAX_DETAILS]
    title = f"{escape(first.rule.name)}: {len(alerts)} alert(s)"
    table = Table(title=title, title_justify="left")
    for name in columns:
        table.add_column(escape(_short(name)), overflow="fold")
    table.add_column("alert id", no_wrap=True)
    for alert in alerts:
        cells = [escape(_listed(alert.values.get(name))) for name in columns]
        table.add_row(*cells, alert.uuid[:8])
    return table


def _short(name: str) -> str:
    short = name.removeprefix("Esql.")
    for prefix, replacement in (
        ("aws_cloudtrail_", ""),
        ("aws.cloudtrail.", ""),
        ("time_window_date_trunc", "window"),
    ):
        short = short.replace(prefix, replacement)
    return short


def _listed(value: Any) -> str:
    # Values are attacker-controlled (ARNs, user agents): the caller escapes them for rich.
    if not isinstance(value, list):
        return "" if value is None else str(value)
    shown = ", ".join(str(item) for item in value[:MAX_LISTED])
    if len(value) > MAX_LISTED:
        shown += f" (+{len(value) - MAX_LISTED} more)"
    return shown
