"""Write every rule's event sets to `cases/<rule file stem>/{positive,negative}.jsonl`.

The files are checked in; this module is how they were made. After changing a builder, run
`python -m tests.elastic_rules.generate` and re-derive the affected `expected.json` by hand.
`test_case_files.py` fails when the files and the builders disagree.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.elastic_rules import sets_ai, sets_compute, sets_data, sets_identity
from tests.elastic_rules.records import EventSets

CASES_DIR = Path(__file__).resolve().parent / "cases"

BUILDERS: dict[str, Callable[[], EventSets]] = {
    "credential_access_multi_could_secrets_via_api": sets_data.multi_could_secrets_via_api,
    "discovery_s3_rapid_bucket_posture_api_calls": sets_data.s3_rapid_bucket_posture_api_calls,
    "discovery_servicequotas_multi_region_service_quota_requests": (
        sets_compute.servicequotas_multi_region_service_quota_requests
    ),
    "execution_aws_ec2_lolbin_via_ssm": sets_compute.aws_ec2_lolbin_via_ssm,
    "execution_ec2_stop_start_with_user_data_modification": (
        sets_compute.ec2_stop_start_with_user_data_modification
    ),
    "execution_lambda_function_invoked_cross_account": (
        sets_data.lambda_function_invoked_cross_account
    ),
    "exfiltration_bedrock_high_frequency_inference_api_probing": (
        sets_ai.bedrock_high_frequency_inference_api_probing
    ),
    "exfiltration_ecr_repository_policy_granted_public_access": (
        sets_data.ecr_repository_policy_granted_public_access
    ),
    "impact_bedrock_api_key_destructive_action": sets_ai.bedrock_api_key_destructive_action,
    "impact_ecs_cryptomining_task_definition_deployment": (
        sets_compute.ecs_cryptomining_task_definition_deployment
    ),
    "impact_s3_object_encryption_with_external_key": (
        sets_data.s3_object_encryption_with_external_key
    ),
    "initial_access_aws_api_unusual_asn": sets_identity.aws_api_unusual_asn,
    "initial_access_console_login_iam_user_multiple_geolocations": (
        sets_identity.console_login_iam_user_multiple_geolocations
    ),
    "initial_access_github_actions_oidc_credentials_used_from_suspicious_network": (
        sets_identity.github_actions_oidc_credentials_used_from_suspicious_network
    ),
    "lateral_movement_k8_assumed_web_identity_session_with_multi_phase_api_use": (
        sets_identity.k8_assumed_web_identity_session_with_multi_phase_api_use
    ),
    "persistence_iam_user_created_access_keys_for_another_user": (
        sets_identity.iam_user_created_access_keys_for_another_user
    ),
    "persistence_iam_user_self_created_access_key_subsequently_used": (
        sets_identity.iam_user_self_created_access_key_subsequently_used
    ),
    "persistence_sagemaker_lifecycle_config_suspicious_script_content": (
        sets_ai.sagemaker_lifecycle_config_suspicious_script_content
    ),
    "privilege_escalation_bedrock_phantom_user_credentials_added": (
        sets_identity.bedrock_phantom_user_credentials_added
    ),
    "privilege_escalation_sagemaker_execution_role_passed_by_unusual_principal": (
        sets_ai.sagemaker_execution_role_passed_by_unusual_principal
    ),
}
"""Rule file stem → the builder of its event sets."""


def jsonl(records: list[dict[str, Any]]) -> str:
    """Records as JSON Lines (compact, keys in the order CloudTrail writes them)."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def rendered(stem: str) -> dict[str, str]:
    """The file name → text of one rule's event sets."""
    sets = BUILDERS[stem]()
    return {"positive.jsonl": jsonl(sets.positive), "negative.jsonl": jsonl(sets.negative)}


def main(argv: list[str]) -> int:
    """Write the event files of the named rules (all of them when none is named)."""
    for stem in argv or sorted(BUILDERS):
        folder = CASES_DIR / stem
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in rendered(stem).items():
            (folder / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
