"""Every shared Elastic CloudTrail rule parses; each compiles and runs, or is refused precisely."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

import pytest

from trailsweep.errors import EsqlUnsupportedError
from trailsweep.esql import FieldSpec, Query, compile_query, parse_query

from .runner import EsqlRunner, events_table

RULES = "rules/elastic-aws-esql"

# Rules whose queries use a command trailsweep does not compile yet: (rule, command, line).
UNSUPPORTED = {
    "discovery_servicequotas_multi_region_service_quota_requests.toml": "DISSECT",
    "execution_aws_ec2_lolbin_via_ssm.toml": "DISSECT",
    "execution_ec2_stop_start_with_user_data_modification.toml": "GROK",
    "execution_lambda_function_invoked_cross_account.toml": "GROK",
    "exfiltration_bedrock_high_frequency_inference_api_probing.toml": "GROK",
    "impact_s3_object_encryption_with_external_key.toml": "DISSECT",
    "lateral_movement_k8_assumed_web_identity_session_with_multi_phase_api_use.toml": "GROK",
    "persistence_iam_user_self_created_access_key_subsequently_used.toml": "GROK",
    "persistence_sagemaker_lifecycle_config_suspicious_script_content.toml": "GROK",
    "privilege_escalation_sagemaker_execution_role_passed_by_unusual_principal.toml": "GROK",
}

DATES = {"@timestamp", "event.ingested"}
MULTIVALUED = {"aws.cloudtrail.resources.arn", "aws.cloudtrail.resources.type"}
IPS = {"source.ip"}


def _rule_files(shared_dir: Path) -> list[Path]:
    files = sorted((shared_dir / RULES).glob("*.toml"))
    assert len(files) == 20
    return files


def _load(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    query = tomllib.loads(text)["rule"]["query"]
    # The query starts on the line after `query = '''` (TOML drops that first newline).
    opening = text.index("query = '''")
    line_offset = text.count("\n", 0, opening) + 1
    return parse_query(query, origin=path.name, line_offset=line_offset)


def _schema(query: Query) -> dict[str, FieldSpec]:
    schema: dict[str, FieldSpec] = {}
    for name in sorted(query.source_fields()):
        if name in DATES:
            schema[name] = FieldSpec(name, "date")
        elif name in IPS:
            schema[name] = FieldSpec(name, "ip")
        else:
            schema[name] = FieldSpec(name, "keyword", multivalued=name in MULTIVALUED)
    return schema


def test_all_rules_parse(shared_dir: Path) -> None:
    for path in _rule_files(shared_dir):
        query = _load(path)
        assert query.commands, path.name


def test_rules_compile_and_run_or_are_refused_with_a_position(
    shared_dir: Path, esql: EsqlRunner
) -> None:
    compiled_rules = []
    for path in _rule_files(shared_dir):
        query = _load(path)
        schema = _schema(query)
        params = {"__now__": datetime(2026, 4, 2, 12, 0)}
        if path.name in UNSUPPORTED:
            with pytest.raises(EsqlUnsupportedError) as caught:
                compile_query(query, schema, params)
            error = caught.value
            assert f"the {UNSUPPORTED[path.name]} command is not supported" in error.message
            assert error.location is not None and error.location.path == path.name
            line = path.read_text(encoding="utf-8").splitlines()[(error.location.line or 0) - 1]
            assert line.lstrip().lower().startswith(f"| {UNSUPPORTED[path.name].lower()}")
            continue
        compiled = compile_query(query, schema, params)
        esql.connection.register("events", events_table(list(schema.values()), [{}]))
        rows = esql.connection.sql(compiled.sql).fetchall()
        assert len(rows) <= 1, path.name
        compiled_rules.append(path.name)
    assert len(compiled_rules) == 10
