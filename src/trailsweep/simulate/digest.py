"""Hourly digest files: CloudTrail's integrity chain, which readers of log files must skip."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
from isal import igzip

from trailsweep.simulate.clock import iso_seconds, key_date_path, key_second
from trailsweep.simulate.delivery import GZIP_LEVEL, LogFile
from trailsweep.simulate.ids import IdSource
from trailsweep.simulate.inventory import Trail


def digest_key(account_id: str, region: str, trail: Trail, end: int) -> str:
    """`AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/<acct>_CloudTrail-Digest_...json.gz`."""
    return (
        f"AWSLogs/{account_id}/CloudTrail-Digest/{region}/{key_date_path(end)}/"
        f"{account_id}_CloudTrail-Digest_{region}_{trail.name}_{trail.home_region}_"
        f"{key_second(end)}.json.gz"
    )


def write_digests(
    out_dir: Path,
    trail: Trail,
    account_ids: Sequence[str],
    regions: Sequence[str],
    files: Sequence[LogFile],
    day_start: int,
    rng: random.Random,
) -> list[str]:
    """One digest per account, region and hour of the day, listing the files delivered in it."""
    ids = IdSource(rng)
    fingerprint = ids.hex(32)
    keys: list[str] = []
    for account_id in account_ids:
        for region in regions:
            # Digests of one trail and region are written at the same minute past each hour.
            offset = rng.randrange(60, 3000)
            start = day_start + offset
            previous_key = digest_key(account_id, region, trail, start)
            previous_hash = ids.hex(64)
            previous_signature = ids.hex(512)
            for hour in range(1, 25):
                end = day_start + hour * 3600 + offset
                listed = [
                    f
                    for f in files
                    if f.account_id == account_id
                    and f.region == region
                    and start <= f.delivered < end
                ]
                key = digest_key(account_id, region, trail, end)
                body = orjson.dumps(
                    _digest(
                        account_id,
                        trail,
                        key,
                        start,
                        end,
                        listed,
                        fingerprint,
                        previous_key,
                        previous_hash,
                        previous_signature,
                    )
                )
                path = out_dir / key
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(igzip.compress(body, GZIP_LEVEL, mtime=0))
                keys.append(key)
                previous_key, previous_hash = key, hashlib.sha256(body).hexdigest()
                previous_signature = ids.hex(512)
                start = end
    return keys


def _digest(
    account_id: str,
    trail: Trail,
    key: str,
    start: int,
    end: int,
    files: Sequence[LogFile],
    fingerprint: str,
    previous_key: str,
    previous_hash: str,
    previous_signature: str,
) -> dict[str, Any]:
    return {
        "awsAccountId": account_id,
        "digestStartTime": iso_seconds(start),
        "digestEndTime": iso_seconds(end),
        "digestS3Bucket": trail.bucket,
        "digestS3Object": key,
        "digestPublicKeyFingerprint": fingerprint,
        "digestSignatureAlgorithm": "SHA256withRSA",
        "newestEventTime": iso_seconds(max(f.newest_event for f in files)) if files else None,
        "oldestEventTime": iso_seconds(min(f.oldest_event for f in files)) if files else None,
        "previousDigestS3Bucket": trail.bucket,
        "previousDigestS3Object": previous_key,
        "previousDigestHashValue": previous_hash,
        "previousDigestHashAlgorithm": "SHA-256",
        "previousDigestSignature": previous_signature,
        "logFiles": [
            {
                "s3Bucket": trail.bucket,
                "s3Object": f.key,
                "hashValue": f.sha256,
                "hashAlgorithm": "SHA-256",
                "newestEventTime": iso_seconds(f.newest_event),
                "oldestEventTime": iso_seconds(f.oldest_event),
            }
            for f in files
        ],
    }
