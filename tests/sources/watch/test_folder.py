"""The folder source: settling, skipping, ordering, limits, and fetching the file itself."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from trailsweep.sources.watch import (
    DeliveredObject,
    FolderSource,
    MissingObjectError,
    SourceError,
    open_watch_source,
)

DAY = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14"


def _write(root: Path, relative: str, age: float = 60.0, content: bytes = b"{}") -> Path:
    """A file whose modification time is `age` seconds in the past."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    moment = time.time() - age
    os.utime(path, (moment, moment))
    return path


def _nothing_known(key: str) -> bool:
    return False


def test_settled_files_come_oldest_first_with_path_identity(tmp_path: Path) -> None:
    newer = _write(tmp_path, f"{DAY}/a.json.gz", age=10, content=b"12345")
    _write(tmp_path, f"{DAY}/b.json.gz", age=30)
    _write(tmp_path, f"{DAY}/c.json.gz", age=30)  # same mtime as b: the key decides
    poll = FolderSource(tmp_path).poll(None, _nothing_known, 10)
    assert [obj.key for obj in poll.objects] == [
        f"{DAY}/b.json.gz",
        f"{DAY}/c.json.gz",
        f"{DAY}/a.json.gz",
    ]
    first = poll.objects[2]
    assert first == DeliveredObject(
        key=f"{DAY}/a.json.gz",
        version=f"5:{newer.stat().st_mtime_ns}",
        size=5,
        display=str(newer),
    )
    assert poll.cursor is None
    assert poll.backlog == 0
    assert poll.known == ()


def test_a_file_still_being_written_waits_and_counts_as_backlog(tmp_path: Path) -> None:
    _write(tmp_path, f"{DAY}/old.json.gz", age=60)
    fresh = tmp_path / DAY / "fresh.json.gz"
    fresh.write_bytes(b"{")  # mtime now: a copier may still be writing it
    source = FolderSource(tmp_path, settle_seconds=30)
    poll = source.poll(None, _nothing_known, 10)
    assert [obj.key for obj in poll.objects] == [f"{DAY}/old.json.gz"]
    assert poll.backlog == 1
    moment = time.time() - 31
    os.utime(fresh, (moment, moment))
    poll = source.poll(None, lambda key: key.endswith("old.json.gz"), 10)
    assert [obj.key for obj in poll.objects] == [f"{DAY}/fresh.json.gz"]
    assert poll.backlog == 0


def test_hidden_digest_and_documentation_files_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path, f"{DAY}/log.json.gz")
    _write(tmp_path, f"{DAY}/.log.json.gz.a1B2c3")  # rsync's temporary file
    _write(tmp_path, ".sync/state.json")
    _write(tmp_path, "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/14/d.json.gz")
    _write(tmp_path, "README.md")
    _write(tmp_path, "LICENSE")
    poll = FolderSource(tmp_path).poll(None, _nothing_known, 10)
    assert [obj.key for obj in poll.objects] == [f"{DAY}/log.json.gz"]
    assert poll.backlog == 0


def test_known_files_are_not_delivered_again(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        _write(tmp_path, f"{DAY}/{name}.json.gz")
    known = {f"{DAY}/a.json.gz", f"{DAY}/c.json.gz"}
    poll = FolderSource(tmp_path).poll(None, known.__contains__, 10)
    assert [obj.key for obj in poll.objects] == [f"{DAY}/b.json.gz"]
    assert poll.known == ()


def test_limit_leaves_the_rest_as_backlog(tmp_path: Path) -> None:
    for index in range(5):
        _write(tmp_path, f"{DAY}/{index}.json.gz", age=100 - index)
    (tmp_path / DAY / "writing.json.gz").write_bytes(b"")
    source = FolderSource(tmp_path, settle_seconds=5)
    poll = source.poll(None, _nothing_known, 2)
    assert [obj.key for obj in poll.objects] == [f"{DAY}/0.json.gz", f"{DAY}/1.json.gz"]
    assert poll.backlog == 4  # three settled files beyond the limit, one still being written
    done = {obj.key for obj in poll.objects}
    poll = source.poll(None, done.__contains__, 2)
    assert [obj.key for obj in poll.objects] == [f"{DAY}/2.json.gz", f"{DAY}/3.json.gz"]
    assert poll.backlog == 2


def test_fetch_returns_the_file_and_discard_keeps_it(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    path = _write(folder, f"{DAY}/a.json.gz", content=b"bytes")
    source = FolderSource(folder)
    (obj,) = source.poll(None, _nothing_known, 10).objects
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    fetched = source.fetch(obj, scratch)
    assert fetched == path
    source.discard(fetched)
    source.acknowledge([obj])
    source.close()
    assert path.read_bytes() == b"bytes"
    assert list(scratch.iterdir()) == []


def test_fetch_refuses_keys_outside_the_folder_and_reports_vanished_files(tmp_path: Path) -> None:
    source = FolderSource(tmp_path)
    with pytest.raises(SourceError, match="not a path inside the folder"):
        source.fetch(DeliveredObject("../secret", "1:1", 1, "x"), tmp_path)
    with pytest.raises(SourceError, match="not a path inside the folder"):
        source.fetch(DeliveredObject("/etc/passwd", "1:1", 1, "x"), tmp_path)
    with pytest.raises(MissingObjectError, match="gone.json.gz no longer exists"):
        source.fetch(DeliveredObject("gone.json.gz", "1:1", 1, "x"), tmp_path)


def test_a_missing_folder_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        FolderSource(tmp_path / "nope")
    file = _write(tmp_path, "file.json")
    with pytest.raises(SourceError, match="is not a folder"):
        open_watch_source(str(file))
    source = open_watch_source(str(tmp_path))
    assert isinstance(source, FolderSource)
    assert source.description == f"folder {tmp_path}"
