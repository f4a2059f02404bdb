"""Who calls and from where: CloudTrail `userIdentity` objects and the client a call comes from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Principal:
    """The caller as CloudTrail records it: the whole `userIdentity` object."""

    user_identity: Mapping[str, Any]

    @property
    def arn(self) -> str | None:
        """`userIdentity.arn`; absent for AWS service principals."""
        value = self.user_identity.get("arn")
        return value if isinstance(value, str) and value else None

    @property
    def account_id(self) -> str | None:
        """`userIdentity.accountId`: the caller's account."""
        value = self.user_identity.get("accountId")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Client:
    """Where a call comes from (`sourceIPAddress`), with what software, over which session kind."""

    source_ip: str
    user_agent: str
    console: bool = False
    """The session came from the Management Console: `sessionCredentialFromConsole: "true"`."""
    aws_service: bool = False
    """An AWS service acting itself: hostname source, no TLS details, user agent never bracketed."""
    vpc_endpoint_id: str | None = None

    def user_agent_for(self, event_source: str) -> str:
        """S3 logs SDK and console user agents wrapped in brackets; other services verbatim."""
        if (
            event_source == "s3.amazonaws.com"
            and not self.aws_service
            and not self.user_agent.startswith("[")
        ):
            return f"[{self.user_agent}]"
        return self.user_agent


def _session_attributes(created: str, mfa: bool) -> JsonObject:
    return {"creationDate": created, "mfaAuthenticated": "true" if mfa else "false"}


def iam_user(account_id: str, user_name: str, user_id: str, access_key_id: str) -> Principal:
    """An IAM user signing with a long-term `AKIA` key."""
    return Principal(
        {
            "type": "IAMUser",
            "principalId": user_id,
            "arn": f"arn:aws:iam::{account_id}:user/{user_name}",
            "accountId": account_id,
            "accessKeyId": access_key_id,
            "userName": user_name,
        }
    )


def iam_user_session(
    account_id: str, user_name: str, user_id: str, access_key_id: str, created: str, mfa: bool
) -> Principal:
    """An IAM user on temporary `ASIA` credentials, e.g. signed in to the console."""
    return Principal(
        {
            "type": "IAMUser",
            "principalId": user_id,
            "arn": f"arn:aws:iam::{account_id}:user/{user_name}",
            "accountId": account_id,
            "accessKeyId": access_key_id,
            "userName": user_name,
            "sessionContext": {
                "sessionIssuer": {},
                "webIdFederationData": {},
                "attributes": _session_attributes(created, mfa),
            },
        }
    )


@dataclass(frozen=True)
class Role:
    """An IAM role; sessions of it become `AssumedRole` principals."""

    account_id: str
    name: str
    role_id: str
    path: str = "/"

    @property
    def arn(self) -> str:
        """The role ARN (the session issuer)."""
        return f"arn:aws:iam::{self.account_id}:role{self.path}{self.name}"

    def session(
        self,
        session_name: str,
        access_key_id: str,
        created: str,
        *,
        mfa: bool = False,
        invoked_by: str | None = None,
        ec2_instance: bool = False,
        web_identity_provider: str | None = None,
    ) -> Principal:
        """An `AssumedRole` principal: ARN `arn:aws:sts::<acct>:assumed-role/<role>/<session>`."""
        web_identity: JsonObject = {}
        if web_identity_provider is not None:
            web_identity = {"federatedProvider": web_identity_provider, "attributes": {}}
        context: JsonObject = {
            "sessionIssuer": {
                "type": "Role",
                "principalId": self.role_id,
                "arn": self.arn,
                "accountId": self.account_id,
                "userName": self.name,
            },
            "webIdFederationData": web_identity,
            "attributes": _session_attributes(created, mfa),
        }
        if ec2_instance:
            context["ec2RoleDelivery"] = "2.0"
        identity: JsonObject = {
            "type": "AssumedRole",
            "principalId": f"{self.role_id}:{session_name}",
            "arn": f"arn:aws:sts::{self.account_id}:assumed-role/{self.name}/{session_name}",
            "accountId": self.account_id,
            "accessKeyId": access_key_id,
            "sessionContext": context,
        }
        if invoked_by is not None:
            identity["invokedBy"] = invoked_by
        return Principal(identity)


def aws_service(invoked_by: str) -> Principal:
    """An AWS service acting itself: only `type` and `invokedBy`, no ARN or account."""
    return Principal({"type": "AWSService", "invokedBy": invoked_by})


def service_client(hostname: str) -> Client:
    """How AWS services appear as callers: their hostname as source and user agent."""
    return Client(source_ip=hostname, user_agent=hostname, aws_service=True)
