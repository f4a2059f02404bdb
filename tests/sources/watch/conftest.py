"""Fixtures of the watched-source tests: a moto server, dummy AWS credentials, a fresh bucket
and queue per test, and helpers to lay out trail files."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sources.watch.moto_server import client, fake_aws, moto_endpoint, unique_name

__all__ = ["fake_aws", "moto_endpoint"]  # fixtures re-exported for pytest


@pytest.fixture(scope="session")
def s3_client(moto_endpoint: str) -> Any:
    """A setup client for the moto server's S3."""
    return client("s3", moto_endpoint)


@pytest.fixture(scope="session")
def sqs_client(moto_endpoint: str) -> Any:
    """A setup client for the moto server's SQS."""
    return client("sqs", moto_endpoint)


@pytest.fixture
def bucket(s3_client: Any) -> str:
    """A new, empty bucket."""
    name = unique_name("trail")
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def queue_url(sqs_client: Any) -> str:
    """A new, empty queue (visibility timeout 30 s)."""
    name = unique_name("notices")
    return str(sqs_client.create_queue(QueueName=name)["QueueUrl"])
