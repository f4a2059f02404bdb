"""The triage context is read defensively: every part optional, odd types left out."""

from __future__ import annotations

from typing import Any

import pytest

from trailsweep.report import ReportAlert, read_context, render_html, render_markdown

from .conftest import hostile_context, hostile_document

ODD_CONTEXTS: list[Any] = [
    {},
    {"window": None, "actor": "x", "activity": {"a": 1}, "burst": {"per_second": "x"}},
    {"activity": [None, 3, {"count": 2}], "bucket_changes": [{}], "user_agents": [{"family": 1}]},
    {"first_seen": [], "baseline": "x", "risk": {"score": "high", "reasons": "one reason"}},
    {"burst": {"per_second": [{"second": "2026-03-14T10:00:01Z", "buckets": True}]}},
    {"actor": {"access_keys": [{"id": None}, {"id": "ASIAX"}, "AKIA"]}},
]


@pytest.mark.parametrize("context", ODD_CONTEXTS)
def test_odd_contexts_render(context: Any) -> None:
    document = hostile_document()
    document["trailsweep.context"] = context
    alert = ReportAlert(document)
    assert 'class="alert"' in render_html([alert])
    assert "## Alert 1" in render_markdown([alert])


def test_context_is_read() -> None:
    context = read_context(hostile_document(**hostile_context()))
    assert context is not None
    assert [key.kind for key in context.access_keys] == ["long-term"]
    assert [row.notable for row in context.activity] == [False, True]
    assert context.baseline is not None and context.baseline.sentence == "<s>"
    assert context.risk is not None and context.risk.score == 71
    assert context.burst is not None and context.burst[0].by_action == {"<a>": 2}
    assert context.first_seen is not None and context.first_seen.user_agent is None


def test_no_context_is_none() -> None:
    assert read_context(hostile_document()) is None
    assert read_context({"trailsweep.context": None}) is None


def test_null_baseline_is_said() -> None:
    context = hostile_context()
    context["baseline"] = None
    html = render_html([ReportAlert(hostile_document(**context))])
    assert "No baseline: no earlier history of this actor." in html
    context["baseline_note"] = "no baseline: it needs an event store"
    html = render_html([ReportAlert(hostile_document(**context))])
    assert "No baseline: it needs an event store." in html


def test_risk_from_context_replaces_the_rule_score_in_the_overview() -> None:
    html = render_html([ReportAlert(hostile_document(**hostile_context()))])
    assert "risk 71 (rule base 21)" in html


def test_access_key_kind_without_context() -> None:
    document = hostile_document()
    document["Esql.aws_cloudtrail_user_identity_access_key_id_values"] = ["AKIAONE", "ASIATWO"]
    html = render_html([ReportAlert(document)])
    assert 'AKIAONE</code> <span class="badge kind-long-term">long-term' in html
    assert 'ASIATWO</code> <span class="badge kind-temporary">temporary' in html
