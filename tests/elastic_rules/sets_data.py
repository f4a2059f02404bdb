"""Event sets for the rules about data stores: secrets, S3, ECR and cross-account Lambda."""

from __future__ import annotations

import json
from typing import Any

from tests.elastic_rules.records import (
    ACCOUNT,
    BOTO3,
    DOC_IP,
    DOC_IP_2,
    OTHER_ACCOUNT,
    SWEDEN_IP,
    SWEDEN_IP_2,
    Client,
    EventSets,
    Ids,
    assumed_role,
    aws_cli,
    event,
    iam_user,
)

Record = dict[str, Any]

AZURE_SUBSCRIPTION = "6c1f0b2e-4d3a-4b8e-9f7a-2e5d8c9b1a40"


def _azure_secret_get(ip: str) -> Record:
    """An Azure Key Vault SecretGet as Elastic's `azure.platformlogs` data stream indexes it
    (an ECS document: trailsweep reads it as is, without normalizing)."""
    return {
        "@timestamp": "2026-05-12T11:03:41.000Z",
        "data_stream": {"dataset": "azure.platformlogs", "namespace": "default", "type": "logs"},
        "event": {
            "action": "SecretGet",
            "dataset": "azure.platformlogs",
            "id": "0b7e2c41-9a3d-4f6e-8c15-7d2a4e6f8a01",
            "kind": "event",
            "module": "azure",
            "outcome": "success",
        },
        "cloud": {
            "provider": "azure",
            "account": {"id": AZURE_SUBSCRIPTION},
            "region": "westeurope",
        },
        "source": {"ip": ip},
        "azure": {
            "platformlogs": {
                "category": "AuditEvent",
                "operation_name": "SecretGet",
                "result_type": "Success",
            },
            "resource": {"provider": "MICROSOFT.KEYVAULT/VAULTS", "name": "KV-PAYMENTS-PROD"},
        },
    }


def multi_could_secrets_via_api() -> EventSets:
    """One address reads an AWS Secrets Manager secret and an Azure Key Vault secret.

    Only the CloudTrail side is raw CloudTrail; the Azure side is an `azure.platformlogs` ECS
    document (the rule also reads Azure, GCP and Kubernetes indices). Negative flips "same
    `source.ip`": the Azure read comes from another address.
    """

    def events(azure_ip: str) -> list[Record]:
        ids = Ids("5a02")
        client = Client(
            assumed_role(
                "payments-api",
                "i-0a4c7e9b2d1f3e5a7",
                "ASIA3PAYMENTSAPIKEY1",
                role_id="AROA3PAYMENTSAPIEXMP",
            ),
            SWEDEN_IP,
            BOTO3,
        )
        aws = event(
            ids,
            client,
            at="11:02:10",
            source="secretsmanager.amazonaws.com",
            name="GetSecretValue",
            request={"secretId": "prod/payments/db"},
            read_only=True,
        )
        return [aws, _azure_secret_get(azure_ip)]

    return EventSets(events(SWEDEN_IP), events(SWEDEN_IP_2))


POSTURE_CALLS = (
    ("GetBucketAcl", "acl"),
    ("GetBucketPublicAccessBlock", "publicAccessBlock"),
    ("GetBucketPolicy", "policy"),
    ("GetBucketPolicyStatus", "policyStatus"),
    ("GetBucketVersioning", "versioning"),
)
BUCKETS = (
    "acme-app-logs",
    "acme-backups",
    "acme-billing-exports",
    "acme-cdn-assets",
    "acme-ci-artifacts",
    "acme-data-lake-raw",
    "acme-data-lake-curated",
    "acme-finance-reports",
    "acme-hr-documents",
    "acme-legal-archive",
    "acme-marketing-site",
    "acme-ml-datasets",
    "acme-mobile-builds",
    "acme-partner-uploads",
    "acme-security-audit",
    "acme-terraform-state",
)


def s3_rapid_bucket_posture_api_calls() -> EventSets:
    """A leaked key reads the posture of 16 buckets within one 10-second window.

    Negative flips `event.outcome == "success"` on the last call (the bucket has no policy:
    NoSuchBucketPolicy), leaving 15 distinct buckets, not more than 15.
    """

    def events(last_fails: bool) -> list[Record]:
        ids = Ids("5a01")
        client = Client(
            iam_user("ci-runner", "AKIA4CIRUNNERKEY0001", principal="AIDA4CIRUNNEREXAMPLE"),
            SWEDEN_IP,
            BOTO3,
        )
        records = []
        for n, bucket in enumerate(BUCKETS):
            action, subresource = POSTURE_CALLS[n % len(POSTURE_CALLS)]
            if n == len(BUCKETS) - 1:
                action, subresource = "GetBucketPolicy", "policy"
            failed = last_fails and n == len(BUCKETS) - 1
            records.append(
                event(
                    ids,
                    client,
                    at=f"10:20:{n // 2:02d}",
                    source="s3.amazonaws.com",
                    name=action,
                    error=("NoSuchBucketPolicy", "The bucket policy does not exist")
                    if failed
                    else None,
                    request={
                        "bucketName": bucket,
                        "Host": f"{bucket}.s3.amazonaws.com",
                        subresource: "",
                    },
                    additional={
                        "SignatureVersion": "SigV4",
                        "CipherSuite": "TLS_AES_128_GCM_SHA256",
                        "bytesTransferredIn": 0,
                        "AuthenticationMethod": "AuthHeader",
                        "bytesTransferredOut": 0 if failed else 312,
                    },
                    resources=[
                        {
                            "accountId": ACCOUNT,
                            "type": "AWS::S3::Bucket",
                            "ARN": f"arn:aws:s3:::{bucket}",
                        }
                    ],
                    read_only=True,
                )
            )
        return records

    return EventSets(events(False), events(True))


_LEDGER = "2026/q1/ledger.csv"
_FINANCE = "acme-finance-reports"


def _copy_object(ids: Ids, key_account: str) -> Record:
    client = Client(
        iam_user("backup-operator", "AKIA6BACKUPOPKEY0001", principal="AIDA6BACKUPOPEXAMPLE"),
        SWEDEN_IP,
        aws_cli("s3api.copy-object"),
    )
    kms_key = f"arn:aws:kms:us-east-1:{key_account}:key/4f1c2b3a-9d8e-4a7b-b6c5-1e2f3a4b5c6d"
    object_arn = f"arn:aws:s3:::{_FINANCE}/{_LEDGER}"
    return event(
        ids,
        client,
        at="22:15:09",
        source="s3.amazonaws.com",
        name="CopyObject",
        request={
            "bucketName": _FINANCE,
            "x-amz-server-side-encryption-aws-kms-key-id": kms_key,
            "Host": f"{_FINANCE}.s3.us-east-1.amazonaws.com",
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-copy-source": f"{_FINANCE}/{_LEDGER}",
            "key": _LEDGER,
        },
        response={
            "x-amz-server-side-encryption-aws-kms-key-id": kms_key,
            "x-amz-server-side-encryption": "aws:kms",
        },
        additional={
            "SignatureVersion": "SigV4",
            "bytesTransferredIn": 0,
            "SSEApplied": "SSE_KMS",
            "AuthenticationMethod": "AuthHeader",
            "bytesTransferredOut": 234,
        },
        resources=[
            {"type": "AWS::S3::Object", "ARN": object_arn},
            {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{_FINANCE}"},
            {"type": "AWS::S3::Object", "ARN": object_arn},
        ],
        category="Data",
        tls_host=f"{_FINANCE}.s3.us-east-1.amazonaws.com",
    )


def s3_object_encryption_with_external_key() -> EventSets:
    """An object is copied onto itself, re-encrypted with a KMS key of another account.

    Negative flips `cloud.account.id != <key's account>`: the key belongs to the same account.
    """
    return EventSets(
        [_copy_object(Ids("5a0b"), OTHER_ACCOUNT)], [_copy_object(Ids("5a0b"), ACCOUNT)]
    )


def _repository_policy(ids: Ids, principal: Any) -> Record:
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowPull",
                    "Effect": "Allow",
                    "Principal": principal,
                    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                }
            ],
        },
        indent=2,
    )
    client = Client(
        iam_user("registry-admin", "AKIA3REGISTRYADMIN01", principal="AIDA3REGISTRYADMINEX"),
        SWEDEN_IP,
        aws_cli("ecr.set-repository-policy"),
    )
    return event(
        ids,
        client,
        at="07:45:30",
        source="ecr.amazonaws.com",
        name="SetRepositoryPolicy",
        request={"repositoryName": "payments/api", "policyText": policy, "force": False},
        response={"registryId": ACCOUNT, "repositoryName": "payments/api", "policyText": policy},
        tls_host="api.ecr.us-east-1.amazonaws.com",
    )


def ecr_repository_policy_granted_public_access() -> EventSets:
    """A repository policy lets anyone ("Principal": "*") pull images.

    The policy is pretty-printed JSON (as written in a file for `--policy-text file://...`):
    its newlines stay in Elastic's `{k=v}` string, and the rule's `.*...*` RLIKEs must cross
    them (a Lucene regex `.` matches any character).

    Negative flips the `Principal "*"` match: the policy names one partner account instead.
    """
    partner = {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}
    return EventSets(
        [_repository_policy(Ids("5a08"), "*")], [_repository_policy(Ids("5a08"), partner)]
    )


def lambda_function_invoked_cross_account() -> EventSets:
    """A partner account's role invokes a function of this account, twice, from two addresses.

    Negative flips `caller_account != function_account`: the caller is a role of the
    function's own account.
    """
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:invoice-renderer"

    def events(caller_account: str) -> list[Record]:
        ids = Ids("5a06")
        identity = assumed_role(
            "partner-integration",
            "sync-7f3a",
            "ASIA5PARTNERSYNC0001",
            account=caller_account,
            role_id="AROA5PARTNERSYNCEXMP",
        )
        records = []
        for at, ip in (("06:10:00", DOC_IP_2), ("06:25:00", DOC_IP)):
            records.append(
                event(
                    ids,
                    Client(identity, ip, BOTO3),
                    at=at,
                    source="lambda.amazonaws.com",
                    name="Invoke",
                    request={"functionName": function, "invocationType": "RequestResponse"},
                    additional={"functionVersion": f"{function}:$LATEST"},
                    resources=[
                        {"accountId": ACCOUNT, "type": "AWS::Lambda::Function", "ARN": function}
                    ],
                    category="Data",
                )
            )
        return records

    return EventSets(events(OTHER_ACCOUNT), events(ACCOUNT))
