"""The simulated estate: accounts, their S3 buckets and the other resources calls refer to."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from trailsweep.simulate.ids import IdSource

COMPANY = "kestrel"
_ENVIRONMENTS = ("prod", "data", "shared", "dev", "stage", "sandbox")

# Enough purposes that the largest account can hold every bucket a 40-bucket sweep needs.
_BUCKET_PURPOSES = (
    "app-assets",
    "user-uploads",
    "invoices",
    "backups",
    "db-snapshots",
    "alb-access-logs",
    "vpc-flow-logs",
    "terraform-state",
    "lambda-artifacts",
    "athena-results",
    "data-lake-raw",
    "data-lake-curated",
    "ml-training-data",
    "config-history",
    "static-site",
    "reports",
    "email-archive",
    "audit-exports",
    "customer-exports",
    "sftp-drop",
    "cdn-origin",
    "build-cache",
    "container-scans",
    "payments-batch",
    "ledger-archive",
    "support-attachments",
    "media-transcode",
    "search-snapshots",
    "partner-feeds",
    "ci-artifacts",
    "marketing-assets",
    "docs-site",
    "legal-hold",
    "hr-documents",
    "finance-exports",
    "crash-dumps",
    "mobile-builds",
    "ssm-logs",
    "glue-scripts",
    "emr-logs",
    "redshift-unload",
    "kinesis-archive",
    "waf-logs",
    "guardduty-export",
    "inventory-reports",
    "replication-target",
    "quarantine",
    "sandbox-scratch",
    "feature-flags",
    "geo-tiles",
)
_DATA_KEYS = (
    "exports/2026/03/customers-0001.csv.gz",
    "exports/2026/03/orders-0007.parquet",
    "db/pg-main/2026-03-13T2300Z.dump",
    "config/app.yaml",
    "reports/monthly/2026-02.pdf",
    "uploads/u-48213/avatar.png",
    "keys/deploy-ed25519.pem",
    "backups/vault/snapshot-0312.snap",
)


@dataclass(frozen=True)
class Bucket:
    """An S3 bucket with the settings that decide which posture calls succeed."""

    name: str
    region: str
    account_id: str
    has_policy: bool
    has_public_access_block: bool

    @property
    def arn(self) -> str:
        """`arn:aws:s3:::<name>`, the value the rule counts."""
        return f"arn:aws:s3:::{self.name}"

    @property
    def host(self) -> str:
        """Virtual-hosted endpoint the SDKs call."""
        return f"{self.name}.s3.{self.region}.amazonaws.com"


@dataclass(frozen=True)
class Account:
    """One AWS account of the estate and the resources its traffic refers to."""

    account_id: str
    environment: str
    home_region: str
    regions: tuple[str, ...]
    buckets: tuple[Bucket, ...]
    data_keys: tuple[str, ...]
    instance_ids: tuple[str, ...]
    lambda_functions: tuple[str, ...]
    kms_key_ids: tuple[str, ...]
    secret_names: tuple[str, ...]
    parameter_names: tuple[str, ...]

    @property
    def global_region(self) -> str:
        """Where global services (IAM, STS global endpoint, ListBuckets) are logged."""
        return "us-east-1" if "us-east-1" in self.regions else self.home_region

    def buckets_in(self, region: str) -> tuple[Bucket, ...]:
        """Buckets whose calls are logged in `region`."""
        return tuple(b for b in self.buckets if b.region == region)


@dataclass(frozen=True)
class Trail:
    """The trail that delivers every account's logs to one bucket (like an organization trail)."""

    name: str
    bucket: str
    home_region: str
    owner_account_id: str


def build_accounts(
    account_ids: Sequence[str], regions: Sequence[str], rng: random.Random
) -> tuple[Account, ...]:
    """The estate: the first account is the busy production one with the most buckets."""
    ids = IdSource(rng)
    accounts = []
    for index, account_id in enumerate(account_ids):
        environment = _ENVIRONMENTS[index % len(_ENVIRONMENTS)]
        if index >= len(_ENVIRONMENTS):
            environment += str(index)
        bucket_count = 48 if index == 0 else 36
        accounts.append(
            Account(
                account_id=account_id,
                environment=environment,
                home_region=regions[0],
                regions=tuple(regions),
                buckets=_buckets(account_id, environment, regions, bucket_count, rng),
                data_keys=_DATA_KEYS,
                instance_ids=tuple(f"i-0{ids.hex(16)}" for _ in range(10)),
                lambda_functions=tuple(
                    f"{environment}-{name}"
                    for name in ("thumbnailer", "invoice-render", "webhook-relay", "nightly-etl")
                ),
                kms_key_ids=tuple(ids.uuid4() for _ in range(3)),
                secret_names=(f"{environment}/db/main", f"{environment}/stripe/api-key"),
                parameter_names=(
                    f"/{environment}/app/feature-flags",
                    f"/{environment}/app/db-host",
                    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
                ),
            )
        )
    return tuple(accounts)


def _buckets(
    account_id: str, environment: str, regions: Sequence[str], count: int, rng: random.Random
) -> tuple[Bucket, ...]:
    purposes = list(_BUCKET_PURPOSES)
    rng.shuffle(purposes)
    buckets = []
    for index, purpose in enumerate(sorted(purposes[:count])):
        # Most buckets live in the home region; the rest make a sweep span several regions' files.
        region = regions[0] if rng.random() < 0.65 or len(regions) == 1 else rng.choice(regions[1:])
        suffix = "" if region == regions[0] else f"-{region}"
        buckets.append(
            Bucket(
                name=f"{COMPANY}-{environment}-{purpose}{suffix}",
                region=region,
                account_id=account_id,
                # Fixed proportions, not dice: the failure scenarios need enough buckets
                # without a policy (60 %) or without a public access block (25 %).
                has_policy=index % 5 in (1, 3),
                has_public_access_block=index % 4 != 0,
            )
        )
    return tuple(buckets)


def build_trail(accounts: Sequence[Account], rng: random.Random) -> Trail:
    """One trail, its bucket owned by the first account."""
    owner = accounts[0]
    return Trail(
        name=f"{COMPANY}-audit-trail",
        bucket=f"aws-cloudtrail-logs-{owner.account_id}-{IdSource(rng).hex(8)}",
        home_region=owner.home_region,
        owner_account_id=owner.account_id,
    )
