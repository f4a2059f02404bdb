"""Turning the SOURCE argument of `trailsweep watch` into a watched source.

`s3://bucket[/prefix]` watches a bucket prefix; `sqs://queue-name` or a queue URL
(`https://sqs.<region>.amazonaws.com/<account>/<name>`, or `http(s)://` for an SQS-compatible
service) watches a queue of S3 notifications; anything else is a local folder.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from trailsweep.sources.watch.aws import make_client, source_errors
from trailsweep.sources.watch.folder import FolderSource
from trailsweep.sources.watch.model import Report, SourceError, WatchSource
from trailsweep.sources.watch.s3 import S3Source
from trailsweep.sources.watch.sqs import SqsSource


def open_watch_source(
    spec: str,
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    settle_seconds: float = 1.0,
    wait_seconds: int = 1,
    report: Report | None = None,
) -> WatchSource:
    """The watched source `spec` names, checked to be usable (raises SourceError).

    `report` receives the problems a queue source meets while polling (unreadable messages);
    `settle_seconds` applies to folders, `wait_seconds` (the first receive's long poll) to
    queues."""
    if spec.startswith("s3://"):
        return _open_s3(spec, endpoint_url, region)
    if spec.startswith("sqs://"):
        name = spec[len("sqs://") :].strip("/")
        if not name or "/" in name:
            raise SourceError(f"{spec}: expected sqs://<queue-name>")
        return _open_sqs(spec, name, None, endpoint_url, region, wait_seconds, report)
    if spec.startswith(("https://", "http://")):
        return _open_sqs(spec, None, spec, endpoint_url, region, wait_seconds, report)
    return FolderSource(Path(spec).expanduser(), settle_seconds=settle_seconds)


def _open_s3(spec: str, endpoint_url: str | None, region: str | None) -> S3Source:
    bucket, _, prefix = spec[len("s3://") :].partition("/")
    if not bucket:
        raise SourceError(f"{spec}: expected s3://bucket[/prefix]")
    client = make_client("s3", endpoint_url=endpoint_url, region=region)
    source = S3Source(client, bucket, prefix)
    try:
        with source_errors(source.description, "opening the bucket"):
            client.list_objects_v2(Bucket=bucket, Prefix=source.prefix, MaxKeys=1)
    except SourceError:
        client.close()
        raise
    return source


def _open_sqs(
    spec: str,
    name: str | None,
    url: str | None,
    endpoint_url: str | None,
    region: str | None,
    wait_seconds: int,
    report: Report | None,
) -> SqsSource:
    if url is not None:
        parts = urlsplit(url)
        if not parts.netloc or len(parts.path.strip("/").split("/")) != 2:
            raise SourceError(f"{spec}: not a queue URL (expected .../<account>/<queue-name>)")
        aws_region = _region_of(parts.hostname or "")
        if aws_region is None and endpoint_url is None:
            endpoint_url = f"{parts.scheme}://{parts.netloc}"  # an SQS-compatible service
        region = region or aws_region
    sqs = make_client("sqs", endpoint_url=endpoint_url, region=region)
    s3 = make_client("s3", endpoint_url=endpoint_url, region=region)
    try:
        with source_errors(f"sqs {url or spec}", "opening the queue"):
            if url is None:
                url = str(sqs.get_queue_url(QueueName=name)["QueueUrl"])
            else:
                sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    except SourceError:
        sqs.close()
        s3.close()
        raise
    return SqsSource(sqs, s3, url, wait_seconds=wait_seconds, report=report)


def _region_of(host: str) -> str | None:
    """The region of an AWS queue host (`sqs.eu-west-1.amazonaws.com`, or the legacy
    `eu-west-1.queue.amazonaws.com`); None for any other host."""
    labels = host.lower().split(".")
    if "amazonaws" not in labels:
        return None
    if labels[0] == "sqs" and len(labels) > 2:
        return labels[1]
    if len(labels) > 2 and labels[1] == "queue":
        return labels[0]
    return None
