"""Calls of the compute and operations services: EC2, Lambda, SSM, CloudWatch, Logs, CI."""

from __future__ import annotations

from trailsweep.simulate.inventory import Account
from trailsweep.simulate.record import Call

_EC2 = "ec2.amazonaws.com"


def ec2_describe(event_name: str, parameters: dict[str, object] | None = None) -> Call:
    """An EC2 `Describe*` call; EC2 logs empty filter sets as `{}`."""
    return Call(
        event_source=_EC2,
        event_name=event_name,
        request_parameters=parameters if parameters is not None else {"filterSet": {}},
        event_version="1.11",
    )


def ec2_background(account: Account) -> list[Call]:
    """The steady Describe* traffic of consoles, controllers and monitoring."""
    instances = {"items": [{"instanceId": i} for i in account.instance_ids[:3]]}
    return [
        ec2_describe("DescribeInstances", {"instancesSet": {}, "filterSet": {}}),
        ec2_describe("DescribeInstances", {"instancesSet": instances, "filterSet": {}}),
        ec2_describe("DescribeSecurityGroups", {"securityGroupSet": {}, "securityGroupIdSet": {}}),
        ec2_describe("DescribeSubnets", {"subnetSet": {}, "filterSet": {}}),
        ec2_describe("DescribeVpcs", {"vpcSet": {}, "filterSet": {}}),
        ec2_describe("DescribeInstanceStatus", {"instancesSet": {}, "filterSet": {}}),
        ec2_describe("DescribeVolumes", {"volumeSet": {}, "filterSet": {}}),
    ]


def karpenter_calls() -> list[Call]:
    """What a node autoscaler polls, many times a minute."""
    return [
        ec2_describe(
            "DescribeInstances",
            {
                "instancesSet": {},
                "filterSet": {
                    "items": [
                        {
                            "name": "tag-key",
                            "valueSet": {"items": [{"value": "karpenter.sh/nodepool"}]},
                        }
                    ]
                },
            },
        ),
        ec2_describe("DescribeInstanceTypes", {"instanceTypeSet": {}, "filterSet": {}}),
        ec2_describe("DescribeSubnets", {"subnetSet": {}, "filterSet": {}}),
        ec2_describe("DescribeLaunchTemplates", {"launchTemplateNameSet": {}}),
        ec2_describe("DescribeSpotPriceHistory", {"startTime": 0, "instanceTypeSet": {}}),
    ]


def lambda_calls(account: Account) -> list[Call]:
    """Lambda reads made by people and CI (API names carry their version suffix)."""
    calls = [
        Call("lambda.amazonaws.com", "ListFunctions20150331", None, event_version="1.09"),
    ]
    calls += [
        Call(
            "lambda.amazonaws.com",
            "GetFunction20150331v2",
            {"functionName": name},
            event_version="1.09",
        )
        for name in account.lambda_functions
    ]
    return calls


def ssm_parameter_calls(account: Account) -> list[Call]:
    """`GetParameter` for application configuration."""
    return [
        Call(
            "ssm.amazonaws.com",
            "GetParameter",
            {"name": name, "withDecryption": name.startswith(f"/{account.environment}/")},
            event_version="1.09",
        )
        for name in account.parameter_names
    ]


def ssm_agent_calls(account: Account) -> list[Call]:
    """The SSM agent's heartbeat, the most frequent management event of an EC2 fleet."""
    calls = [
        Call(
            "ssm.amazonaws.com",
            "UpdateInstanceInformation",
            {
                "instanceId": instance,
                "agentVersion": "3.3.1611.0",
                "agentStatus": "Active",
                "platformType": "Linux",
                "platformName": "Amazon Linux",
                "platformVersion": "2023",
                "iPAddress": f"10.20.{i % 4}.{20 + i}",
                "computerName": f"ip-10-20-{i % 4}-{20 + i}.ec2.internal",
                "agentName": "amazon-ssm-agent",
                "availabilityZone": "",
            },
            read_only=False,
            event_version="1.09",
        )
        for i, instance in enumerate(account.instance_ids)
    ]
    calls.append(
        Call(
            "ssm.amazonaws.com",
            "ListInstanceAssociations",
            {"instanceId": account.instance_ids[0], "maxResults": 50},
            event_version="1.09",
        )
    )
    return calls


def cloudwatch_calls() -> list[Call]:
    """Dashboards and alarms reading metrics."""
    metric_query = {
        "metricDataQueries": [
            {
                "id": "m0",
                "metricStat": {
                    "metric": {"namespace": "AWS/ApplicationELB", "metricName": "RequestCount"},
                    "period": 60,
                    "stat": "Sum",
                },
                "returnData": True,
            }
        ],
        "startTime": "Mar 14, 2026, 12:00:00 AM",
        "endTime": "Mar 14, 2026, 1:00:00 AM",
    }
    return [
        Call("monitoring.amazonaws.com", "GetMetricData", metric_query, event_version="1.11"),
        Call(
            "monitoring.amazonaws.com",
            "DescribeAlarms",
            {"alarmTypes": ["CompositeAlarm", "MetricAlarm"]},
            event_version="1.11",
        ),
        Call(
            "monitoring.amazonaws.com",
            "ListMetrics",
            {"namespace": "AWS/EC2"},
            event_version="1.11",
        ),
    ]


def logs_calls(account: Account) -> list[Call]:
    """CloudWatch Logs reads by people and writes by agents."""
    group = f"/aws/lambda/{account.lambda_functions[0]}"
    return [
        Call("logs.amazonaws.com", "DescribeLogGroups", {"limit": 50}, event_version="1.09"),
        Call(
            "logs.amazonaws.com",
            "FilterLogEvents",
            {"logGroupName": group, "filterPattern": "ERROR", "interleaved": True},
            event_version="1.09",
        ),
        Call(
            "logs.amazonaws.com",
            "DescribeLogStreams",
            {"logGroupName": group, "orderBy": "LastEventTime", "descending": True},
            event_version="1.09",
        ),
    ]


def ci_calls(account: Account) -> list[Call]:
    """What a deploy pipeline does besides uploading artifacts."""
    return [
        Call("ecr.amazonaws.com", "GetAuthorizationToken", {}, event_version="1.08"),
        Call(
            "cloudformation.amazonaws.com",
            "DescribeStacks",
            {"stackName": f"{account.environment}-api"},
            event_version="1.08",
        ),
        Call(
            "lambda.amazonaws.com",
            "UpdateFunctionCode20150331v2",
            {"functionName": account.lambda_functions[1], "publish": True, "dryRun": False},
            read_only=False,
            event_version="1.09",
        ),
    ]


def tagging_calls() -> list[Call]:
    """Resource Groups Tagging API reads by monitoring tools."""
    return [
        Call(
            "tagging.amazonaws.com",
            "GetResources",
            {"resourceTypeFilters": ["ec2:instance"], "resourcesPerPage": 100},
            event_version="1.08",
        )
    ]
