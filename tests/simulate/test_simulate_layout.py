"""The day is laid out as a trail delivers to S3: keys, gzip JSON files, digests to skip."""

from __future__ import annotations

import gzip
import hashlib
import re
from collections import Counter
from datetime import UTC, datetime

from .conftest import SimulatedDay
from .trail_files import digest_files, epoch, log_files, read_json_gz

LOG_KEY = re.compile(
    r"^AWSLogs/(?P<account>\d{12})/CloudTrail/(?P<region>[a-z]{2}-[a-z]+-\d)/"
    r"(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/"
    r"(?P=account)_CloudTrail_(?P=region)_(?P<stamp>\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$"
)
DIGEST_KEY = re.compile(
    r"^AWSLogs/(?P<account>\d{12})/CloudTrail-Digest/(?P<region>[a-z]{2}-[a-z]+-\d)/"
    r"(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/"
    r"(?P=account)_CloudTrail-Digest_(?P=region)_kestrel-audit-trail_us-east-1_"
    r"(?P<stamp>\d{8}T\d{6}Z)\.json\.gz$"
)
DIGEST_FIELDS = {
    "awsAccountId", "digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object",
    "digestPublicKeyFingerprint", "digestSignatureAlgorithm", "newestEventTime",
    "oldestEventTime", "previousDigestS3Bucket", "previousDigestS3Object",
    "previousDigestHashValue", "previousDigestHashAlgorithm", "previousDigestSignature",
    "logFiles",
}  # fmt: skip


def _key_time(stamp: str) -> int:
    fmt = "%Y%m%dT%H%MZ" if len(stamp) == 14 else "%Y%m%dT%H%M%SZ"
    return int(datetime.strptime(stamp, fmt).replace(tzinfo=UTC).timestamp())


def _trail_of(key: str) -> tuple[str, str]:
    match = LOG_KEY.match(key)
    assert match, key
    return match["account"], match["region"]


def test_every_file_is_a_log_file_a_digest_or_the_manifest(day: SimulatedDay) -> None:
    names = sorted(p.relative_to(day.root).as_posix() for p in day.root.rglob("*") if p.is_file())
    other = [n for n in names if not (LOG_KEY.match(n) or DIGEST_KEY.match(n))]
    assert other == ["manifest.json"]


def test_log_keys_name_the_folder_date_and_the_delivery_minute(day: SimulatedDay) -> None:
    for key, records in day.files.items():
        match = LOG_KEY.match(key)
        assert match, key
        assert match["stamp"][:8] == match["y"] + match["m"] + match["d"], key
        newest = max(epoch(r["eventTime"]) for r in records)
        delivered = _key_time(match["stamp"])  # the delivery time, floored to the minute
        # Delivered 150-480 s after the newest event (no late files by default).
        assert newest + 150 - 59 <= delivered <= newest + 480, key
        assert {r["recipientAccountId"] for r in records} == {match["account"]}, key
        assert {r["awsRegion"] for r in records} == {match["region"]}, key


def test_about_one_file_per_five_minutes_per_account_and_region(day: SimulatedDay) -> None:
    per_trail = Counter(_trail_of(key) for key in day.files)
    assert len(per_trail) == 2 * 3
    assert all(250 <= count <= 300 for count in per_trail.values()), per_trail


def test_log_files_are_gzip_with_no_timestamp_holding_a_records_object(day: SimulatedDay) -> None:
    for path in log_files(day.root):
        raw = path.read_bytes()
        assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\0\0\0\0", path  # gzip, MTIME 0
        document = read_json_gz(path)
        assert list(document) == ["Records"], path
        assert isinstance(document["Records"], list) and document["Records"], path


def test_records_within_files_are_not_in_time_order(day: SimulatedDay) -> None:
    sizable = [records for records in day.files.values() if len(records) >= 10]
    unsorted = [
        records for records in sizable
        if [r["eventTime"] for r in records] != sorted(r["eventTime"] for r in records)
    ]  # fmt: skip
    assert len(unsorted) >= 0.9 * len(sizable)


def test_digest_files_are_single_objects_listing_delivered_log_files(day: SimulatedDay) -> None:
    digests = digest_files(day.root)
    assert len(digests) == 2 * 3 * 24
    listed: Counter[str] = Counter()
    for path in digests:
        document = read_json_gz(path)
        assert isinstance(document, dict) and "Records" not in document
        assert set(document) == DIGEST_FIELDS
        assert document["digestS3Object"] == path.relative_to(day.root).as_posix()
        assert DIGEST_KEY.match(document["digestS3Object"])
        for entry in document["logFiles"]:
            listed[entry["s3Object"]] += 1
            log = day.root / entry["s3Object"]
            assert entry["hashAlgorithm"] == "SHA-256"
            assert (
                entry["hashValue"] == hashlib.sha256(gzip.decompress(log.read_bytes())).hexdigest()
            )
    assert listed and max(listed.values()) == 1
    assert set(listed) <= set(day.files)
    # Only files delivered in the last minutes before the first digest of the day go unlisted.
    assert len(listed) >= 0.95 * len(day.files)


def test_digest_chain_links_each_digest_to_the_previous_one(day: SimulatedDay) -> None:
    by_key = {p.relative_to(day.root).as_posix(): p for p in digest_files(day.root)}
    linked = 0
    for path in by_key.values():
        document = read_json_gz(path)
        previous = by_key.get(document["previousDigestS3Object"])
        if previous is not None:
            body = gzip.decompress(previous.read_bytes())
            assert document["previousDigestHashValue"] == hashlib.sha256(body).hexdigest()
            linked += 1
    assert linked == len(by_key) - 2 * 3  # the first digest of each chain points to yesterday
