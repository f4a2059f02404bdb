"""The Spark engine raises exactly DuckDB's alerts: a simulated day, the public datasets with
every shared Elastic rule, the 40 hand-built rule cases, the event store and the CLI.

Spark runs in local mode in one session per test process (`spark_session` in conftest); every
Spark test is in the `spark` xdist group, so a `-n 2` run starts one JVM, not two.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.elastic_rules.generate import BUILDERS
from tests.elastic_rules.test_elastic_rules import Case
from tests.scenarios.builders import FORMAT_WRITERS, Counter, sweep
from trailsweep.alerts import alert_document
from trailsweep.cli.main import app
from trailsweep.engine.engines import EngineOptions
from trailsweep.pipeline import ScanOptions, ScanReport, scan
from trailsweep.rules import Rule, bundled_rules, load_rules
from trailsweep.simulate import simulate_day
from trailsweep.store import EventStore, IngestOptions, scan_store

pytestmark = pytest.mark.xdist_group("spark")

DUCKDB = EngineOptions("duckdb")
SPARK = EngineOptions("spark")
DATASETS = "fixtures/datasets"
RULES = "rules/elastic-aws-esql"
NOW = datetime(2026, 6, 1)
"""NOW() for the shared rules over the datasets: any fixed time, the same for both engines."""

runner = CliRunner()


@pytest.fixture(scope="module")
def spark_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated day with its alerting scenarios (and their near misses)."""
    folder = tmp_path_factory.mktemp("spark-day")
    manifest = simulate_day(folder, events=5_000, seed=11)
    assert manifest.expected_alert_count > 0
    return folder


def _documents(report: ScanReport) -> list[dict[str, Any]]:
    return [alert_document(alert) for alert in report.alerts]


def _both(paths: list[Path], rules: list[Rule], options: ScanOptions) -> tuple[ScanReport, ...]:
    return tuple(scan(paths, rules, replace(options, engine=engine)) for engine in (DUCKDB, SPARK))


def test_simulated_day_same_alerts(spark_session: Any, spark_day: Path) -> None:
    duckdb, spark = _both([spark_day], bundled_rules(), ScanOptions())
    assert len(duckdb.alerts) >= 5
    assert _documents(spark) == _documents(duckdb)
    assert spark.summary == duckdb.summary


def test_diagnostics_and_counts_come_back_from_the_executors(
    spark_session: Any, tmp_path: Path
) -> None:
    """Files read on Spark's executors report what a local read reports, in file order."""
    case = Case("discovery_s3_rapid_bucket_posture_api_calls")
    lines = (case.folder / "positive.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "a-events.jsonl").write_text("\n".join([*lines[:5], "{not json", *lines[5:]]))
    (tmp_path / "b-broken.json").write_bytes(b"\x1f\x8b not gzip")
    (tmp_path / "c-events.jsonl").write_text("\n".join(lines[:3]) + "\n")
    (tmp_path / "README.md").write_text("skipped")
    messages: dict[str, list[tuple[str, str]]] = {}
    reports = []
    for engine in (DUCKDB, SPARK):
        found: list[tuple[str, str]] = []
        reports.append(
            scan(
                [tmp_path],
                bundled_rules(),
                ScanOptions(engine=engine),
                on_diagnostic=lambda level, message, found=found: found.append((level, message)),
            )
        )
        messages[engine.name] = found
    assert messages["spark"] == messages["duckdb"]
    assert len(messages["duckdb"]) >= 2
    assert reports[1].summary == reports[0].summary
    assert reports[0].summary.files_rejected == 1
    assert _documents(reports[1]) == _documents(reports[0]) != []


def test_public_datasets_same_results(spark_session: Any, shared_dir: Path) -> None:
    """Every shared rule (and the bundled one) over the three datasets in one scan."""
    rules = [*bundled_rules(), *load_rules([shared_dir / RULES])]
    assert len(rules) == 21
    folder = shared_dir / DATASETS
    paths = sorted(path for path in folder.iterdir() if path.is_dir())
    assert len(paths) == 3
    duckdb, spark = _both(paths, rules, ScanOptions(now=NOW))
    assert _documents(spark) == _documents(duckdb)
    assert spark.summary == duckdb.summary
    seed_rule = bundled_rules()[0].rule_id
    assert not [alert for alert in spark.alerts if alert.rule.rule_id == seed_rule]
    assert spark.summary.records_evaluated > 0


def _cli_alerts(case: Case, which: str, shared_dir: Path, tmp_path: Path, *engine: str) -> str:
    args = [*case.scan_args(which, shared_dir, tmp_path), "--engine", *engine]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("stem", sorted(BUILDERS))
def test_rule_cases_same_alerts(
    spark_session: Any, shared_dir: Path, tmp_path: Path, stem: str
) -> None:
    """The positive and the negative set of each shared rule, through `trailsweep scan`. The
    files are read here (`--read-locally`): the other tests read on Spark's executors."""
    case = Case(stem)
    for which in ("positive", "negative"):
        duckdb = _cli_alerts(case, which, shared_dir, tmp_path, "duckdb")
        spark = _cli_alerts(case, which, shared_dir, tmp_path, "spark", "--read-locally")
        assert spark == duckdb, which
        assert bool(duckdb) == (which == "positive")


def test_store_scan_same_alerts(spark_session: Any, spark_day: Path, tmp_path: Path) -> None:
    store = EventStore(tmp_path / "store")
    # Small batches: several parts, written with different columns, read together.
    store.ingest([spark_day], IngestOptions(batch_rows=2_000))
    rules = bundled_rules()
    ranges = [(None, None), (datetime(2026, 3, 14, 9), datetime(2026, 3, 14, 17))]
    for since, until in ranges:
        reports = [
            scan_store(store.path, rules, ScanOptions(engine=engine), since, until)
            for engine in (DUCKDB, SPARK)
        ]
        assert _documents(reports[1]) == _documents(reports[0])
        assert reports[1].summary == reports[0].summary
    assert _documents(reports[0])


def test_cli_scan_and_store_scan(spark_session: Any, tmp_path: Path) -> None:
    folder = tmp_path / "trail"
    folder.mkdir()
    FORMAT_WRITERS["s3-delivery"](sweep(Counter(), 20), folder)
    base = ["scan", str(folder), "--format", "ndjson", "--quiet", "--no-context"]
    duckdb = runner.invoke(app, base)
    spark = runner.invoke(app, [*base, "--engine", "spark"])
    assert duckdb.exit_code == spark.exit_code == 0, spark.stderr
    assert spark.stdout == duckdb.stdout
    assert len([json.loads(line) for line in spark.stdout.splitlines()]) == 1
    store = tmp_path / "store"
    assert runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-q"]).exit_code == 0
    stored = ["store-scan", str(store), "-f", "ndjson", "-q", "--engine", "spark", "--no-context"]
    assert runner.invoke(app, stored).stdout == duckdb.stdout
