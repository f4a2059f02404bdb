"""Calls of the identity and security services: IAM, STS, KMS, Secrets Manager, console sign-in."""

from __future__ import annotations

from trailsweep.simulate.identity import JsonObject
from trailsweep.simulate.inventory import Account
from trailsweep.simulate.record import Call

_IAM = "iam.amazonaws.com"
_STS = "sts.amazonaws.com"
_KMS = "kms.amazonaws.com"


def get_caller_identity() -> Call:
    """`sts:GetCallerIdentity`, the first thing most tools call."""
    return Call(_STS, "GetCallerIdentity", None, event_version="1.08")


def assume_role(role_arn: str, session_name: str, access_key_id: str, assumed_role_id: str) -> Call:
    """`sts:AssumeRole` with the credentials block CloudTrail logs (token redacted by AWS)."""
    role_name = role_arn.rsplit("/", 1)[1]
    account_id = role_arn.split(":")[4]
    return Call(
        _STS,
        "AssumeRole",
        {"roleArn": role_arn, "roleSessionName": session_name, "durationSeconds": 3600},
        response_elements={
            "credentials": {
                "accessKeyId": access_key_id,
                "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                "expiration": "Mar 14, 2026, 11:59:59 PM",
            },
            "assumedRoleUser": {
                "assumedRoleId": f"{assumed_role_id}:{session_name}",
                "arn": f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}",
            },
        },
        resources=({"accountId": account_id, "type": "AWS::IAM::Role", "ARN": role_arn},),
        event_version="1.08",
    )


def iam_reads(account: Account, user_name: str) -> list[Call]:
    """IAM reads a person makes from the CLI or console."""
    return [
        Call(_IAM, "GetUser", {"userName": user_name}, event_version="1.09"),
        Call(_IAM, "ListAttachedUserPolicies", {"userName": user_name}, event_version="1.09"),
        Call(_IAM, "ListRoles", {"maxItems": 100}, event_version="1.09"),
        Call(_IAM, "ListAccessKeys", {"userName": user_name}, event_version="1.09"),
        Call(
            _IAM,
            "GetRole",
            {"roleName": f"{account.environment}-api-task-role"},
            event_version="1.09",
        ),
    ]


def kms_key_arn(account: Account, region: str, key_id: str) -> str:
    """ARN of a customer managed key."""
    return f"arn:aws:kms:{region}:{account.account_id}:key/{key_id}"


def kms_calls(account: Account, region: str) -> list[Call]:
    """Envelope-encryption traffic from applications: `Decrypt` and `GenerateDataKey`."""
    calls = []
    for key_id in account.kms_key_ids:
        key_arn = kms_key_arn(account, region, key_id)
        resource = {"accountId": account.account_id, "type": "AWS::KMS::Key", "ARN": key_arn}
        context: JsonObject = {
            "aws:s3:arn": f"arn:aws:s3:::{account.buckets[0].name}",
        }
        calls.append(
            Call(
                _KMS,
                "Decrypt",
                {"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": context},
                resources=(resource,),
                event_version="1.10",
            )
        )
        calls.append(
            Call(
                _KMS,
                "GenerateDataKey",
                {"keyId": key_arn, "keySpec": "AES_256", "encryptionContext": context},
                resources=(resource,),
                event_version="1.10",
            )
        )
    return calls


def _secret_arn_prefix(account: Account, region: str) -> str:
    return f"arn:aws:secretsmanager:{region}:{account.account_id}:secret:"


def secret_calls(account: Account, region: str) -> list[Call]:
    """`GetSecretValue` by applications at start-up and on rotation."""
    return [
        Call(
            "secretsmanager.amazonaws.com",
            "GetSecretValue",
            {"secretId": f"{_secret_arn_prefix(account, region)}{name}-Ab12Cd"},
            event_version="1.10",
        )
        for name in account.secret_names
    ]


def console_login(account: Account, user_name: str) -> Call:
    """A successful IAM-user console sign-in with MFA."""
    return Call(
        "signin.amazonaws.com",
        "ConsoleLogin",
        None,
        response_elements={"ConsoleLogin": "Success"},
        additional_event_data={
            "LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
            "MobileVersion": "No",
            "MFAIdentifier": f"arn:aws:iam::{account.account_id}:mfa/{user_name}",
            "MFAUsed": "Yes",
        },
        read_only=False,
        event_type="AwsConsoleSignIn",
        event_version="1.09",
        tls=False,
    )
