"""The alert document carries the context under `trailsweep.context`; the CLI adds it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.scenarios.builders import FORMAT_WRITERS, Counter, sweep
from trailsweep.alerts import alert_document
from trailsweep.cli.main import app
from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules
from trailsweep.triage import CONTEXT_KEY

KEYS = [
    "window",
    "actor",
    "first_event",
    "last_event",
    "evidence_events",
    "activity",
    "notable_events",
    "notable_events_omitted",
    "bucket_changes",
    "other_source_ips",
    "first_seen",
    "user_agents",
    "asn_organization",
    "baseline",
    "baseline_note",
    "risk",
    "burst",
]
runner = CliRunner()


def test_no_context_no_key(tmp_path: Path) -> None:
    FORMAT_WRITERS["ndjson"](sweep(Counter(), 16), tmp_path)
    (alert,) = scan([tmp_path], bundled_rules()).alerts
    assert CONTEXT_KEY not in alert_document(alert)


def test_scan_writes_the_context_when_asked(tmp_path: Path) -> None:
    FORMAT_WRITERS["ndjson"](sweep(Counter(), 16), tmp_path)
    result = runner.invoke(app, ["scan", str(tmp_path), "--format", "ndjson", "-q"])
    assert CONTEXT_KEY not in json.loads(result.stdout)
    result = runner.invoke(app, ["scan", str(tmp_path), "--format", "ndjson", "-q", "--context"])
    (line,) = result.stdout.splitlines()
    context = json.loads(line)[CONTEXT_KEY]
    assert list(context) == KEYS
    assert context["window"]["minutes"] == 30
    result = runner.invoke(
        app,
        ["scan", str(tmp_path), "--format", "ndjson", "-q", "--context", "--context-minutes", "5"],
    )
    assert json.loads(result.stdout)[CONTEXT_KEY]["window"]["minutes"] == 5
    result = runner.invoke(app, ["scan", str(tmp_path), "--format", "ndjson", "-q", "--no-context"])
    assert CONTEXT_KEY not in json.loads(result.stdout)


def test_store_scan_writes_the_context_with_a_baseline(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    FORMAT_WRITERS["ndjson"](sweep(Counter(), 16), source)
    store = tmp_path / "store"
    assert runner.invoke(app, ["ingest", str(source), "--store", str(store), "-q"]).exit_code == 0
    result = runner.invoke(app, ["store-scan", str(store), "--format", "ndjson", "-q"])
    context = json.loads(result.stdout)[CONTEXT_KEY]
    assert context["baseline"]["summary"] == (
        "16 buckets in 10 s; this principal's previous maximum is 0 over 14 days"
    )
