"""Terminal sink: alerts as readable cards (rich), grouped by rule, for a person at a terminal.

Cards rather than a wide table: ARNs and user agents are long, and a card stays readable in an
80-column terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from rich.console import Console
from rich.text import Text

from trailsweep.alerts import Alert

MAX_LISTED = 2
MAX_DETAILS = 4


def render_alert_table(alerts: Sequence[Alert], console: Console) -> None:
    """Per rule, one card per alert: its id, the group it fired for, then the rule's first
    investigation fields (the rule's own choice of what matters)."""
    if not alerts:
        console.print("[green]No alerts.[/green]")
        return
    for _, grouped in groupby(alerts, key=lambda alert: alert.rule.rule_id):
        rule_alerts = list(grouped)
        heading = Text(f"{rule_alerts[0].rule.name}: {len(rule_alerts)} alert(s)", style="bold")
        console.print(heading)
        for number, alert in enumerate(rule_alerts, start=1):
            console.print(_card(number, alert))


def _card(number: int, alert: Alert) -> Text:
    group = [name for name, _ in alert.group_key if name in alert.values]
    wanted = alert.rule.investigation_fields or tuple(alert.values)
    details = [name for name in wanted if name not in group and name in alert.values]
    names = group + details[:MAX_DETAILS]
    width = max(len(_label(name)) for name in names) if names else 0
    # Text objects never interpret markup: ARNs and user agents are attacker-controlled.
    card = Text(f"\n[{number}] ", style="bold cyan")
    card.append(alert.uuid, style="dim")
    for name in names:
        card.append(f"\n    {_label(name).ljust(width)}  ", style="dim")
        card.append(_listed(alert.values.get(name)))
    return card


def _label(name: str) -> str:
    """A field name without the prefixes every row repeats (`Esql.`, `aws.cloudtrail.`)."""
    label = name.removeprefix("Esql.").removeprefix("aws.cloudtrail.")
    return label.removeprefix("aws_cloudtrail_")


def _listed(value: Any) -> str:
    if not isinstance(value, list):
        return "" if value is None else str(value)
    shown = ", ".join(str(item) for item in value[:MAX_LISTED])
    if len(value) > MAX_LISTED:
        shown += f" (+{len(value) - MAX_LISTED} more)"
    return shown
