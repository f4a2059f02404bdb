"""Format detection and bad-input handling of the file source."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from trailsweep.sources import Rejection, SkippedFile, SourceRecord, read_file, read_paths

RECORD = {
    "eventVersion": "1.09",
    "eventTime": "2026-03-14T10:00:01Z",
    "eventSource": "s3.amazonaws.com",
    "eventName": "GetBucketAcl",
    "eventID": "e-1",
}
OTHER = {**RECORD, "eventID": "e-2", "eventName": "GetBucketPolicy"}


def _records(items: list[object]) -> list[SourceRecord]:
    return [item for item in items if isinstance(item, SourceRecord)]


def _write(path: Path, content: bytes, *, compress: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


def test_s3_delivery_file_in_awslogs_layout_gzip(tmp_path: Path) -> None:
    key = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/x_CloudTrail_us-east-1_x.json.gz"
    body = json.dumps({"Records": [RECORD, OTHER]}).encode()
    _write(tmp_path / key, body, compress=True)
    items = list(read_paths([tmp_path]))
    records = _records(items)
    assert [r.data["eventID"] for r in records] == ["e-1", "e-2"]
    assert all(r.kind == "cloudtrail" for r in records)
    assert records[1].location.record == 1


def test_gzip_detected_by_content_not_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "plain-name.json", json.dumps({"Records": [RECORD]}).encode(), compress=True
    )
    assert len(_records(list(read_file(path)))) == 1


def test_digest_files_are_skipped_and_never_read(tmp_path: Path) -> None:
    key = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/14/d.json.gz"
    _write(tmp_path / key, b"not even json", compress=True)
    items = list(read_paths([tmp_path]))
    assert items == [SkippedFile(str(tmp_path / key), "CloudTrail digest file")]


def test_digest_content_outside_digest_folder_is_skipped(tmp_path: Path) -> None:
    digest = {"awsAccountId": "1", "digestStartTime": "x", "digestEndTime": "y", "logFiles": []}
    path = _write(tmp_path / "digest.json", json.dumps(digest).encode())
    assert list(read_file(path)) == [SkippedFile(str(path), "CloudTrail digest file")]


def test_json_array_of_records(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.json", json.dumps([RECORD, OTHER], indent=2).encode())
    assert len(_records(list(read_file(path)))) == 2


@pytest.mark.parametrize("name", ["events.jsonl", "events.ndjson", "test-x.log"])
def test_one_record_per_line(tmp_path: Path, name: str) -> None:
    text = json.dumps(RECORD) + "\n\n" + json.dumps(OTHER) + "\n"
    records = _records(list(read_file(_write(tmp_path / name, text.encode()))))
    assert [r.location.line for r in records] == [1, 3]


def test_cloudwatch_logs_export_with_timestamp_prefix(tmp_path: Path) -> None:
    text = "".join(f"2026-03-14T10:00:01.000Z {json.dumps(r)}\n" for r in (RECORD, OTHER))
    assert len(_records(list(read_file(_write(tmp_path / "cw.log", text.encode()))))) == 2


def test_single_line_cloudwatch_export(tmp_path: Path) -> None:
    text = f"2026-03-14T10:00:01.000Z {json.dumps(RECORD)}\n"
    assert len(_records(list(read_file(_write(tmp_path / "cw.log", text.encode()))))) == 1


def test_lookup_events_output(tmp_path: Path) -> None:
    events = {"Events": [{"EventId": "e-1", "CloudTrailEvent": json.dumps(RECORD)}]}
    records = _records(
        list(read_file(_write(tmp_path / "lookup.json", json.dumps(events).encode())))
    )
    assert records[0].data == RECORD


def test_lookup_events_with_a_broken_embedded_event(tmp_path: Path) -> None:
    events = {"Events": [{"CloudTrailEvent": "{broken"}, {"CloudTrailEvent": json.dumps(RECORD)}]}
    items = list(read_file(_write(tmp_path / "lookup.json", json.dumps(events).encode())))
    assert isinstance(items[0], Rejection) and "not valid JSON" in items[0].reason
    assert items[0].location.record == 0
    assert isinstance(items[1], SourceRecord)


def test_ecs_documents_as_search_hits_and_sources(tmp_path: Path) -> None:
    source = {"@timestamp": "2026-03-14T10:00:01.000Z", "event": {"action": "GetBucketAcl"}}
    hit = {"_index": "logs-aws.cloudtrail-default", "_id": "x", "_source": source}
    flat = {"@timestamp": "2026-03-14T10:00:01.000Z", "event.action": "GetBucketAcl"}
    text = "\n".join(json.dumps(d) for d in (hit, source, flat)) + "\n"
    records = _records(list(read_file(_write(tmp_path / "export.ndjson", text.encode()))))
    assert [r.kind for r in records] == ["ecs", "ecs", "ecs"]
    assert records[0].data == source


def test_eventbridge_envelope(tmp_path: Path) -> None:
    envelope = {"detail-type": "AWS API Call via CloudTrail", "detail": RECORD}
    records = _records(list(read_file(_write(tmp_path / "eb.json", json.dumps(envelope).encode()))))
    assert records[0].data == RECORD


def test_truncated_gzip_is_a_file_rejection(tmp_path: Path) -> None:
    body = gzip.compress(json.dumps({"Records": [RECORD] * 50}).encode())
    path = _write(tmp_path / "cut.json.gz", body[: len(body) // 2])
    (item,) = list(read_file(path))
    assert isinstance(item, Rejection) and "truncated gzip" in item.reason
    assert item.location.path == str(path)


def test_truncated_gzip_of_lines_keeps_what_came_before(tmp_path: Path) -> None:
    lines = "".join(
        json.dumps({**RECORD, "eventID": f"e{i}", "pad": "x" * 200}) + "\n" for i in range(2000)
    )
    body = gzip.compress(lines.encode())
    items = list(read_file(_write(tmp_path / "cut.jsonl.gz", body[: len(body) // 2])))
    assert isinstance(items[-1], Rejection) and "truncated gzip" in items[-1].reason
    assert len(_records(items)) > 100


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.json", b'{"Records": [\n  {"eventName": }\n]}')
    (item,) = list(read_file(path))
    assert isinstance(item, Rejection) and item.reason.startswith("invalid JSON")
    assert (item.location.line, item.location.column) == (2, 17)


def test_invalid_line_in_ndjson_is_one_record_rejection(tmp_path: Path) -> None:
    text = json.dumps(RECORD) + "\n{oops\n" + json.dumps(OTHER) + "\n"
    items = list(read_file(_write(tmp_path / "x.jsonl", text.encode())))
    assert [type(i).__name__ for i in items] == ["SourceRecord", "Rejection", "SourceRecord"]
    assert items[1].location.line == 2  # type: ignore[union-attr]


def test_json_that_is_not_cloudtrail(tmp_path: Path) -> None:
    path = _write(tmp_path / "package.json", b'{"name": "x", "version": "1"}')
    (item,) = list(read_file(path))
    assert isinstance(item, Rejection) and "not a CloudTrail record" in item.reason


def test_records_that_are_not_objects(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.json", json.dumps({"Records": [RECORD, "text", 3]}).encode())
    reasons = [i.reason for i in read_file(path) if isinstance(i, Rejection)]
    assert reasons == [
        "record is a JSON string, not an object",
        "record is a JSON number, not an object",
    ]


def test_records_wrapper_that_is_not_a_list(tmp_path: Path) -> None:
    (item,) = list(read_file(_write(tmp_path / "x.json", b'{"Records": "nope"}')))
    assert isinstance(item, Rejection) and item.records == 0


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    (item,) = list(read_file(_write(tmp_path / "empty.json", content)))
    assert isinstance(item, Rejection) and item.reason == "empty file"


def test_unreadable_file() -> None:
    # /proc/self/mem fails with EIO at offset 0, even for root (who can open any file).
    (item,) = list(read_file(Path("/proc/self/mem")))
    assert isinstance(item, Rejection) and "Input/output error" in item.reason


def test_missing_path_is_rejected(tmp_path: Path) -> None:
    (item,) = list(read_paths([tmp_path / "nope"]))
    assert isinstance(item, Rejection) and item.reason == "no such file or folder"


def test_folder_walk_skips_documentation_and_hidden_files(tmp_path: Path) -> None:
    _write(tmp_path / "README.md", b"# docs")
    _write(tmp_path / "LICENSE", b"text")
    _write(tmp_path / ".hidden.json", b"{}")
    _write(tmp_path / "logs.json", json.dumps([RECORD]).encode())
    kinds = sorted(type(i).__name__ for i in read_paths([tmp_path]))
    assert kinds == ["SkippedFile", "SkippedFile", "SkippedFile", "SourceRecord"]


def test_bom_is_tolerated(tmp_path: Path) -> None:
    path = _write(tmp_path / "bom.json", b"\xef\xbb\xbf" + json.dumps([RECORD]).encode())
    assert len(_records(list(read_file(path)))) == 1


def test_corrupt_deflate_data_is_a_file_rejection(tmp_path: Path) -> None:
    body = bytearray(gzip.compress(json.dumps({"Records": [RECORD] * 50}).encode()))
    body[20:40] = b"\xff" * 20  # inside the deflate stream
    (item,) = list(read_file(_write(tmp_path / "corrupt.json.gz", bytes(body))))
    assert isinstance(item, Rejection) and "gzip" in item.reason


def test_a_top_level_event_name_makes_a_cloudtrail_record_whatever_else_it_holds(
    tmp_path: Path,
) -> None:
    odd = {**RECORD, "_source": {"event": {"action": "x"}}, "CloudTrailEvent": "{}"}
    path = _write(tmp_path / "odd.json", json.dumps({"Records": [odd]}).encode())
    (item,) = list(read_file(path))
    assert isinstance(item, SourceRecord)
    assert (item.kind, item.data) == ("cloudtrail", odd)
