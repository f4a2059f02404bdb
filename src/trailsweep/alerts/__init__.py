"""Alerts: result rows turned into alerts with stable ids, evidence and rule context."""

from __future__ import annotations

from trailsweep.alerts.build import alert_sort_key, build_alert
from trailsweep.alerts.document import alert_document
from trailsweep.alerts.ids import alert_uuid
from trailsweep.alerts.model import Alert, Evidence
from trailsweep.alerts.values import format_timestamp, json_value

__all__ = [
    "Alert",
    "Evidence",
    "alert_document",
    "alert_sort_key",
    "alert_uuid",
    "build_alert",
    "format_timestamp",
    "json_value",
]
