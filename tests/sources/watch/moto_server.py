"""A moto server for tests of AWS-backed code: a real HTTP endpoint, one per test process.

Use it from any conftest (or test module) with

    from tests.sources.watch.moto_server import fake_aws, moto_endpoint  # noqa: F401

`moto_endpoint` (session scope) is the server's URL: give it to boto3 as `endpoint_url`;
`fake_aws` (function scope) points the standard credential chain at dummy credentials and
region us-east-1 (and away from any real ~/.aws config). Every caller in a process shares one
server, so resources need unique names (see `unique_name`) rather than a reset.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"

_lock = threading.Lock()
_server: ThreadedMotoServer | None = None


def shared_endpoint() -> str:
    """The URL of this process's moto server, started (on a free port) at first use."""
    global _server
    with _lock:
        if _server is None:
            # Werkzeug logs every request to stderr: keep test output readable.
            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            server.start()  # a daemon thread: it ends with the test process
            _server = server
        host, port = _server.get_host_and_port()
    return f"http://{host}:{port}"


def client(service: str, endpoint: str) -> Any:
    """A boto3 client for the moto server with explicit dummy credentials (for test setup)."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def unique_name(stem: str) -> str:
    """A bucket- and queue-safe name no other test uses: `stem-<12 hex digits>`."""
    return f"{stem}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def moto_endpoint() -> str:
    """The moto server's URL (one server per test process)."""
    return shared_endpoint()


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Dummy credentials and region for the standard boto3 chain; no real config is read."""
    empty = tmp_path_factory.mktemp("aws-config") / "none"
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
