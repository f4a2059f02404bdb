"""Building blocks for hand-built CloudTrail records: identities, clients and one event.

Every value is made up for these tests (accounts, users, keys, ids). Addresses come from
MaxMind's test GeoIP databases where a rule reads `source.as.*`/`source.geo.*`
(89.160.20.156 is AS29518 "Bredband2 AB" in Linköping, Sweden; 81.2.69.142 is London, GB, with
no AS; 1.0.0.1 is AS15169 "Google Inc." without a city) and from the documentation ranges
(198.51.100.0/24, 203.0.113.0/24, no GeoIP data) elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACCOUNT = "731245609822"
"""The account the trail belongs to."""
OTHER_ACCOUNT = "588120993417"
"""An account outside the organisation."""
DAY = "2026-05-12"

SWEDEN_IP = "89.160.20.156"
SWEDEN_IP_2 = "89.160.20.130"
LONDON_IP = "81.2.69.142"
GOOGLE_IP = "1.0.0.1"
DOC_IP = "198.51.100.23"
DOC_IP_2 = "203.0.113.40"


def aws_cli(command: str) -> str:
    """An AWS CLI v2 user agent (parsed by Elastic as `aws-cli` 2.17.60, device Other, no OS)."""
    return (
        "[aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/arch#x86_64 "
        "lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe "
        f"md/prompt#off md/command#{command}]"
    )


BOTO3 = (
    "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.1.109-118.189.amzn2023.x86_64 "
    "md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36"
)
CONSOLE_CHROME = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36"
)


def iam_user(name: str, key: str, *, account: str = ACCOUNT, principal: str) -> dict[str, Any]:
    """An IAM user calling with an access key."""
    return {
        "type": "IAMUser",
        "principalId": principal,
        "arn": f"arn:aws:iam::{account}:user/{name}",
        "accountId": account,
        "accessKeyId": key,
        "userName": name,
    }


def assumed_role(
    role: str,
    session: str,
    key: str,
    *,
    account: str = ACCOUNT,
    role_id: str,
    issued: str = f"{DAY}T08:55:12Z",
) -> dict[str, Any]:
    """A role session (AssumedRole): Elastic's `user.name` is the role's name, not the session's."""
    return {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
        "accountId": account,
        "accessKeyId": key,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role_id,
                "arn": f"arn:aws:iam::{account}:role/{role}",
                "accountId": account,
                "userName": role,
            },
            "attributes": {"creationDate": issued, "mfaAuthenticated": "false"},
        },
    }


@dataclass(frozen=True)
class Client:
    """Who calls and from where: the identity, the source address and the user agent."""

    identity: dict[str, Any]
    ip: str
    user_agent: str


@dataclass
class Ids:
    """Deterministic event and request ids for one event set (`tag`: four hex digits)."""

    tag: str
    count: int = field(default=0)

    def next(self) -> tuple[str, str]:
        """(eventID, requestID) of the next event."""
        self.count += 1
        n = self.count
        return (
            f"{self.tag}{n:04x}-7d3b-4e8a-9c21-5f0e6a7b{n:04x}",
            f"{self.tag}{n:04x}-2b9c-4f1d-8e3a-1c7d9e0f{n:04x}",
        )


def event(
    ids: Ids,
    client: Client,
    *,
    at: str,
    source: str,
    name: str,
    region: str = "us-east-1",
    request: Any = None,
    response: Any = None,
    additional: Any = None,
    resources: list[dict[str, Any]] | None = None,
    error: tuple[str | None, str] | None = None,
    read_only: bool = False,
    category: str = "Management",
    recipient: str = ACCOUNT,
    tls_host: str | None = None,
    event_type: str = "AwsApiCall",
    day: str = DAY,
) -> dict[str, Any]:
    """One CloudTrail record in the key order CloudTrail writes; `at` is `HH:MM:SS` UTC."""
    event_id, request_id = ids.next()
    record: dict[str, Any] = {
        "eventVersion": "1.10",
        "userIdentity": client.identity,
        "eventTime": f"{day}T{at}Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": client.ip,
        "userAgent": client.user_agent,
    }
    if error is not None:
        code, message = error
        if code is not None:
            record["errorCode"] = code
        record["errorMessage"] = message
    record["requestParameters"] = request
    record["responseElements"] = response
    if additional is not None:
        record["additionalEventData"] = additional
    record["requestID"] = request_id
    record["eventID"] = event_id
    record["readOnly"] = read_only
    if resources is not None:
        record["resources"] = resources
    record["eventType"] = event_type
    record["managementEvent"] = category == "Management"
    record["recipientAccountId"] = recipient
    record["eventCategory"] = category
    if tls_host is not None:
        record["tlsDetails"] = {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": tls_host,
        }
    return record


@dataclass(frozen=True)
class EventSets:
    """A rule's two event sets: one it must alert on, and a near miss it must not."""

    positive: list[dict[str, Any]]
    negative: list[dict[str, Any]]
