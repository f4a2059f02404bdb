"""Scheduled background jobs whose calls come in bursts: Terraform plans refreshing bucket state."""

from __future__ import annotations

import random
from collections.abc import Sequence

from trailsweep.simulate import calls_compute as compute
from trailsweep.simulate import calls_security as security
from trailsweep.simulate import user_agents as ua
from trailsweep.simulate.actors import Cast
from trailsweep.simulate.calls_s3 import bucket_call, posture_call
from trailsweep.simulate.clock import DayClock, office_hours_weight
from trailsweep.simulate.identity import Client
from trailsweep.simulate.ids import IdSource
from trailsweep.simulate.planned import PlannedRecord, RecordFactory

MANAGED_BUCKETS = 10
"""Buckets a Terraform run refreshes: a near miss that stays well under the rule's 15."""

_REFRESH_APIS = (
    "GetBucketAcl",
    "GetBucketPolicy",
    "GetBucketVersioning",
    "GetBucketPublicAccessBlock",
    "GetBucketEncryption",
    "GetBucketLogging",
    "GetBucketTagging",
)
_POSTURE = frozenset(
    ("GetBucketAcl", "GetBucketPolicy", "GetBucketVersioning", "GetBucketPublicAccessBlock")
)


def terraform_runs(
    casts: Sequence[Cast], clock: DayClock, rng: random.Random, runs_per_account: int
) -> list[PlannedRecord]:
    """CI plans during working hours, each a fresh role session refreshing the managed buckets."""
    ids = IdSource(rng)
    factory = RecordFactory(ids, clock)
    records: list[PlannedRecord] = []
    hours = list(range(24))
    weights = [office_hours_weight(h + 0.5) for h in hours]
    for cast in casts:
        account = cast.account
        managed = account.buckets[:MANAGED_BUCKETS]
        for hour in sorted(rng.choices(hours, weights, k=runs_per_account)):
            start = clock.start + hour * 3600 + rng.randrange(0, 3540)
            session = cast.terraform_role.session(
                f"GitHubActions-{rng.randrange(10**9, 10**10)}",
                ids.access_key_id("ASIA"),
                clock.event_time(start - rng.randrange(5, 60)),
                web_identity_provider=(
                    f"arn:aws:iam::{account.account_id}:oidc-provider/"
                    "token.actions.githubusercontent.com"
                ),
            )
            client = Client(rng.choice(cast.runner_ips), ua.TERRAFORM)
            global_region = account.global_region
            records.append(
                factory.make(
                    session, client, security.get_caller_identity(), region=global_region, ts=start
                )
            )
            for call in compute.ec2_background(account)[2:5]:
                records.append(
                    factory.make(session, client, call, region=account.home_region, ts=start + 1)
                )
            # Terraform refreshes buckets concurrently: all of them within a few seconds.
            for bucket in managed:
                ts = start + 2 + rng.randrange(0, 4)
                for api in _REFRESH_APIS:
                    call = (
                        posture_call(bucket, api) if api in _POSTURE else bucket_call(bucket, api)
                    )
                    records.append(factory.make(session, client, call, region=bucket.region, ts=ts))
    return records
