"""Scenarios that look like sweeps but must not alert: services, failures, console, edges."""

from __future__ import annotations

from trailsweep.simulate import user_agents as ua
from trailsweep.simulate.identity import Client, aws_service, iam_user, service_client
from trailsweep.simulate.scenario_context import Scenario, ScenarioContext
from trailsweep.simulate.sweeps import burst_times


def aws_config(ctx: ScenarioContext) -> Scenario:
    """AWS Config's service-linked role reads many buckets; its source is a hostname."""
    cast = ctx.cast(0)
    start = ctx.window((5, 6))
    session = ctx.session(
        cast.config_role, "AWSConfig-Describe", start, invoked_by="config.amazonaws.com"
    )
    client = Client(
        "config.amazonaws.com",
        "config.amazonaws.com",
        aws_service=True,
        vpc_endpoint_id=cast.vpc_endpoint_id,
    )
    buckets = ctx.sample(cast.account.buckets, 30)
    apis = ("GetBucketAcl", "GetBucketPolicy", "GetBucketVersioning", "GetBucketPublicAccessBlock")
    ctx.recorder.sweep(session, client, buckets, burst_times(start, len(buckets), 8), apis=apis)
    return ctx.done(
        "true_negative",
        f"AWS Config (assumed role AWSServiceRoleForConfig) reads {len(buckets)} buckets in one "
        "window; sourceIPAddress is config.amazonaws.com, a hostname, so source.ip is null: "
        "no alert.",
    )


def aws_service_principal(ctx: ScenarioContext) -> Scenario:
    """An `AWSService` principal (CloudTrail) calling GetBucketAcl on many buckets."""
    cast = ctx.cast(1)
    start = ctx.window((7, 8))
    buckets = ctx.sample(cast.account.buckets, 24)
    ctx.recorder.sweep(
        aws_service("cloudtrail.amazonaws.com"),
        service_client("cloudtrail.amazonaws.com"),
        buckets,
        burst_times(start, len(buckets), 6),
        apis=("GetBucketAcl",),
    )
    return ctx.done(
        "true_negative",
        f"userIdentity type AWSService invokedBy cloudtrail.amazonaws.com calls GetBucketAcl on "
        f"{len(buckets)} buckets in one window: excluded (AWSService, no ARN, hostname source).",
    )


def failures(ctx: ScenarioContext) -> Scenario:
    """Failed posture calls over many buckets, and a mixed burst with exactly 15 successes."""
    cast = ctx.cast(1)
    account = cast.account
    hours = (15, 16)

    start = ctx.window(hours)
    etl = ctx.session(ctx.role(cast, "analytics-etl"), "etl-bootstrap", start)
    denied_client = Client("10.31.7.18", ua.BOTO3, vpc_endpoint_id=cast.vpc_endpoint_id)
    denied = ctx.sample(account.buckets, 22)
    ctx.recorder.sweep(etl, denied_client, denied, burst_times(start, 22, 6), denied=True)

    start += 10 * 60
    auditor = ctx.session(ctx.role(cast, "policy-auditor"), "policy-auditor", start)
    audit_client = Client(cast.lambda_ips[1], ua.BOTO3_LAMBDA)
    bare = [b for b in account.buckets if not b.has_policy][:20]
    apis = ("GetBucketPolicy", "GetBucketPolicyStatus")
    ctx.recorder.sweep(auditor, audit_client, bare, burst_times(start, len(bare), 6), apis=apis)
    no_block = [b for b in bare if not b.has_public_access_block]
    ctx.recorder.sweep(
        auditor,
        audit_client,
        no_block,
        [start + 7] * len(no_block),
        apis=("GetBucketPublicAccessBlock",),
    )

    start += 10 * 60
    reporter = ctx.session(ctx.role(cast, "inventory-reporter"), "inventory-reporter", start)
    report_client = Client("12.81.92.61", ua.BOTO3)
    pool = ctx.sample(account.buckets, len(account.buckets))
    succeeded = pool[:15]
    failed = [b for b in pool[15:] if not b.has_policy][:8]
    ctx.recorder.sweep(
        reporter,
        report_client,
        succeeded,
        burst_times(start, 15, 4),
        apis=("GetBucketAcl", "GetBucketVersioning"),
    )
    ctx.recorder.sweep(
        reporter,
        report_client,
        failed,
        burst_times(start + 5, len(failed), 3),
        apis=("GetBucketPolicy",),
    )
    return ctx.done(
        "true_negative",
        "Failures never count (any errorCode makes event.outcome failure). (1) AccessDenied on all "
        f"five APIs over {len(denied)} buckets; (2) NoSuchBucketPolicy / "
        f"NoSuchPublicAccessBlockConfiguration over {len(bare)} buckets without a policy; (3) a "
        f"mixed burst: successes on exactly 15 buckets plus NoSuchBucketPolicy on {len(failed)} "
        "more. No alert.",
    )


def console_session(ctx: ScenarioContext) -> Scenario:
    """A console session's sweep: carries `sessionCredentialFromConsole: "true"`."""
    cast = ctx.cast(0)
    person = cast.person("sofia.rossi")
    start = ctx.window((11, 12))
    session = ctx.session(cast.sso_role, person.email, start)
    buckets = ctx.sample(cast.account.buckets, 26)
    ctx.recorder.sweep(session, person.browser_client, buckets, burst_times(start, 26, 5))
    return ctx.done(
        "true_negative",
        f"{person.name} (SSO role session) in the Management Console: all five posture APIs over "
        f"{len(buckets)} buckets in one window, every record with sessionCredentialFromConsole "
        '"true": excluded by the rule, no alert.',
    )


def window_edge(ctx: ScenarioContext) -> Scenario:
    """20 buckets in 4 seconds straddling a window boundary: 10 + 10, no alert."""
    cast = ctx.cast(0)
    user = iam_user(
        cast.account.account_id,
        "svc-s3-inventory",
        ctx.ids.unique_id("AIDA"),
        ctx.ids.access_key_id("AKIA"),
    )
    client = Client("12.81.93.140", ua.BOTO3)
    boundary = ctx.window((17, 18))
    buckets = ctx.sample(cast.account.buckets, 20)
    times = [boundary - 2 + (i // 5) for i in range(20)]
    ctx.recorder.sweep(user, client, buckets, times, apis=("GetBucketAcl", "GetBucketVersioning"))
    return ctx.done(
        "known_false_negative",
        "20 distinct buckets within 4 seconds, but the burst straddles an epoch-aligned 10-s "
        "boundary: 10 buckets fall in each window. Elastic's date_trunc windows are tumbling, not "
        "sliding, so neither window exceeds 15 and the rule does not alert; trailsweep in elastic "
        "mode mirrors this documented limitation (a sliding 10-s window would see 20).",
    )
