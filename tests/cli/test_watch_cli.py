"""`trailsweep watch` end to end: a folder, an S3 trail and an SQS queue of S3 notifications on
moto's standalone server (a real HTTP endpoint), alerts to a file, stdout and a local webhook."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import orjson
import pytest
from typer.testing import CliRunner

from tests.scenarios.builders import ACCOUNT, Counter, posture_record, sweep
from tests.schedule.deliveries import deliver
from tests.sources.watch.moto_server import fake_aws, moto_endpoint, unique_name  # noqa: F401
from trailsweep.alerts import alert_document
from trailsweep.cli.main import app
from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules

runner = CliRunner()


def _day(folder: Path) -> Path:
    """A 17-bucket sweep at 10:00 and a quiet call at 10:30 (which closes its window)."""
    ids = Counter()
    deliver(folder, sweep(ids, 17), "1005", "a")
    deliver(
        folder, [posture_record(ids, "other", second=1800.0, source_ip="203.0.113.9")], "1031", "b"
    )
    return folder


def _batch(folder: Path) -> dict[str, dict[str, Any]]:
    return {a.uuid: alert_document(a) for a in scan([folder], bundled_rules()).alerts}


def _ndjson(data: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in data.splitlines() if line.strip()]


def test_watch_a_folder_once_writes_alerts_and_health(tmp_path: Path) -> None:
    inbox = _day(tmp_path / "inbox")
    alerts, stats = tmp_path / "alerts.ndjson", tmp_path / "stats.json"
    args = ["watch", str(inbox), "--state", str(tmp_path / "state"), "--once", "-o", str(alerts),
            "--stats", str(stats), "--settle", "0"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "alerts 1 created / 0 updated" in result.stderr
    assert result.stderr.count("watch folder") == 1  # the idle poll after the batch says nothing
    (line,) = _ndjson(alerts.read_bytes())
    expected = _batch(inbox)
    assert {k: v for k, v in line.items() if k != "trailsweep.watch"} == expected[
        line["kibana.alert.uuid"]
    ]
    health = orjson.loads(stats.read_bytes())
    assert health["files_processed"] == 2
    assert health["records_read"] == 18
    assert health["alerts_created"] == 1
    assert health["watermark"] == "2026-03-14T10:15:00Z"
    assert health["lag_seconds"] > 0
    # Run again: nothing new, nothing written twice.
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    assert len(_ndjson(alerts.read_bytes())) == 1


def test_watch_defaults_to_stdout(tmp_path: Path) -> None:
    inbox = _day(tmp_path / "inbox")
    result = runner.invoke(
        app, ["watch", str(inbox), "--state", str(tmp_path / "s"), "--once", "-q", "--settle", "0"]
    )
    assert result.exit_code == 0, result.output
    (line,) = _ndjson(result.stdout_bytes)
    assert line["trailsweep.watch"]["action"] == "created"
    assert result.stderr == ""


def test_a_state_inside_the_watched_folder_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["watch", str(tmp_path), "--state", str(tmp_path / "state")])
    assert result.exit_code == 2
    assert "inside the watched folder" in result.stderr


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["watch", str(tmp_path / "missing"), "--state", str(tmp_path)])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    result = runner.invoke(app, ["watch", str(tmp_path), "--state", str(tmp_path / "s"),
                                 "--lateness", "soon"])  # fmt: skip
    assert result.exit_code == 2
    result = runner.invoke(app, ["watch", str(tmp_path), "--state", str(tmp_path / "s"),
                                 "--webhook", "file:///etc/passwd"])  # fmt: skip
    assert result.exit_code == 2
    assert "http or https" in result.stderr


def _upload_day(s3: Any, bucket: str, folder: Path, prefix: str) -> list[str]:
    keys = []
    for path in sorted(folder.rglob("*.json.gz")):
        key = f"{prefix}/{path.relative_to(folder).as_posix()}"
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
        keys.append(key)
    return keys


@pytest.mark.usefixtures("fake_aws")
def test_watch_an_s3_trail(tmp_path: Path, moto_endpoint: str) -> None:  # noqa: F811
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    bucket = unique_name("trail")
    s3.create_bucket(Bucket=bucket)
    day = _day(tmp_path / "day")
    keys = _upload_day(s3, bucket, day, "org")
    alerts = tmp_path / "alerts.ndjson"
    args = ["watch", f"s3://{bucket}/org", "--state", str(tmp_path / "state"), "--once",
            "-o", str(alerts), "--endpoint-url", moto_endpoint, "-q"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (line,) = _ndjson(alerts.read_bytes())
    expected = _batch(day)[line["kibana.alert.uuid"]]
    assert line["Esql.bucket_arn_count_distinct"] == expected["Esql.bucket_arn_count_distinct"]
    assert line["trailsweep.evidence.event_ids"] == expected["trailsweep.evidence.event_ids"]
    records = line["trailsweep.evidence.records"]
    assert records[0] == f"s3://{bucket}/{keys[0]} record 0"  # the object, not a local copy
    # A late file lands in the bucket: the alert is updated in place.
    late = posture_record(Counter(100), "late-bucket", second=3.0)
    name = f"{ACCOUNT}_CloudTrail_us-east-1_20260314T1300Z_late.json.gz"
    late_key = f"org/AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/03/14/{name}"
    s3.put_object(
        Bucket=bucket, Key=late_key, Body=gzip.compress(json.dumps({"Records": [late]}).encode())
    )
    assert runner.invoke(app, args).exit_code == 0
    first, update = _ndjson(alerts.read_bytes())
    assert update["kibana.alert.uuid"] == first["kibana.alert.uuid"]
    assert update["trailsweep.watch"]["action"] == "updated"
    assert update["Esql.bucket_arn_count_distinct"] == 18


@pytest.mark.usefixtures("fake_aws")
def test_watch_an_sqs_queue_of_s3_notifications(tmp_path: Path, moto_endpoint: str) -> None:  # noqa: F811
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    sqs = boto3.client("sqs", endpoint_url=moto_endpoint)
    bucket, queue = unique_name("trail"), unique_name("trail-events")
    s3.create_bucket(Bucket=bucket)
    queue_url = sqs.create_queue(QueueName=queue)["QueueUrl"]
    day = _day(tmp_path / "day")
    for key in _upload_day(s3, bucket, day, "logs"):
        size = s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
        body = {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                             "s3": {"bucket": {"name": bucket},
                                    "object": {"key": key, "size": size}}}]}  # fmt: skip
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(body))
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(body))  # delivered twice
    alerts = tmp_path / "alerts.ndjson"
    args = ["watch", f"sqs://{queue}", "--state", str(tmp_path / "state"), "--once", "-o",
            str(alerts), "--endpoint-url", moto_endpoint, "-q"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (line,) = _ndjson(alerts.read_bytes())
    assert line["Esql.bucket_arn_count_distinct"] == 17
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[bytes] = []
    failures_left = 0

    def do_POST(self) -> None:  # noqa: N802 - the http.server hook's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            self.send_response(503)
            self.end_headers()
            return
        type(self).bodies.append(body)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[str]:
    _Receiver.bodies = []
    _Receiver.failures_left = 1
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("slack", [False, True])
def test_watch_posts_alerts_to_a_webhook(tmp_path: Path, receiver: str, slack: bool) -> None:
    inbox = _day(tmp_path / "inbox")
    args = ["watch", str(inbox), "--state", str(tmp_path / "state"), "--once", "-q",
            "--webhook", receiver, "--settle", "0"] + (["--slack"] if slack else [])  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (body,) = _Receiver.bodies  # the first attempt got a 503 and was retried
    posted = orjson.loads(body)
    if slack:
        assert set(posted) == {"text"}
        assert "arn:aws:iam::111122223333:user/mallory" in posted["text"]
    else:
        assert posted["Esql.bucket_arn_count_distinct"] == 17
        assert posted["trailsweep.watch"]["sequence"] == 1
