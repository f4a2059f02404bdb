"""`scan`/`store-scan` with `--allowlist`: both modes, expiry, the ledger, errors, summary."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.scenarios.builders import FORMAT_WRITERS, Counter, sweep
from trailsweep.cli.main import app

runner = CliRunner()

ENTRY = """[[entry]]
id = "{id}"
owner = "secops@example.com"
reason = "Quarterly audit, CHG-1234"
expires = {expires}
mode = "{mode}"
principal_arn = "arn:aws:iam::*:user/mallory"
"""


def _setup(tmp_path: Path, mode: str, expires: str = "2026-03-31") -> tuple[Path, Path]:
    logs = tmp_path / "logs"
    logs.mkdir()
    FORMAT_WRITERS["ndjson"](sweep(Counter(), 20), logs)
    allow = tmp_path / "allow.toml"
    allow.write_text("# exceptions\n" + ENTRY.format(id="audit", mode=mode, expires=expires))
    return logs, allow


def _scan(logs: Path, allow: Path, *extra: str) -> list[str]:
    return ["scan", str(logs), "-f", "ndjson", "--allowlist", str(allow), *extra]


def test_suppress_show_and_ledger(tmp_path: Path) -> None:
    logs, allow = _setup(tmp_path, "suppress")
    ledger = tmp_path / "ledger.ndjson"
    args = _scan(logs, allow, "--today", "2026-03-31", "--show-suppressed", "--ledger", str(ledger))
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    stderr = result.stderr
    assert "Suppressed alerts: 1" in stderr
    assert f"entry      audit ({allow}:2:1)" in stderr
    assert "owner      secops@example.com" in stderr
    assert "reason     Quarterly audit, CHG-1234" in stderr
    assert "expires    2026-03-31" in stderr
    assert "principal  arn:aws:iam::111122223333:user/mallory" in stderr
    assert stderr.rstrip().endswith(
        "records: 20 read, 20 evaluated, 0 rejected; alerts: 0 (1 suppressed)"
    )
    (line,) = ledger.read_text().splitlines()
    document = json.loads(line)
    assert document["Esql.bucket_arn_count_distinct"] == 20
    assert document["trailsweep.suppressed_by"]["id"] == "audit"
    assert document["trailsweep.suppressed_by"]["location"] == f"{allow}:2:1"


def test_drop_counts_in_summary_and_stats(tmp_path: Path) -> None:
    logs, allow = _setup(tmp_path, "drop")
    stats = tmp_path / "stats.json"
    result = runner.invoke(app, _scan(logs, allow, "--today", "2026-03-01", "--stats", str(stats)))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.rstrip().endswith(
        "records: 20 read, 20 evaluated, 0 rejected, 20 dropped by allowlist; alerts: 0"
    )
    summary = json.loads(stats.read_text())
    assert summary["records"]["dropped_by_allowlist"] == 20
    assert summary["allowlist"] == {"by_entry": {"audit": 20}}
    assert summary["alerts"]["suppressed"] == 0


def test_expired_entry_warns_and_does_not_apply(tmp_path: Path) -> None:
    logs, allow = _setup(tmp_path, "drop", expires="2026-03-13")
    result = runner.invoke(app, _scan(logs, allow, "--today", "2026-03-14"))
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr.splitlines()[0] == (
        f"warning: {allow}:2:1: allowlist entry 'audit' (owner secops@example.com) expired on "
        "2026-03-13 and no longer applies; renew or remove it"
    )


def test_bad_allowlist_is_a_usage_error_with_its_location(tmp_path: Path) -> None:
    logs, allow = _setup(tmp_path, "ignore")
    result = runner.invoke(app, _scan(logs, allow))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {allow}:7:8: 'mode' must be \"drop\" or \"suppress\", not 'ignore'"
    )
    bad_day = runner.invoke(app, _scan(logs, allow, "--today", "tomorrow"))
    assert bad_day.exit_code == 2


def test_store_scan_suppresses_and_refuses_drop(tmp_path: Path) -> None:
    logs, allow = _setup(tmp_path, "suppress")
    store = tmp_path / "store"
    assert runner.invoke(app, ["ingest", str(logs), "--store", str(store), "-q"]).exit_code == 0
    args = ["store-scan", str(store), "-f", "ndjson", "--allowlist", str(allow)]
    result = runner.invoke(app, [*args, "--today", "2026-03-14", "--show-suppressed"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "Suppressed alerts: 1" in result.stderr
    allow.write_text(ENTRY.format(id="audit", mode="drop", expires="2026-03-31"))
    refused = runner.invoke(app, [*args, "--today", "2026-03-14"])
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"error: {allow}:1:1: allowlist entry 'audit' has mode")
