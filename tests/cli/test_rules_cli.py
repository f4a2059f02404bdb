"""`trailsweep rules list` and `rules validate`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from trailsweep.cli.main import app

runner = CliRunner()

GOOD = """
[rule]
rule_id = "good"
name = "Good rule"
query = '''
from logs-aws.cloudtrail-*
| where event.action == "CreateUser"
'''
"""
ENRICH = GOOD.replace("good", "enrich").replace(
    '| where event.action == "CreateUser"',
    '| where event.action == "CreateUser"\n| enrich policy on user.name',
)
UNKNOWN_FUNCTION = GOOD.replace('event.action == "CreateUser"', 'frobnicate(event.action) == "x"')
SYNTAX = GOOD.replace('event.action == "CreateUser"', "event.action == ")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_validate_all_supported(tmp_path: Path) -> None:
    _write(tmp_path, "good.toml", GOOD)
    result = runner.invoke(app, ["rules", "validate", str(tmp_path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("ok\t")
    assert "1 of 1 rule(s) supported" in result.stderr


def test_validate_names_unsupported_constructs_and_positions(tmp_path: Path) -> None:
    _write(tmp_path, "a_good.toml", GOOD)
    enrich = _write(tmp_path, "b_enrich.toml", ENRICH)
    function = _write(tmp_path, "c_function.toml", UNKNOWN_FUNCTION)
    syntax = _write(tmp_path, "d_syntax.toml", SYNTAX)
    result = runner.invoke(app, ["rules", "validate", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok\t")
    assert any(line.startswith(f"unsupported\t{enrich}:8:3") and "ENRICH" in line for line in lines)
    assert any(
        line.startswith(f"unsupported\t{function}:7:9") and "frobnicate" in line.lower()
        for line in lines
    )
    assert any(line.startswith(f"error\t{syntax}:8:1") for line in lines)
    assert "1 of 4 rule(s) supported" in result.stderr


def test_validate_the_shared_elastic_rules(shared_dir: Path) -> None:
    result = runner.invoke(app, ["rules", "validate", str(shared_dir / "rules/elastic-aws-esql")])
    verdicts = [line.split("\t", 1)[0] for line in result.stdout.splitlines() if "\t" in line]
    assert len(verdicts) == 20
    assert "error" not in verdicts


def test_rules_list_shows_bundled_and_given(tmp_path: Path) -> None:
    given = _write(tmp_path, "good.toml", GOOD)
    result = runner.invoke(app, ["rules", "list", str(given)])
    assert result.exit_code == 0
    assert "bundled\ta7577205-88a1-4a08-85d4-7b72a9a2e969\tlow" in result.stdout
    assert "given\tgood\t" in result.stdout
