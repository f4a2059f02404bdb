"""The report: alerts as one self-contained HTML page (or markdown) for the person triaging them.

`render_html(alerts)` / `render_markdown(alerts)` take `ReportAlert`s (an alert document, its
rule and evidence; `report_alert(alert)` makes one from an `Alert`). Triage context under
`trailsweep.context` is shown where present and said to be missing where not.
"""

from __future__ import annotations

from trailsweep.report.chart import Bar, Chart, SecondCount, layout_chart
from trailsweep.report.context import TriageContext, read_context
from trailsweep.report.inputs import ReportAlert, report_alert, report_alerts_from_documents
from trailsweep.report.markdown_text import escape_markdown
from trailsweep.report.render import (
    CONTENT_SECURITY_POLICY,
    TITLE,
    ReportHeader,
    render_html,
    render_markdown,
)

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "TITLE",
    "Bar",
    "Chart",
    "ReportAlert",
    "ReportHeader",
    "SecondCount",
    "TriageContext",
    "escape_markdown",
    "layout_chart",
    "read_context",
    "render_html",
    "render_markdown",
    "report_alert",
    "report_alerts_from_documents",
]
