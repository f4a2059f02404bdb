"""`trailsweep scan` from the command line: formats, summary, exit codes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.scenarios.builders import FORMAT_WRITERS, Counter, sweep
from trailsweep.cli.main import app

runner = CliRunner()


def _burst(folder: Path, count: int = 20) -> list[dict[str, object]]:
    records = sweep(Counter(), count)
    FORMAT_WRITERS["s3-delivery"](records, folder)
    return records


def test_ndjson_alert_document(tmp_path: Path) -> None:
    records = _burst(tmp_path)
    result = runner.invoke(app, ["scan", str(tmp_path), "--format", "ndjson", "--quiet"])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    alert = json.loads(line)
    assert alert["Esql.bucket_arn_count_distinct"] == 20
    assert alert["Esql.time_window_date_trunc"] == "2026-03-14T10:00:00.000Z"
    assert alert["source.ip"] == "198.51.100.7"
    assert alert["kibana.alert.rule.rule_id"] == "a7577205-88a1-4a08-85d4-7b72a9a2e969"
    assert alert["kibana.alert.severity"] == "low" and alert["kibana.alert.risk_score"] == 21
    assert [t["tactic"]["id"] for t in alert["threat"]] == ["TA0007", "TA0009"]
    assert alert["trailsweep.evidence.event_ids"] == sorted(str(r["eventID"]) for r in records)
    assert len(alert["Esql.aws_cloudtrail_resources_arn_values"]) == 20
    assert alert["Esql.timestamp_values"][0] == "2026-03-14T10:00:01.000Z"
    assert alert["Esql.cloud_account_id_values"] == "111122223333"
    assert alert["Esql.data_stream_namespace_values"] == "default"
    assert alert["Esql.source_as_organization_name_values"] is None


def test_same_input_same_alert_id(tmp_path: Path) -> None:
    _burst(tmp_path)
    first = runner.invoke(app, ["scan", str(tmp_path), "-f", "ndjson", "-q"]).stdout
    second = runner.invoke(app, ["scan", str(tmp_path), "-f", "ndjson", "-q"]).stdout
    assert json.loads(first)["kibana.alert.uuid"] == json.loads(second)["kibana.alert.uuid"]


def test_threshold_and_window_overrides(tmp_path: Path) -> None:
    _burst(tmp_path, 10)
    assert runner.invoke(app, ["scan", str(tmp_path), "-f", "ndjson", "-q"]).stdout == ""
    lowered = runner.invoke(app, ["scan", str(tmp_path), "-f", "ndjson", "-q", "--threshold", "9"])
    assert json.loads(lowered.stdout)["trailsweep.rule.parameters"] == {
        "threshold": 9,
        "window": "10 seconds",
    }
    widened = runner.invoke(
        app, ["scan", str(tmp_path), "-f", "ndjson", "-q", "--threshold", "9", "--window", "1m"]
    )
    assert json.loads(widened.stdout)["Esql.time_window_date_trunc"] == "2026-03-14T10:00:00.000Z"


def test_namespace_option(tmp_path: Path) -> None:
    _burst(tmp_path)
    result = runner.invoke(
        app, ["scan", str(tmp_path), "-f", "ndjson", "-q", "--namespace", "prod"]
    )
    assert json.loads(result.stdout)["Esql.data_stream_namespace_values"] == "prod"


def test_output_file_and_stats(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    _burst(logs)
    out, stats = tmp_path / "alerts.ndjson", tmp_path / "stats.json"
    result = runner.invoke(app, ["scan", str(logs), "-o", str(out), "--stats", str(stats), "-q"])
    assert result.exit_code == 0
    assert len(out.read_text().splitlines()) == 1
    summary = json.loads(stats.read_text())
    assert summary["records"] == {
        "read": 20,
        "evaluated": 20,
        "rejected": 0,
        "rejected_by_reason": {},
        "with_warnings": 0,
        "dropped_by_prefilter": 0,
        "dropped_by_allowlist": 0,
    }
    assert summary["alerts"]["total"] == 1


def test_bad_input_is_reported_and_counted_and_the_run_goes_on(tmp_path: Path) -> None:
    _burst(tmp_path)
    good = sweep(Counter(), 1)[0]
    (tmp_path / "bad.jsonl").write_text(
        "\n".join(
            [
                json.dumps(good),
                "{not json",
                json.dumps({**good, "eventTime": "yesterday"}),
                json.dumps({**good, "resources": "arn:aws:s3:::x"}),
                json.dumps({**good, "userIdentity": None}),
                json.dumps([1, 2]),
            ]
        )
    )
    (tmp_path / "cut.json.gz").write_bytes(gzip.compress(b'{"Records": []}' * 200)[:30])
    (tmp_path / "empty.json").write_bytes(b"")
    stats = tmp_path / "stats.json"
    result = runner.invoke(app, ["scan", str(tmp_path), "-f", "ndjson", "--stats", str(stats)])
    assert result.exit_code == 3
    assert len(result.stdout.splitlines()) == 1  # the burst still alerts
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert any("bad.jsonl:2" in e and "invalid JSON" in e for e in errors)
    assert any("bad.jsonl:3" in e and "eventTime" in e for e in errors)
    assert any("bad.jsonl:6" in e and "not an object" in e for e in errors)
    assert any("cut.json.gz" in e and "gzip" in e for e in errors)
    assert any("empty.json" in e and "empty file" in e for e in errors)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert any("bad.jsonl:4" in w and "resources" in w for w in warnings)
    # A null userIdentity cannot pass the rule (no identity type), so the prefilter drops the
    # record unread; `normalize` reads everything and says what Elastic would ignore.
    normalized = runner.invoke(app, ["normalize", str(tmp_path / "bad.jsonl")])
    assert any("bad.jsonl:5" in w and "userIdentity" in w for w in normalized.stderr.splitlines())
    summary = json.loads(stats.read_text())
    records = summary["records"]
    assert records["read"] == 20 + 6
    assert records["read"] == records["evaluated"] + records["rejected"]
    assert records["rejected"] == 3
    assert summary["files"]["rejected"] == 2


def test_fail_on_alert_exit_code(tmp_path: Path) -> None:
    _burst(tmp_path)
    result = runner.invoke(app, ["scan", str(tmp_path), "-f", "ndjson", "-q", "--fail-on-alert"])
    assert result.exit_code == 1
    quiet = tmp_path / "none"
    _burst(quiet, 3)
    result = runner.invoke(app, ["scan", str(quiet), "-f", "ndjson", "-q", "--fail-on-alert"])
    assert result.exit_code == 0


@pytest.mark.parametrize(
    "arguments",
    [
        ["--window", "soon"],
        ["--window", "0s"],
        ["--threshold", "-1"],
        ["--format", "xml"],
        ["--bogus"],
        ["--asn-db", "/nonexistent.mmdb"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, arguments: list[str]) -> None:
    _burst(tmp_path)
    assert runner.invoke(app, ["scan", str(tmp_path), *arguments]).exit_code == 2


def test_rule_file_that_does_not_load_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[rule\n")
    result = runner.invoke(app, ["scan", str(tmp_path), "--rule", str(bad)])
    assert result.exit_code == 2
    assert "bad.toml:1" in result.stderr


def test_table_output_escapes_markup(tmp_path: Path) -> None:
    arn = "arn:aws:iam::111122223333:user/[bold red]mallory[/bold red]"
    records = sweep(Counter(), 16, arn=arn)
    FORMAT_WRITERS["ndjson"](records, tmp_path)
    result = runner.invoke(
        app, ["scan", str(tmp_path), "--format", "table", "-q"], env={"COLUMNS": "400"}
    )
    assert result.exit_code == 0
    assert "1 alert(s)" in result.stdout
    assert arn in result.stdout  # printed as text, the markup not interpreted


def test_console_script_and_module_entry_points(tmp_path: Path) -> None:
    _burst(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "trailsweep", "scan", str(tmp_path), "--format", "ndjson"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert len(completed.stdout.splitlines()) == 1
    assert "records: 20 read, 20 evaluated, 0 rejected" in completed.stderr
