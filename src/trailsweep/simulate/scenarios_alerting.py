"""Scenarios the rule alerts on: an intruder, CSPM scanners, the S3 console, the threshold."""

from __future__ import annotations

from trailsweep.simulate import user_agents as ua
from trailsweep.simulate.calls_s3 import list_buckets, object_call, put_bucket_policy
from trailsweep.simulate.identity import Client
from trailsweep.simulate.scenario_context import Scenario, ScenarioContext
from trailsweep.simulate.sweeps import burst_times, windowed_times

_EXTERNAL_ACCOUNT = "739184520367"


def intruder_sweep(ctx: ScenarioContext) -> Scenario:
    """Stolen long-term key, external IP, one-window sweep, then policy change and object reads."""
    cast = ctx.cast(0)
    victim = cast.person("marta.kowalski")
    principal = victim.cli_principal
    client = Client(f"89.160.20.{ctx.rng.randrange(100, 200)}", ua.BOTO3_KALI)
    buckets = ctx.sample(cast.account.buckets, ctx.rng.randint(24, 40))
    start = ctx.window((20, 21, 22))
    ctx.recorder.sweep(principal, client, buckets, burst_times(start + 1, len(buckets), 6))

    follow_on: list[str] = []
    t = start + ctx.rng.randrange(180, 360)
    region = cast.account.global_region
    follow_on.append(
        ctx.recorder.add(principal, client, list_buckets(region), region=region, ts=t).event_id
    )
    target = buckets[0]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReplicationAccess",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{_EXTERNAL_ACCOUNT}:root"},
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [target.arn, f"{target.arn}/*"],
            }
        ],
    }
    t += ctx.rng.randrange(60, 150)
    record = ctx.recorder.add(
        principal, client, put_bucket_policy(target, policy), region=target.region, ts=t
    )
    follow_on.append(record.event_id)
    for key in cast.account.data_keys[: ctx.rng.randint(4, 7)]:
        t += ctx.rng.randrange(2, 20)
        call = object_call(target, key, "GetObject", ctx.rng.randrange(2_000, 90_000_000))
        follow_on.append(
            ctx.recorder.add(principal, client, call, region=target.region, ts=t).event_id
        )
    return ctx.done(
        "malicious",
        f"Stolen long-term key (AKIA) of IAM user {victim.name} used from external IP "
        f"{client.source_ip} with Boto3: the five posture APIs over {len(buckets)} buckets within "
        "6 seconds inside one 10-s window (1 alert), then minutes later ListBuckets, "
        f"PutBucketPolicy granting account {_EXTERNAL_ACCOUNT} read on {target.name}, and "
        "GetObject data events from the same principal and IP (follow_on_event_ids).",
        follow_on,
    )


def intruder_sweep_ipv6(ctx: ScenarioContext) -> Scenario:
    """The same stolen key later from an IPv6 address: a second, smaller sweep."""
    cast = ctx.cast(0)
    victim = cast.person("marta.kowalski")
    host = ctx.rng.randrange(0x1000, 0xFFFF)
    client = Client(f"2003:e1:bf1c:9a00:4c2d:88ff:fe10:{host:x}", ua.AWS_CLI_LINUX)
    buckets = ctx.sample(cast.account.buckets, 18)
    start = ctx.window((23,))
    apis = ("GetBucketAcl", "GetBucketPolicy", "GetBucketPublicAccessBlock")
    ctx.recorder.sweep(victim.cli_principal, client, buckets, burst_times(start, 18, 7), apis=apis)
    return ctx.done(
        "malicious",
        f"The stolen key of {victim.name} from IPv6 address {client.source_ip} with the aws-cli: "
        "GetBucketAcl/GetBucketPolicy/GetBucketPublicAccessBlock over 18 buckets in one window "
        "(1 alert; source.ip is the IPv6 address in canonical form).",
    )


def cspm_scanner(ctx: ScenarioContext) -> Scenario:
    """Prowler paced over several windows in one account, ScoutSuite in one window in another."""
    prowler_cast = ctx.cast(0)
    role = ctx.role(prowler_cast, "ProwlerScanRole")
    start = ctx.window((2, 3, 4))
    session = ctx.session(role, f"prowler-{ctx.rng.randrange(1000, 9999)}", start)
    client = Client(f"44.205.{ctx.rng.randrange(256)}.{ctx.rng.randrange(256)}", ua.PROWLER)
    buckets = list(prowler_cast.account.buckets)
    times = windowed_times(start, len(buckets), per_window=18, span=7)
    ctx.recorder.sweep(session, client, buckets, times)

    scout_cast = ctx.cast(1)
    role = ctx.role(scout_cast, "SecurityAudit")
    start = ctx.window((13, 14))
    scout = ctx.session(role, "scoutsuite", start)
    scout_client = Client(
        f"38.140.{ctx.rng.randrange(256)}.{ctx.rng.randrange(256)}", ua.SCOUTSUITE
    )
    scout_buckets = list(scout_cast.account.buckets)
    ctx.recorder.sweep(
        scout, scout_client, scout_buckets, burst_times(start, len(scout_buckets), 8)
    )
    return ctx.done(
        "benign_true_positive",
        f"CSPM tools doing their job. Prowler (role session {session.arn}, Prowler's APN_1826889 "
        f"user agent) walks all {len(buckets)} buckets at 18 buckets per 10-s window, so each full "
        "window alerts and a final partial window stays under the threshold. ScoutSuite (session "
        f"'scoutsuite') reads all {len(scout_buckets)} buckets of its account in one window "
        "(1 alert). Real alerts of the rule, benign by intent.",
    )


def s3_console_page_load(ctx: ScenarioContext) -> Scenario:
    """The S3 console's bucket list page: posture calls per bucket, no console-session flag."""
    cast = ctx.cast(0)
    person = cast.person("tom.becker")
    start = ctx.window((9, 10))
    principal = person.console_principal(ctx.ids.access_key_id("ASIA"), ctx.created(start))
    client = Client(person.source_ip, ua.S3_CONSOLE)
    region = cast.account.global_region
    ctx.recorder.add(principal, client, list_buckets(region), region=region, ts=start)
    buckets = list(cast.account.buckets[:40])
    apis = ("GetBucketAcl", "GetBucketPolicyStatus", "GetBucketPublicAccessBlock")
    ctx.recorder.sweep(
        principal, client, buckets, burst_times(start + 1, len(buckets), 3), apis=apis
    )
    return ctx.done(
        "false_positive",
        f"IAM user {person.name} opens the S3 console bucket list: the console fetches ACL, policy "
        f"status and public access block of {len(buckets)} buckets within 3 seconds with the "
        "[S3Console/0.4, aws-internal/3 ...] user agent from the user's IP. These records carry no "
        "sessionCredentialFromConsole flag, so the rule alerts (1 alert): a real false positive.",
    )


def threshold_edge(ctx: ScenarioContext) -> Scenario:
    """Exactly 15 distinct buckets (no alert) and 16 (alert), by two principals."""
    cast = ctx.cast(0)
    start = ctx.window((19,))
    cost = ctx.session(ctx.role(cast, "CostReportRole"), "cost-sync", start)
    client = Client("12.81.94.17", ua.BOTO3)
    ctx.recorder.sweep(
        cost, client, ctx.sample(cast.account.buckets, 15), burst_times(start, 15, 5)
    )
    start += 7 * 60
    verifier_role = ctx.role(cast, "BackupVerifier")
    verifier = ctx.session(verifier_role, f"backup-verify-{ctx.rng.randrange(100, 999)}", start)
    ctx.recorder.sweep(
        verifier, client, ctx.sample(cast.account.buckets, 16), burst_times(start, 16, 5)
    )
    return ctx.done(
        "boundary",
        "The threshold is strictly greater than 15: CostReportRole reads exactly 15 distinct "
        "buckets in one window (no alert); BackupVerifier reads 16 (1 alert).",
    )
