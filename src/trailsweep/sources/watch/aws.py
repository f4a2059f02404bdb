"""boto3 clients for the watched sources, and AWS failures turned into clear SourceErrors.

Clients use the standard credential chain (environment, shared config and credentials files,
SSO, instance or task roles); `endpoint_url` points them at an S3- or SQS-compatible service
(LocalStack, MinIO, moto) and `region` overrides the configured region.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
)

from trailsweep.sources.watch.model import SourceError

# Long polls wait up to 20 s for a message: the read timeout must outlast them.
_CONFIG = Config(retries={"mode": "standard"}, connect_timeout=10, read_timeout=60)

_CODE_TEXT = {
    "NoSuchBucket": "no such bucket",
    "404": "not found",
    "AccessDenied": "access denied",
    "403": "access denied",
    "AllAccessDisabled": "access denied (all access to this bucket is disabled)",
    "InvalidAccessKeyId": "the AWS access key is not valid",
    "SignatureDoesNotMatch": "the AWS secret key does not match the access key",
    "ExpiredToken": "the AWS session token has expired",
    "InvalidClientTokenId": "the AWS credentials are not valid",
    "AWS.SimpleQueueService.NonExistentQueue": "no such queue",
    "QueueDoesNotExist": "no such queue",
    "InvalidAddress": "not a valid queue URL",
}


def make_client(service: str, *, endpoint_url: str | None, region: str | None) -> Any:
    """A boto3 client for `service` ("s3" or "sqs") from the standard credential chain."""
    session = boto3.session.Session(region_name=region)
    return session.client(service, endpoint_url=endpoint_url, config=_CONFIG)


def error_code(exc: ClientError) -> str:
    """The AWS error code of a failed call ("NoSuchBucket", "AccessDenied", "404", ...)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def describe_failure(exc: Exception) -> str:
    """A short human account of a failed AWS call."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        detail = str(exc.response.get("Error", {}).get("Message", "") or "")
        text = _CODE_TEXT.get(code)
        if text is None:
            return f"{code}: {detail}" if detail else code or str(exc)
        return f"{text} ({detail})" if detail and code not in ("404", "403") else text
    if isinstance(exc, NoCredentialsError):
        return "no AWS credentials found (environment, config files or an instance role)"
    if isinstance(exc, EndpointConnectionError):
        return f"cannot reach the endpoint {exc.kwargs.get('endpoint_url', '')}".rstrip()
    if isinstance(exc, ParamValidationError):
        return f"invalid request: {exc}"
    return str(exc)


@contextmanager
def source_errors(description: str, action: str) -> Iterator[None]:
    """Turns AWS client failures inside the block into SourceErrors naming the source."""
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise SourceError(f"{description}: {action}: {describe_failure(exc)}") from exc
