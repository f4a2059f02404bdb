"""Reading ECS fields off an alert: the field's own column, else Elastic's `Esql.*_values`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trailsweep.alerts.model import Alert


def values_column(field: str) -> str:
    """The column Elastic's rules name the distinct values of an ECS field in.

    >>> values_column("user_agent.original")
    'Esql.user_agent_original_values'
    >>> values_column("@timestamp")
    'Esql.timestamp_values'
    """
    return "Esql." + field.lstrip("@").replace(".", "_") + "_values"


def alert_fields(alert: Alert, fields: Sequence[str]) -> dict[str, Any]:
    """The values of these ECS fields that an alert carries (its own column, else the
    `Esql.<field>_values` column, which may hold null); a field the alert lacks is left out."""
    found: dict[str, Any] = {}
    for field in fields:
        for column in (field, values_column(field)):
            if column in alert.values:
                found[field] = alert.values[column]
                break
    return found


def as_list(value: Any) -> list[Any]:
    """A JSON value as a list: a list as is, a scalar in a list, null as empty."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
