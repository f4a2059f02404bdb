"""Rendering the report: jinja2 templates shipped with the package, HTML with autoescaping.

Every value from an alert is data an attacker may have written (a user agent, an ARN in a forged
log file): in HTML it is autoescaped text, in markdown backslash-escaped text. Only the report's
own markup (the chart's numbers, the rule guide rendered by `note_html`) is emitted as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from trailsweep.report.fields import timestamp
from trailsweep.report.inputs import ReportAlert
from trailsweep.report.markdown_text import MarkdownSafe, escape_markdown
from trailsweep.report.note import note_html, note_markdown
from trailsweep.report.view import AlertView, alert_views

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
"""No script, no fetch, no frame: the page needs nothing but its own inline styles."""

TITLE = "trailsweep report"


@dataclass(frozen=True)
class ReportHeader:
    """What the report says about its run: when, over what, and anything worth noting."""

    generated: datetime = field(default_factory=lambda: datetime.now(UTC))
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@cache
def _html_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("trailsweep.report", "templates"),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["note_html"] = note_html
    env.filters["when"] = when
    env.filters["capitalize_first"] = capitalize_first
    return env


@cache
def _markdown_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("trailsweep.report", "templates"),
        autoescape=False,
        finalize=escape_markdown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["capitalize_first"] = capitalize_first
    env.filters["when"] = when
    env.filters["note_markdown"] = lambda note: MarkdownSafe(note_markdown(note))
    env.filters["bar"] = lambda n, peak: MarkdownSafe("█" * round(24 * n / peak) if peak else "")
    return env


def when(value: str | None) -> str:
    """An ISO time as `YYYY-MM-DD HH:MM:SS UTC` (milliseconds when there are any); a value that
    is not a time is shown as it is, and a missing one as a dash."""
    if value is None:
        return "—"
    moment = timestamp(value)
    if moment is None:
        return value
    text = f"{moment:%Y-%m-%d %H:%M:%S}"
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + " UTC"


def capitalize_first(text: str) -> str:
    """The text with its first letter upper-cased (the rest left alone, unlike `capitalize`)."""
    return text[:1].upper() + text[1:]


def render_html(alerts: Sequence[ReportAlert], header: ReportHeader | None = None) -> str:
    """The whole report as one self-contained HTML page (inline CSS and SVG, no script)."""
    template = _html_environment().get_template("report.html")
    return template.render(**_variables(alerts, header))


def render_markdown(alerts: Sequence[ReportAlert], header: ReportHeader | None = None) -> str:
    """The report as markdown (the chart as a table of seconds)."""
    template = _markdown_environment().get_template("report.md")
    return template.render(**_variables(alerts, header))


def _variables(alerts: Sequence[ReportAlert], header: ReportHeader | None) -> dict[str, object]:
    header = header or ReportHeader()
    views: list[AlertView] = alert_views(alerts)
    generated = header.generated
    if generated.tzinfo is not None:
        generated = generated.astimezone(UTC)
    return {
        "title": TITLE,
        "csp": CONTENT_SECURITY_POLICY,
        "generated": f"{generated:%Y-%m-%d %H:%M:%S} UTC",
        "sources": header.sources,
        "notes": header.notes,
        "alerts": views,
    }
