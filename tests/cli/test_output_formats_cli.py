"""`--format ocsf` and `--format bulk` from the command line; progress only on a terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from tests.scenarios.builders import FORMAT_WRITERS, Counter, sweep
from trailsweep.cli.main import app
from trailsweep.cli.progress import progress_fields, scan_progress
from trailsweep.pipeline import scan
from trailsweep.progress import ScanProgress
from trailsweep.rules import bundled_rules

runner = CliRunner()


def _logs(tmp_path: Path) -> Path:
    for number in range(3):
        folder = tmp_path / "logs" / f"part{number}"
        folder.mkdir(parents=True)
        FORMAT_WRITERS["ndjson"](
            sweep(Counter(number * 100), 20, source_ip=f"198.51.100.{number}"), folder
        )
    return tmp_path / "logs"


def test_ocsf_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(_logs(tmp_path)), "-f", "ocsf", "-q"])
    assert result.exit_code == 0, result.output
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert [f["class_uid"] for f in findings] == [2004, 2004, 2004]
    assert [f["evidences"][0]["src_endpoint"]["ip"] for f in findings] == [
        "198.51.100.0",
        "198.51.100.1",
        "198.51.100.2",
    ]


def test_bulk_format_and_index(tmp_path: Path) -> None:
    logs = _logs(tmp_path)
    ndjson = runner.invoke(app, ["scan", str(logs), "-f", "ndjson", "-q"]).stdout
    uuids = [json.loads(line)["kibana.alert.uuid"] for line in ndjson.splitlines()]
    result = runner.invoke(app, ["scan", str(logs), "-f", "bulk", "--bulk-index", "sec", "-q"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["create"] for line in lines[0::2]] == [{"_index": "sec", "_id": u} for u in uuids]
    assert [line["kibana.alert.uuid"] for line in lines[1::2]] == uuids


def test_unknown_format_lists_the_formats(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(tmp_path), "-f", "xml"])
    assert result.exit_code == 2
    assert "--format must be table, ndjson, ocsf, bulk, not 'xml'" in result.stderr


def test_piped_output_has_no_progress(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(_logs(tmp_path)), "-f", "ndjson"])
    assert result.exit_code == 0
    assert "scanning" not in result.stderr and "MB/s" not in result.stderr
    assert result.stderr.startswith("files: 3 read")


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    logs = _logs(tmp_path)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    seen: list[ScanProgress] = []
    with scan_progress(console, quiet=False) as on_progress:
        assert on_progress is not None

        def both(progress: ScanProgress) -> None:
            seen.append(progress)
            on_progress(progress)

        scan([logs], bundled_rules(), on_progress=both)
    sizes = sum(path.stat().st_size for path in logs.rglob("*.jsonl"))
    assert [(p.files_done, p.files_total, p.records_read) for p in seen] == [
        (0, 3, 0),
        (1, 3, 20),
        (2, 3, 40),
        (3, 3, 60),
    ]
    assert seen[-1].bytes_done == seen[-1].bytes_total == sizes
    assert "3/3 files" in screen.getvalue() and "60 records" in screen.getvalue()


def test_no_progress_when_quiet_or_not_a_terminal() -> None:
    with scan_progress(Console(file=io.StringIO(), force_terminal=True), quiet=True) as callback:
        assert callback is None
    with scan_progress(Console(file=io.StringIO()), quiet=False) as callback:
        assert callback is None


def test_progress_texts() -> None:
    progress = ScanProgress(2, 5, 3_000_000, 10_000_000, 12_345)
    assert progress_fields(progress, 2.0) == {
        "files": "2/5 files",
        "records": "12,345 records",
        "rate": "1.5 MB/s",
    }
