"""The S3 source against a real S3 API (moto's server): layout walking, the day cursor,
downloads that stay inside scratch, and clear errors."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest

from trailsweep.sources.watch import (
    MissingObjectError,
    Poll,
    S3Source,
    SourceError,
    open_watch_source,
)

ACCOUNT = "logs/AWSLogs/111122223333/CloudTrail"
EAST = f"{ACCOUNT}/us-east-1"
WEST = f"{ACCOUNT}/eu-west-1"

pytestmark = pytest.mark.usefixtures("fake_aws")


def _put(client: Any, bucket: str, key: str, body: bytes = b'{"Records": []}') -> None:
    client.put_object(Bucket=bucket, Key=key, Body=body)


def _open(bucket: str, endpoint: str, prefix: str = "logs") -> S3Source:
    source = open_watch_source(f"s3://{bucket}/{prefix}", endpoint_url=endpoint)
    assert isinstance(source, S3Source)
    return source


def _listings(source: S3Source) -> list[dict[str, Any]]:
    """Records the parameters of every ListObjectsV2 call the source's client makes."""
    calls: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        calls.append(dict(params))

    source.client.meta.events.register("provide-client-params.s3.ListObjectsV2", record)
    return calls


class _Watcher:
    """The watcher's side of the contract, minimally: known keys and the saved cursor."""

    def __init__(self, source: S3Source) -> None:
        self.source = source
        self.known: set[str] = set()
        self.cursor: str | None = None

    def poll(self, limit: int = 100) -> Poll:
        poll = self.source.poll(self.cursor, self.known.__contains__, limit)
        self.known.update(obj.key for obj in poll.objects)
        self.cursor = poll.cursor
        return poll


def _keys(poll: Poll, bucket: str) -> list[str]:
    return [obj.key.removeprefix(f"s3://{bucket}/") for obj in poll.objects]


def test_trail_layout_cursor_finds_new_late_and_new_region_files(
    s3_client: Any, bucket: str, moto_endpoint: str
) -> None:
    for key in (
        f"{EAST}/2026/03/13/e1.json.gz",
        f"{EAST}/2026/03/14/e2.json.gz",
        f"{WEST}/2026/03/14/w1.json.gz",
        "logs/exports/manual.json",
        "logs-old/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/outside.json.gz",
        "logs/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/14/digest.json.gz",
    ):
        _put(s3_client, bucket, key)
    s3_client.put_object(Bucket=bucket, Key=f"{EAST}/2026/03/14/", Body=b"")  # a folder marker
    watcher = _Watcher(_open(bucket, moto_endpoint))
    first = watcher.poll()
    assert sorted(_keys(first, bucket)) == [
        f"{WEST}/2026/03/14/w1.json.gz",
        f"{EAST}/2026/03/13/e1.json.gz",
        f"{EAST}/2026/03/14/e2.json.gz",
        "logs/exports/manual.json",
    ]
    obj = first.objects[0]
    assert obj.display == obj.key and obj.key.startswith(f"s3://{bucket}/logs/")
    assert obj.version == hashlib.md5(b'{"Records": []}').hexdigest()  # the ETag, unquoted
    assert obj.size == len(b'{"Records": []}') and obj.handle is None
    assert first.backlog == 0
    assert json.loads(first.cursor or "") == {
        "version": 1,
        "days": {f"{WEST}/": "2026/03/14", f"{EAST}/": "2026/03/14"},
    }

    calls = _listings(watcher.source)
    second = watcher.poll()
    assert second.objects == () and second.backlog == 0
    assert second.cursor == first.cursor
    parents = [call for call in calls if call["Prefix"] in (f"{EAST}/", f"{WEST}/")]
    assert parents and all(call["StartAfter"].endswith("2026/03/12") for call in parents)

    _put(s3_client, bucket, f"{EAST}/2026/03/14/e3.json.gz")  # the current day
    _put(s3_client, bucket, f"{EAST}/2026/03/13/late.json.gz")  # late, within the lookback
    _put(s3_client, bucket, f"{EAST}/2026/03/01/ancient.json.gz")  # beyond it: never listed
    _put(s3_client, bucket, f"{ACCOUNT}/ap-south-1/2026/03/15/s1.json.gz")  # a new region
    third = watcher.poll()
    assert sorted(_keys(third, bucket)) == [
        f"{ACCOUNT}/ap-south-1/2026/03/15/s1.json.gz",
        f"{EAST}/2026/03/13/late.json.gz",
        f"{EAST}/2026/03/14/e3.json.gz",
    ]
    assert json.loads(third.cursor or "")["days"][f"{ACCOUNT}/ap-south-1/"] == "2026/03/15"
    assert watcher.poll().objects == ()


def test_objects_come_oldest_delivery_first(
    s3_client: Any, bucket: str, moto_endpoint: str
) -> None:
    _put(s3_client, bucket, f"{WEST}/2026/03/14/z-first.json.gz")
    time.sleep(1.05)  # S3 keeps LastModified to the second
    _put(s3_client, bucket, f"{EAST}/2026/03/14/a-second.json.gz")
    _put(s3_client, bucket, f"{EAST}/2026/03/14/b-third.json.gz")
    poll = _open(bucket, moto_endpoint).poll(None, lambda key: False, 10)
    assert [key.rsplit("/", 1)[1] for key in _keys(poll, bucket)] == [
        "z-first.json.gz",
        "a-second.json.gz",
        "b-third.json.gz",
    ]


def test_limit_keeps_the_cursor_behind_what_still_waits(
    s3_client: Any, bucket: str, moto_endpoint: str
) -> None:
    days = [f"2026/03/{day:02d}" for day in range(1, 8)]
    for day in days:
        _put(s3_client, bucket, f"{EAST}/{day}/f.json.gz")
    watcher = _Watcher(_open(bucket, moto_endpoint))
    delivered: list[str] = []
    backlogs: list[int | None] = []
    while True:
        poll = watcher.poll(limit=2)
        if not poll.objects:
            break
        delivered.extend(_keys(poll, bucket))
        backlogs.append(poll.backlog)
    assert delivered == [f"{EAST}/{day}/f.json.gz" for day in days]
    assert backlogs == [5, 3, 1, 0]
    assert json.loads(watcher.cursor or "")["days"] == {f"{EAST}/": "2026/03/07"}


def test_a_prefix_that_is_itself_a_region_folder(
    s3_client: Any, bucket: str, moto_endpoint: str
) -> None:
    _put(s3_client, bucket, f"{EAST}/2026/03/14/a.json.gz")
    watcher = _Watcher(_open(bucket, moto_endpoint, prefix=EAST))
    assert len(watcher.poll().objects) == 1
    calls = _listings(watcher.source)
    _put(s3_client, bucket, f"{EAST}/2026/03/15/b.json.gz")
    assert _keys(watcher.poll(), bucket) == [f"{EAST}/2026/03/15/b.json.gz"]
    assert calls == [{"Bucket": bucket, "Prefix": f"{EAST}/", "StartAfter": f"{EAST}/2026/03/12"}]


def test_arbitrary_layouts_fall_back_to_plain_listings(
    s3_client: Any, bucket: str, moto_endpoint: str
) -> None:
    for index in range(102):
        _put(s3_client, bucket, f"dump/exports/run-{index:03d}/part.json")
    deep = "dump/" + "/".join("abcdefghijkl") + "/deep.json"
    _put(s3_client, bucket, deep)
    source = _open(bucket, moto_endpoint, prefix="dump")
    calls = _listings(source)
    poll = source.poll(None, lambda key: False, 1000)
    assert len(poll.objects) == 103
    assert deep in _keys(poll, bucket)
    assert len(calls) < 20  # not one request per export folder
    assert poll.cursor == '{"version":1,"days":{}}'


def test_fetch_downloads_exact_bytes_under_a_hashed_name(
    s3_client: Any, bucket: str, moto_endpoint: str, tmp_path: Path
) -> None:
    body = bytes(range(256)) * 100
    _put(s3_client, bucket, f"{EAST}/2026/03/14/x_CloudTrail.json.gz", body)
    source = _open(bucket, moto_endpoint)
    (obj,) = source.poll(None, lambda key: False, 10).objects
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    path = source.fetch(obj, scratch)
    assert path.parent == scratch
    assert path.name == hashlib.sha256(obj.key.encode()).hexdigest() + ".json.gz"
    assert path.read_bytes() == body
    outside = tmp_path / "not-mine.json"
    outside.write_text("{}")
    source.discard(outside)  # never a file the source did not download
    assert outside.exists()
    source.discard(path)
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize(
    "key",
    ["AWSLogs/../../etc/passwd", "../../escape.json.gz", "a/../../../b/.././c.json", "/abs/x.json"],
)
def test_hostile_keys_never_escape_scratch(
    s3_client: Any, bucket: str, moto_endpoint: str, tmp_path: Path, key: str
) -> None:
    _put(s3_client, bucket, key, b"hostile")
    source = _open(bucket, moto_endpoint, prefix="")
    (obj,) = source.poll(None, lambda known: False, 10).objects
    assert obj.key == f"s3://{bucket}/{key}"
    scratch = tmp_path / "a" / "b" / "scratch"
    scratch.mkdir(parents=True)
    path = source.fetch(obj, scratch)
    assert path.parent == scratch and path.read_bytes() == b"hostile"
    assert ".." not in path.name and "/" not in path.name
    everything = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert everything == [path.relative_to(tmp_path)]


def test_a_vanished_object_is_a_missing_object_error(
    s3_client: Any, bucket: str, moto_endpoint: str, tmp_path: Path
) -> None:
    _put(s3_client, bucket, f"{EAST}/2026/03/14/gone.json.gz")
    source = _open(bucket, moto_endpoint)
    (obj,) = source.poll(None, lambda key: False, 10).objects
    s3_client.delete_object(Bucket=bucket, Key=f"{EAST}/2026/03/14/gone.json.gz")
    with pytest.raises(MissingObjectError, match="gone.json.gz no longer exists"):
        source.fetch(obj, tmp_path)
    assert list(tmp_path.iterdir()) == []  # no partial file left behind


def test_unusable_buckets_are_source_errors(s3_client: Any, moto_endpoint: str) -> None:
    with pytest.raises(SourceError, match=r"s3://no-such-bucket-x1/logs/: .*no such bucket"):
        open_watch_source("s3://no-such-bucket-x1/logs", endpoint_url=moto_endpoint)
    with pytest.raises(SourceError, match="expected s3://bucket"):
        open_watch_source("s3://", endpoint_url=moto_endpoint)
    with pytest.raises(SourceError, match="cannot reach the endpoint"):
        open_watch_source("s3://bucket-x", endpoint_url="http://127.0.0.1:9")


def test_a_bucket_deleted_under_a_running_source(s3_client: Any, moto_endpoint: str) -> None:
    name = f"doomed-{time.time_ns()}"
    s3_client.create_bucket(Bucket=name)
    source = _open(name, moto_endpoint)
    s3_client.delete_bucket(Bucket=name)
    with pytest.raises(SourceError, match=f"s3://{name}/logs/: listing the bucket: no such bucket"):
        source.poll(None, lambda key: False, 10)
    source.close()


def test_a_future_dated_key_does_not_blind_the_cursor(
    s3_client: Any, bucket: str, moto_endpoint: str
) -> None:
    _put(s3_client, bucket, f"{EAST}/2026/03/14/a.json.gz")
    _put(s3_client, bucket, f"{EAST}/2099/12/31/typo.json.gz")
    watcher = _Watcher(_open(bucket, moto_endpoint))
    assert len(watcher.poll().objects) == 2
    assert json.loads(watcher.cursor or "")["days"] == {f"{EAST}/": "2026/03/14"}
    _put(s3_client, bucket, f"{EAST}/2026/03/15/b.json.gz")
    assert _keys(watcher.poll(), bucket) == [f"{EAST}/2026/03/15/b.json.gz"]
