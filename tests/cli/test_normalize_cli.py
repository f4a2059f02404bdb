"""`trailsweep normalize` reproduces Elastic's pipeline fixtures on every field the rule reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trailsweep.cli.main import app
from trailsweep.normalize import flatten_document

runner = CliRunner()

# Every field the seed rule reads, keeps or outputs.
RULE_FIELDS = (
    "@timestamp",
    "data_stream.dataset",
    "event.provider",
    "event.outcome",
    "event.action",
    "aws.cloudtrail.user_identity.type",
    "aws.cloudtrail.user_identity.arn",
    "aws.cloudtrail.user_identity.access_key_id",
    "source.ip",
    "aws.cloudtrail.resources.arn",
    "aws.cloudtrail.session_credential_from_console",
    "cloud.account.id",
    "cloud.region",
    "user_agent.original",
    "user_agent.name",
    "source.as.organization.name",
)
# data_stream.* comes from Fleet's index template, not the pipeline, so expected files lack it.
NOT_IN_PIPELINE_OUTPUT = {"data_stream.dataset"}


def _fixture_pairs(shared_dir: Path) -> list[Path]:
    folder = shared_dir / "fixtures" / "elastic-cloudtrail-pipeline"
    return sorted(folder.glob("test-*.log"))


def _comparable(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value


def test_normalize_command_matches_every_fixture_on_the_rule_fields(shared_dir: Path) -> None:
    databases = shared_dir / "fixtures" / "maxmind-test-db"
    logs = _fixture_pairs(shared_dir)
    assert len(logs) == 12
    for log in logs:
        result = runner.invoke(
            app,
            [
                "normalize",
                str(log),
                "--asn-db",
                str(databases / "GeoLite2-ASN-Test.mmdb"),
                "--city-db",
                str(databases / "GeoLite2-City-Test.mmdb"),
                "--quiet",
            ],
        )
        assert result.exit_code == 0, result.stderr
        produced = [flatten_document(json.loads(line)) for line in result.stdout.splitlines()]
        expected_docs = json.loads(Path(f"{log}-expected.json").read_text())["expected"]
        # A blank line at the end of a .log yields a near-empty document in Elastic (no provider);
        # trailsweep reads no record there.
        expected = [flatten_document(d) for d in expected_docs if "provider" in d.get("event", {})]
        assert len(produced) == len(expected), log.name
        for index, (ours, theirs) in enumerate(zip(produced, expected, strict=True)):
            for field in RULE_FIELDS:
                if field in NOT_IN_PIPELINE_OUTPUT:
                    assert ours[field] == "aws.cloudtrail"
                    continue
                where = f"{log.name} record {index} field {field}"
                assert _comparable(ours.get(field)) == _comparable(theirs.get(field)), where


def test_normalize_output_is_bulk_ready_nested_json(tmp_path: Path, shared_dir: Path) -> None:
    log = shared_dir / "fixtures/elastic-cloudtrail-pipeline/test-get-bucket-policy-json.log"
    out = tmp_path / "ecs.ndjson"
    result = runner.invoke(app, ["normalize", str(log), "-o", str(out), "--namespace", "ep"])
    assert result.exit_code == 0
    (document,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert document["data_stream"] == {
        "dataset": "aws.cloudtrail",
        "namespace": "ep",
        "type": "logs",
    }
    assert document["event"]["action"] == "GetBucketPolicy"
    assert "records: 1 read, 1 evaluated, 0 rejected" in result.stderr


@pytest.mark.parametrize("bad", ["{oops\n", '{"eventName": "x", "eventTime": "later"}\n'])
def test_normalize_reports_bad_records_and_exits_3(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(bad)
    result = runner.invoke(app, ["normalize", str(path)])
    assert result.exit_code == 3
    assert f"{path}:1" in result.stderr or f"{path} record 0" in result.stderr
    assert "alerts" not in result.stderr
