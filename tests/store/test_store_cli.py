"""`trailsweep ingest` and `trailsweep store-scan` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.scenarios.builders import Counter, sweep
from tests.store.conftest import write_records
from trailsweep.cli.main import app as main_app
from trailsweep.cli.store_commands import parse_store_time, register

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    # The commands as `cli.main` registers them, on an app of their own.
    application = typer.Typer(pretty_exceptions_enable=False)
    register(application)
    return application


def _input(folder: Path) -> Path:
    write_records(folder / "burst.json.gz", sweep(Counter(), 20))
    (folder / "broken.json").write_text("{")
    return folder


def test_ingest_then_store_scan_equals_scan(app: typer.Typer, tmp_path: Path) -> None:
    folder, store = _input(tmp_path / "in"), tmp_path / "store"
    stats = tmp_path / "stats.json"
    result = runner.invoke(
        app, ["ingest", str(folder), "--store", str(store), "--stats", str(stats)]
    )
    assert result.exit_code == 3, result.output  # the broken file
    assert "invalid JSON" in result.stderr
    assert "ingested 1 file(s), 0 already present; 20 events written" in result.stderr
    written = json.loads(stats.read_text())
    assert written["store"]["records_written"] == 20 and written["files"]["rejected"] == 1

    again = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "--quiet"])
    assert again.exit_code == 3 and "invalid JSON" in again.stderr  # reported again, not stored

    # The triage context differs by design (only the store has a baseline): compare alerts.
    ndjson = ["--format", "ndjson", "--quiet", "--no-context"]
    scanned = runner.invoke(app, ["store-scan", str(store), *ndjson])
    assert scanned.exit_code == 0, scanned.output
    direct = runner.invoke(main_app, ["scan", str(folder), *ndjson])
    assert scanned.stdout == direct.stdout and scanned.stdout.count("\n") == 1

    failing = runner.invoke(app, ["store-scan", str(store), "--fail-on-alert", "-f", "ndjson"])
    assert failing.exit_code == 1
    assert "files: 1 read" in failing.stderr and "alerts: 1" in failing.stderr


def test_store_scan_options(app: typer.Typer, tmp_path: Path) -> None:
    folder, store = _input(tmp_path / "in"), tmp_path / "store"
    runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-q"])
    base = ["store-scan", str(store), "-f", "ndjson", "-q"]
    later = runner.invoke(app, [*base, "--since", "2026-03-14T10:00:03Z"])
    assert later.exit_code == 0 and later.stdout == ""
    lower = runner.invoke(app, [*base, "--since", "2026-03-14T10:00:03Z", "--threshold", "10"])
    assert json.loads(lower.stdout)["Esql.bucket_arn_count_distinct"] == 12
    day = runner.invoke(app, [*base, "--since", "2026-03-14", "--until", "2026-03-15"])
    assert day.stdout.count("\n") == 1
    output = tmp_path / "alerts.ndjson"
    wide = runner.invoke(app, [*base, "--window", "1m", "-o", str(output)])
    assert wide.exit_code == 0 and output.read_text().count("\n") == 1


@pytest.mark.parametrize(
    "arguments",
    [
        ["--since", "yesterday"],
        ["--since", "2026-03-15", "--until", "2026-03-14"],
        ["--format", "xml"],
        ["--window", "0s"],
        ["--rule", "/no/such/rule.toml"],
    ],
)
def test_store_scan_usage_errors(app: typer.Typer, tmp_path: Path, arguments: list[str]) -> None:
    folder, store = _input(tmp_path / "in"), tmp_path / "store"
    runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-q"])
    result = runner.invoke(app, ["store-scan", str(store), *arguments])
    assert result.exit_code == 2, result.output


def test_store_scan_of_a_folder_that_is_not_a_store(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["store-scan", str(tmp_path)])
    assert result.exit_code == 2 and "not an event store" in result.stderr


def test_parse_store_time() -> None:
    assert str(parse_store_time("2026-03-14", "--since")) == "2026-03-14 00:00:00"
    assert str(parse_store_time("2026-03-14T12:00:00+02:00", "--since")) == "2026-03-14 10:00:00"
    assert str(parse_store_time("2026-03-14T12:00:00Z", "--since")) == "2026-03-14 12:00:00"
    assert parse_store_time(None, "--since") is None
