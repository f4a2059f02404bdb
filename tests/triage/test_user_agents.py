"""User agents resolve to tool families; known CSPM scanners and offensive tools are flagged."""

from __future__ import annotations

import pytest

from trailsweep.simulate import user_agents as simulated
from trailsweep.triage import classify_user_agent, key_kind


@pytest.mark.parametrize(
    ("original", "family", "known_cspm", "offensive"),
    [
        (simulated.PROWLER, "Prowler", True, False),
        ("prowler/4.5.0 Boto3/1.35.0", "Prowler", True, False),
        (simulated.SCOUTSUITE, "ScoutSuite", True, False),
        ("Steampipe/0.24.2 aws-sdk-go-v2/1.32.2", "Steampipe", True, False),
        ("CloudSploit/2.0 aws-sdk-nodejs/2.1692.0 linux/v20.11.1", "CloudSploit", True, False),
        ("Pacu/1.6.0 Boto3/1.34.0 Botocore/1.34.0", "Pacu", False, True),
        (simulated.TERRAFORM, "Terraform", False, False),
        (simulated.S3_CONSOLE, "S3 console", False, False),
        (simulated.AWS_CLI_LINUX, "aws-cli", False, False),
        ("[aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/linux#6.1]", "aws-cli", False, False),
        (simulated.BOTO3_KALI, "Boto3", False, False),
        (simulated.GO_SDK_KARPENTER, "AWS SDK for Go", False, False),
        (simulated.DATADOG, "AWS SDK for Go", False, False),
        (simulated.JAVA_SDK, "AWS SDK for Java", False, False),
        (
            "aws-sdk-js/3.629.0 ua/2.1 os/linux#5.10 lang/js md/nodejs#20.15.1",
            "AWS SDK for JavaScript",
            False,
            False,
        ),
        ("aws-sdk-nodejs/2.1692.0 linux/v18.20.4", "AWS SDK for JavaScript", False, False),
        ("cloudformation.amazonaws.com", "AWS service", False, False),
        (simulated.CHROME_MAC, "Browser", False, False),
        ("curl/8.5.0", "Other", False, False),
        ("", "Empty", False, False),
    ],
)
def test_user_agent_family(original: str, family: str, known_cspm: bool, offensive: bool) -> None:
    info = classify_user_agent(original)
    assert (info.original, info.family, info.known_cspm, info.offensive) == (
        original,
        family,
        known_cspm,
        offensive,
    )


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("AKIAEXAMPLEMALLORY01", "long-term"),
        ("ASIAEXAMPLESESSION01", "temporary"),
        ("ABIAEXAMPLEBEARER001", "unknown"),
    ],
)
def test_access_key_kind(key: str, kind: str) -> None:
    assert key_kind(key) == kind
