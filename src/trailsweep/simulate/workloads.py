"""Background workloads: who makes which calls in an account, with what weight and daily rhythm."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from trailsweep.simulate import calls_compute as compute
from trailsweep.simulate import calls_security as security
from trailsweep.simulate import user_agents as ua
from trailsweep.simulate.actors import BUCKET_CHECKER, Cast
from trailsweep.simulate.calls_s3 import bucket_call, list_buckets, object_call, posture_call
from trailsweep.simulate.clock import nightly_weight, office_hours_weight
from trailsweep.simulate.identity import Client, Principal, aws_service, service_client
from trailsweep.simulate.ids import IdSource
from trailsweep.simulate.inventory import Bucket, Trail
from trailsweep.simulate.record import Call

Entry = tuple[Principal, Client, Call, float]
"""One kind of background record and its relative rate."""


class Sessions:
    """Session credentials of one six-hour epoch: roles are re-assumed, keys and dates change."""

    def __init__(self, ids: IdSource, epoch_start: int, format_time: Callable[[int], str]) -> None:
        self.ids = ids
        self.rng: random.Random = ids.rng
        self._epoch_start = epoch_start
        self._format = format_time

    def key(self) -> str:
        """A fresh `ASIA` session key."""
        return self.ids.access_key_id("ASIA")

    def created(self) -> str:
        """When a session in use during this epoch was created (shortly before it starts)."""
        return self._format(self._epoch_start - self.rng.randrange(60, 1800))


@dataclass(frozen=True)
class Workload:
    """A family of background calls: base weight, rhythm by UTC hour, and its entries."""

    name: str
    weight: float
    rhythm: Callable[[float], float]
    entries: Callable[[Cast, str, Trail, Sessions], list[Entry]]


def _flat(hour: float) -> float:
    return 1.0


def _business(hour: float) -> float:
    return 0.55 + 0.45 * office_hours_weight(hour)


def _batch(hour: float) -> float:
    return 0.5 + nightly_weight(hour)


def _regional(cast: Cast, region: str) -> float:
    # Most of the estate runs in the home region; the others carry a smaller share.
    return 1.0 if region == cast.account.home_region else 0.3


def _people_cli(cast: Cast, region: str, trail: Trail, s: Sessions) -> list[Entry]:
    account = cast.account
    share = _regional(cast, region)
    out: list[Entry] = []
    for person in cast.people:
        calls = [(c, 1.0) for c in compute.ec2_background(account)[:4]]
        calls += [(c, 0.6) for c in compute.logs_calls(account) + compute.lambda_calls(account)]
        calls += [(c, 0.5) for c in compute.ssm_parameter_calls(account)]
        calls += [
            (bucket_call(b, "GetBucketLocation"), 0.2) for b in account.buckets_in(region)[:5]
        ]
        if region == account.global_region:
            calls += [(security.get_caller_identity(), 3.0), (list_buckets(region), 1.0)]
            calls += [(c, 0.3) for c in security.iam_reads(account, person.name)]
        if person.name == BUCKET_CHECKER:
            # A handful of buckets only: background must stay far below the rule's threshold.
            for bucket in _checked_buckets(account.buckets, region):
                for api in ("GetBucketPolicy", "GetBucketAcl", "GetBucketVersioning"):
                    calls.append((posture_call(bucket, api), 0.4))
        principal, client = person.cli_principal, person.cli_client
        out += [(principal, client, call, weight * share) for call, weight in calls]
    return out


def _checked_buckets(buckets: tuple[Bucket, ...], region: str) -> list[Bucket]:
    return [b for b in buckets[:4] if b.region == region]


def _people_console(cast: Cast, region: str, trail: Trail, s: Sessions) -> list[Entry]:
    account = cast.account
    share = _regional(cast, region)
    out: list[Entry] = []
    for person in cast.people:
        session = cast.sso_role.session(person.email, s.key(), s.created())
        client = person.browser_client
        calls = compute.ec2_background(account) + compute.cloudwatch_calls()
        calls += compute.lambda_calls(account)[:1] + compute.logs_calls(account)[:1]
        if region == account.global_region:
            calls += [list_buckets(region)]
            # Sign-in records name the user but no access key.
            identity = dict(person.cli_principal.user_identity)
            del identity["accessKeyId"]
            login = security.console_login(account, person.name)
            browser = Client(person.source_ip, person.browser_agent)
            out.append((Principal(identity), browser, login, 0.05))
        out += [(session, client, call, share) for call in calls]
    return out


def _ci(cast: Cast, region: str, trail: Trail, s: Sessions) -> list[Entry]:
    account = cast.account
    if region != account.home_region:
        return []
    provider = (
        f"arn:aws:iam::{account.account_id}:oidc-provider/token.actions.githubusercontent.com"
    )
    session = cast.deploy_role.session(
        f"GitHubActions-{s.rng.randrange(10**9, 10**10)}",
        s.key(),
        s.created(),
        web_identity_provider=provider,
    )
    client = Client(s.rng.choice(cast.runner_ips), ua.AWS_CLI_LINUX)
    artifacts = _bucket_named(account.buckets, "ci-artifacts") or account.buckets[0]
    calls = compute.ci_calls(account) + [security.get_caller_identity()]
    calls += [
        object_call(artifacts, f"builds/api/{n}.zip", "PutObject", 18_204_551) for n in range(3)
    ]
    return [(session, client, call, 1.0) for call in calls]


def _bucket_named(buckets: tuple[Bucket, ...], purpose: str) -> Bucket | None:
    return next((b for b in buckets if purpose in b.name), None)


def _apps(cast: Cast, region: str, trail: Trail, s: Sessions) -> list[Entry]:
    account = cast.account
    share = _regional(cast, region)
    calls = security.kms_calls(account, region) + security.secret_calls(account, region)
    calls += compute.ssm_parameter_calls(account)
    for bucket in account.buckets_in(region)[:3]:
        calls += [object_call(bucket, key, "GetObject", 48_311) for key in account.data_keys[:2]]
        calls.append(object_call(bucket, account.data_keys[2], "PutObject", 1_204_877))
    out: list[Entry] = []
    for index, instance in enumerate(account.instance_ids[:4]):
        session = cast.app_role.session(instance, s.key(), s.created(), ec2_instance=True)
        client = Client(cast.app_ips[index], ua.JAVA_SDK, vpc_endpoint_id=cast.vpc_endpoint_id)
        out += [(session, client, call, share) for call in calls]
    return out


def _ssm_agents(cast: Cast, region: str, trail: Trail, s: Sessions) -> list[Entry]:
    account = cast.account
    if region != account.home_region:
        return []
    out: list[Entry] = []
    for index, call in enumerate(compute.ssm_agent_calls(account)):
        instance = account.instance_ids[index % len(account.instance_ids)]
        session = cast.app_role.session(instance, s.key(), s.created(), ec2_instance=True)
        client = Client(cast.app_ips[index % len(cast.app_ips)], ua.SSM_AGENT)
        out.append((session, client, call, 1.0))
    return out


def _lambdas(cast: Cast, region: str, trail: Trail, s: Sessions) -> list[Entry]:
    account = cast.account
    share = _regional(cast, region)
    out: list[Entry] = []
    buckets = account.buckets_in(region)[:2]
    for index, function in enumerate(account.lambda_functions):
        session = cast.lambda_role.session(function, s.key(), s.created())
        client = Client(cast.lambda_ips[index % len(cast.lambda_ips)], ua.BOTO3_LAMBDA)
        calls = security.kms_calls(account, region)[:2]
        calls += [object_call(b, account.data_keys[index % 4], "GetObject", 9_220) for b in buckets]
        out += [(session, client, call, share) for call in calls]
    return out


def _karpenter(cast: Cast, region: str, trail: Trail, s: Sessions) -> list[Entry]:
    if region != cast.account.home_region:
        return []
    session = cast.karpenter_role.session(
        str(s.rng.randrange(10**18, 10**19)), s.key(), s.created()
    )
    client = Client(cast.lambda_ips[0].replace("54.", "52.", 1), ua.GO_SDK_KARPENTER)
    return [(session, client, call, 1.0) for call in compute.karpenter_calls()]


def _datadog(cast: Cast, region: str, trail: Trail, s: Sessions) -> list[Entry]:
    account = cast.account
    session = cast.datadog_role.session("DatadogAWSIntegration", s.key(), s.created())
    client = Client(s.rng.choice(cast.datadog_ips), ua.DATADOG)
    calls = [(c, 1.0) for c in compute.cloudwatch_calls() + compute.tagging_calls()]
    calls += [(c, 0.5) for c in compute.ec2_background(account)[:2]]
    # Tag and location reads over every bucket: many buckets, but not the rule's APIs.
    calls += [(bucket_call(b, "GetBucketTagging"), 0.05) for b in account.buckets_in(region)]
    return [(session, client, call, weight) for call, weight in calls]


def _config(cast: Cast, region: str, trail: Trail, s: Sessions) -> list[Entry]:
    account = cast.account
    session = cast.config_role.session(
        "AWSConfig-Describe", s.key(), s.created(), invoked_by="config.amazonaws.com"
    )
    client = Client(
        "config.amazonaws.com",
        "config.amazonaws.com",
        aws_service=True,
        vpc_endpoint_id=cast.vpc_endpoint_id,
    )
    calls = [(c, 1.0) for c in compute.ec2_background(account)[:3]]
    for bucket in account.buckets_in(region)[:8]:
        calls += [(posture_call(bucket, api), 0.2) for api in ("GetBucketAcl", "GetBucketPolicy")]
    return [(session, client, call, weight) for call, weight in calls]


def _aws_services(cast: Cast, region: str, trail: Trail, s: Sessions) -> list[Entry]:
    account = cast.account
    out: list[Entry] = []
    if region == account.home_region:
        for service, role, session_name in (
            ("ec2.amazonaws.com", cast.app_role, account.instance_ids[0]),
            ("lambda.amazonaws.com", cast.lambda_role, account.lambda_functions[0]),
        ):
            call = security.assume_role(role.arn, session_name, s.key(), role.role_id)
            out.append((aws_service(service), service_client(service), call, 1.0))
    if account.account_id == trail.owner_account_id and region == trail.home_region:
        # CloudTrail checks its bucket's ACL before every delivery.
        bucket = Bucket(trail.bucket, region, account.account_id, True, True)
        out.append(
            (
                aws_service("cloudtrail.amazonaws.com"),
                service_client("cloudtrail.amazonaws.com"),
                bucket_call(bucket, "GetBucketAcl"),
                2.0,
            )
        )
    return out


WORKLOADS = (
    Workload("people-cli", 0.35, office_hours_weight, _people_cli),
    Workload("people-console", 0.3, office_hours_weight, _people_console),
    Workload("ci-deploy", 1.2, _business, _ci),
    Workload("applications", 0.9, _business, _apps),
    Workload("ssm-agents", 3.0, _flat, _ssm_agents),
    Workload("lambda-functions", 1.0, _batch, _lambdas),
    Workload("karpenter", 4.0, _flat, _karpenter),
    Workload("datadog", 1.0, _flat, _datadog),
    Workload("aws-config", 0.3, _flat, _config),
    Workload("aws-services", 1.0, _flat, _aws_services),
)
