"""`trailsweep report` end to end on a simulated day: every alert, and the intruder's follow-on."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.simulate.trail_files import records_by_file
from trailsweep.cli.main import app
from trailsweep.simulate import simulate_day

from .markup import markdown_as_html, read_page

runner = CliRunner()


@pytest.fixture(scope="module")
def reported_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A small simulated day, reported to day.html and day.md beside it."""
    root = tmp_path_factory.mktemp("report-day")
    trail = root / "trail"
    simulate_day(trail, events=3_000, seed=1)
    result = runner.invoke(
        app,
        ["report", str(trail), "-o", str(root / "day.html"), "--markdown", str(root / "day.md")],
    )
    assert result.exit_code == 0, result.output
    return root, json.loads((trail / "manifest.json").read_text())


def _sections(page: str) -> list[str]:
    return page.split('<section class="alert"')[1:]


def _expected(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [alert for s in manifest["scenarios"] for alert in s["expected_alerts"]]


def test_every_alert_has_a_section(reported_day: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = reported_day
    sections = [html.unescape(s) for s in _sections((root / "day.html").read_text())]
    expected = _expected(manifest)
    assert len(sections) == len(expected) > 0
    for alert in expected:
        (section,) = [
            s
            for s in sections
            if f"<code>{alert['source.ip']}</code>" in s
            and alert["aws.cloudtrail.user_identity.arn"] in s
            and f"Buckets ({alert['Esql.bucket_arn_count_distinct']})" in s
            and all(event_id in s for event_id in alert["event_ids"])
        ]
        assert 'class="burst"' in section and 'class="segment"' in section


def test_overview_links_every_section(reported_day: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = reported_day
    page = read_page((root / "day.html").read_text())
    links = [a["href"] for tag, a in page.elements if tag == "a" and a.get("href", "")]
    ids = [a["id"] for tag, a in page.elements if a.get("class") == "alert"]
    assert ids == [f"alert-{n}" for n in range(1, len(_expected(manifest)) + 1)]
    assert all(f"#{anchor}" in links for anchor in ids)


def test_intruder_follow_on_is_shown(reported_day: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = reported_day
    (intruder,) = [s for s in manifest["scenarios"] if s["name"] == "intruder_sweep"]
    (alert,) = intruder["expected_alerts"]
    actions = {
        record["eventID"]: record["eventName"]
        for records in records_by_file(root / "trail").values()
        for record in records
        if record["eventID"] in set(intruder["follow_on_event_ids"])
    }
    assert {"PutBucketPolicy", "GetObject"} <= set(actions.values())
    (section,) = [
        s
        for s in _sections((root / "day.html").read_text())
        if f"<code>{alert['source.ip']}</code>" in s
    ]
    rows = re.findall(r"<tr[^>]*>.*?</tr>", section, re.DOTALL)
    for event_id, action in actions.items():
        if action in ("PutBucketPolicy", "GetObject"):
            assert any(event_id in row and f"<code>{action}</code>" in row for row in rows), action
    changes = section.split('class="bucket-changes"')[1].split("</table>")[0]
    assert "PutBucketPolicy" in changes
    assert "Follow-on context was not computed" not in section


def test_markdown_report_has_every_alert(reported_day: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = reported_day
    markdown = (root / "day.md").read_text()
    page = read_page(markdown_as_html(markdown))
    expected = _expected(manifest)
    assert len(re.findall(r"^## Alert \d+: ", markdown, re.MULTILINE)) == len(expected)
    for alert in expected:
        assert alert["source.ip"] in page.text
        assert alert["aws.cloudtrail.user_identity.arn"] in page.text
    assert "PutBucketPolicy" in page.text and "GetObject" in page.text


def test_no_context_says_so(tmp_path: Path, hostile_trail: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(hostile_trail), "-o", str(out), "--no-context"])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert page.count("Follow-on context was not computed") == 2
    assert "Triage context was not computed (--no-context)." in page


@pytest.mark.parametrize(
    "arguments",
    [
        ["report", "{trail}"],
        ["report", "-o", "{out}"],
        ["report", "{trail}", "--store", "{trail}", "-o", "{out}"],
        ["report", "{trail}", "-o", "{out}", "--window", "soon"],
    ],
)
def test_usage_errors(arguments: list[str], tmp_path: Path, hostile_trail: Path) -> None:
    filled = [a.format(trail=hostile_trail, out=tmp_path / "r.html") for a in arguments]
    result = runner.invoke(app, filled)
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "r.html").exists()


def test_fail_on_alert(tmp_path: Path, hostile_trail: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(
        app, ["report", str(hostile_trail), "-o", str(out), "--fail-on-alert", "--quiet"]
    )
    assert result.exit_code == 1 and out.is_file()


def test_report_from_the_event_store(tmp_path: Path, hostile_trail: Path) -> None:
    store = tmp_path / "store"
    ingested = runner.invoke(app, ["ingest", str(hostile_trail), "--store", str(store), "-q"])
    assert ingested.exit_code == 0, ingested.output
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "--store", str(store), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert page.count('<section class="alert"') == 2
    assert "Follow-on context was not computed" not in page
