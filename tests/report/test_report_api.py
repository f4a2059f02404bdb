"""The report package's public surface, its shipped templates, and documents read back."""

from __future__ import annotations

from importlib import resources

import trailsweep.report as report
from trailsweep.rules import bundled_rules

from .conftest import hostile_document


def test_public_api_is_pinned() -> None:
    assert sorted(report.__all__) == sorted(
        [
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
    )


def test_templates_ship_with_the_package() -> None:
    templates = resources.files("trailsweep.report") / "templates"
    for name in ("report.html", "_alert.html", "_chart.html", "report.md"):
        assert (templates / name).is_file(), name


def test_documents_read_back_find_their_rule() -> None:
    unknown = dict(hostile_document(), **{"kibana.alert.rule.rule_id": "no-such-rule"})
    known, lost = report.report_alerts_from_documents(
        [hostile_document(), unknown], bundled_rules()
    )
    assert known.rule is not None and lost.rule is None
    page = report.render_html([known, lost])
    assert page.count("Work through these questions") == 1
    assert "The rule's guide is not available" in page
    # Without evidence pairs, the ids are listed and the records read are listed apart.
    assert "(records read)" in page and "id-2" in page
