"""Which follow-on calls the investigation guide calls out, and what counts as a bucket change.

The guide's list: ListBuckets, GetObject, bucket policy, ACL and public-access-block changes,
DeleteBucket*, AssumeRole, IAM changes and new access keys. IAM calls that only read (Get*,
List*, Generate*, Simulate*) are not changes.
"""

from __future__ import annotations

import re

from trailsweep.triage.events import ContextEvent

S3 = "s3.amazonaws.com"
IAM = "iam.amazonaws.com"
STS = "sts.amazonaws.com"

# (category, provider or None for any, action pattern); first match wins.
_NOTABLE: tuple[tuple[str, str | None, re.Pattern[str]], ...] = (
    ("bucket listing", S3, re.compile(r"ListBuckets$")),
    ("object read", S3, re.compile(r"GetObject$")),
    (
        "bucket policy change",
        S3,
        re.compile(
            r"(Put|Delete)BucketPolicy$|PutBucketAcl$|(Put|Delete)(Bucket)?PublicAccessBlock$"
        ),
    ),
    ("bucket deletion", S3, re.compile(r"DeleteBucket")),
    ("role assumption", STS, re.compile(r"AssumeRole")),
    ("new access key", IAM, re.compile(r"CreateAccessKey$")),
    ("IAM change", IAM, re.compile(r"^(?!(Get|List|Generate|Simulate))")),
)
_READ_PREFIXES = ("Get", "List", "Head", "Describe")
_BUCKET_ARN = re.compile(r"^(arn:[^:]+:s3:::[^/]+)")


def notable_category(provider: str | None, action: str | None) -> str | None:
    """Why a call is notable (e.g. `object read`), or None."""
    if action is None:
        return None
    for category, wanted, pattern in _NOTABLE:
        if (wanted is None or provider == wanted) and pattern.search(action):
            return category
    return None


def bucket_arn(arn: str) -> str | None:
    """The bucket ARN of a bucket or object ARN (`arn:aws:s3:::b/key` → `arn:aws:s3:::b`)."""
    match = _BUCKET_ARN.match(arn)
    return match[1] if match else None


def bucket_arns(event: ContextEvent) -> tuple[str, ...]:
    """The distinct buckets an event names, sorted."""
    return tuple(sorted({b for arn in event.resource_arns if (b := bucket_arn(arn)) is not None}))


def is_write(event: ContextEvent) -> bool:
    """Whether a call changes something: CloudTrail's readOnly flag, else the API's verb."""
    if event.read_only is not None:
        return not event.read_only
    return event.action is not None and not event.action.startswith(_READ_PREFIXES)
