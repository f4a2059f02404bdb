"""Turning a rule's result rows into alerts with stable ids and evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from trailsweep.alerts.ids import alert_uuid
from trailsweep.alerts.model import Alert, Evidence
from trailsweep.alerts.values import json_value
from trailsweep.errors import Location
from trailsweep.rules.model import Rule


def build_alert(
    rule: Rule,
    values: Mapping[str, Any],
    group_by: Sequence[str],
    evidence_rows: Sequence[int],
    event_ids: Sequence[str | None],
    locations: Sequence[Location],
    parameters: Mapping[str, object],
) -> Alert:
    """One alert from one result row.

    For an aggregating query the group key is the row's BY values; for a row-per-event query it
    is the events behind the row plus the row itself, so that re-running over the same input
    yields the same id and an overlapping run updates instead of duplicating.
    """
    rendered = {name: json_value(value) for name, value in values.items()}
    if not group_by:
        # A row-per-event result's columns depend on which fields the batch happened to hold
        # (KEEP aws.* keeps whatever aws.* fields exist); Elastic drops null columns
        # (drop_null_columns), so a null value says nothing and is left out, keeping the row,
        # and its id, the same whatever else was read.
        rendered = {name: value for name, value in rendered.items() if value is not None}
    evidence = tuple(Evidence(event_ids[row], locations[row]) for row in evidence_rows)
    if group_by:
        group_key = tuple((name, rendered.get(name)) for name in group_by)
    else:
        ids = sorted({e.event_id or str(e.location) for e in evidence})
        group_key = (("__events", ids), *sorted(rendered.items(), key=lambda item: item[0]))
    return Alert(
        uuid=alert_uuid(rule.rule_id, rule.version, [list(pair) for pair in group_key]),
        rule=rule,
        values=rendered,
        group_key=group_key,
        evidence=evidence,
        parameters=dict(parameters),
    )


def alert_sort_key(alert: Alert) -> str:
    """The order alerts of one rule are listed in: by group key (window, principal ...)."""
    return repr([(name, "" if value is None else value) for name, value in alert.group_key])
