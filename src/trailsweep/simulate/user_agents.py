"""User-agent strings of the simulated clients, shaped like the ones CloudTrail shows."""

from __future__ import annotations

import re

COMMAND = "{command}"
"""Placeholder for the aws-cli's `md/command#service.verb` suffix, filled per call."""

AWS_CLI_MAC = (
    "aws-cli/2.24.21 md/awscrt#0.23.8 ua/2.1 os/macos#24.3.0 md/arch#arm64 lang/python#3.12.9 "
    "md/pyimpl#CPython m/E,b cfg/retry-mode#standard md/installer#exe md/prompt#off "
    "md/command#" + COMMAND
)
AWS_CLI_LINUX = (
    "aws-cli/2.22.35 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0-1021-aws md/arch#x86_64 "
    "lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe "
    "md/distrib#ubuntu.24 md/prompt#off md/command#" + COMMAND
)
AWS_CLI_WINDOWS = (
    "aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/windows#10 md/arch#amd64 lang/python#3.12.6 "
    "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#" + COMMAND
)
BOTO3 = (
    "Boto3/1.35.99 md/Botocore#1.35.99 ua/2.0 os/linux#5.10.230-223.885.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.99"
)
BOTO3_KALI = (
    "Boto3/1.36.2 md/Botocore#1.36.2 ua/2.0 os/linux#6.11.2-amd64 md/arch#x86_64 "
    "lang/python#3.12.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.36.2"
)
BOTO3_LAMBDA = (
    "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.233-245.905.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 "
    "cfg/retry-mode#legacy Botocore/1.34.145"
)
JAVA_SDK = (
    "aws-sdk-java/2.29.52 Linux/6.1.128-136.201.amzn2023.x86_64 "
    "OpenJDK_64-Bit_Server_VM/21.0.6+7-LTS Java/21.0.6 vendor/Amazon.com_Inc. io/sync "
    "http/Apache cfg/retry-mode/legacy cfg/auth-source#imds"
)
GO_SDK_KARPENTER = (
    "aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.4 md/GOOS#linux md/GOARCH#amd64 "
    "api/ec2#1.198.1 m/E,g karpenter.sh-1.2.1"
)
SSM_AGENT = "aws-sdk-go/1.55.5 (go1.22.8; linux; amd64) amazon-ssm-agent/3.3.1611.0"
DATADOG = "aws-sdk-go/1.44.327 (go1.20.14; linux; amd64)"
TERRAFORM = (
    "APN/1.0 HashiCorp/1.0 Terraform/1.10.5 (+https://www.terraform.io) "
    "terraform-provider-aws/5.84.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
    "aws-sdk-go-v2/1.32.8 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 "
    "api/s3#1.72.2"
)
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/134.0.0.0 Safari/537.36"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:136.0) Gecko/20100101 Firefox/136.0"
S3_CONSOLE = (
    "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 "
    "Linux/5.10.226-192.879.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.412-b09 java/1.8.0_412 "
    "vendor/Oracle_Corporation cfg/retry-mode/standard]"
)
PROWLER = (
    "Boto3/1.35.99 md/Botocore#1.35.99 ua/2.0 os/linux#6.1.119-129.201.amzn2023.x86_64 "
    "md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython cfg/retry-mode#standard "
    "Botocore/1.35.99 APN_1826889"
)
SCOUTSUITE = (
    "ScoutSuite/5.14.0 Boto3/1.34.162 md/Botocore#1.34.162 ua/2.0 os/linux#6.8.0-1019-aws "
    "md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.162"
)

_CLI_SERVICE = {"s3": "s3api", "monitoring": "cloudwatch", "signin": "signin"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_API_SUFFIX = re.compile(r"\d{8}(v\d+)?$")


def cli_command(event_source: str, event_name: str) -> str:
    """The aws-cli command behind a call: `GetBucketAcl` on S3 → `s3api.get-bucket-acl`."""
    service = event_source.split(".", 1)[0]
    verb = _CAMEL.sub("-", _API_SUFFIX.sub("", event_name)).lower()
    return f"{_CLI_SERVICE.get(service, service)}.{verb}"
