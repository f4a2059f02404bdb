"""Sinks: where alerts and documents go (NDJSON, OCSF findings, Elasticsearch `_bulk`, the
terminal), and the alert sinks of `trailsweep watch` (file, stdout, webhook, Slack)."""

from __future__ import annotations

from trailsweep.sinks.alert_events import AlertEvent, AlertSink
from trailsweep.sinks.alert_file import AlertFileSink
from trailsweep.sinks.alert_stdout import AlertStdoutSink
from trailsweep.sinks.bulk import DEFAULT_INDEX, bulk_lines, write_bulk
from trailsweep.sinks.ndjson import write_ndjson
from trailsweep.sinks.ocsf import ocsf_finding, write_ocsf
from trailsweep.sinks.slack_message import slack_text
from trailsweep.sinks.table import render_alert_table
from trailsweep.sinks.webhook import WebhookSink

__all__ = [
    "DEFAULT_INDEX",
    "AlertEvent",
    "AlertFileSink",
    "AlertSink",
    "AlertStdoutSink",
    "WebhookSink",
    "bulk_lines",
    "ocsf_finding",
    "render_alert_table",
    "slack_text",
    "write_bulk",
    "write_ndjson",
    "write_ocsf",
]
