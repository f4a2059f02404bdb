"""The CloudTrail record envelope: one API call by one principal, and pre-built record templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from trailsweep.simulate.identity import Client, JsonObject, Principal
from trailsweep.simulate.user_agents import COMMAND, cli_command

S3 = "s3.amazonaws.com"
AMZ_ID_2 = "x-amz-id-2"


@dataclass(frozen=True)
class Call:
    """The service-specific half of a record: what was called, with which parameters and result."""

    event_source: str
    event_name: str
    request_parameters: JsonObject | None
    response_elements: JsonObject | None = None
    additional_event_data: JsonObject | None = None
    resources: tuple[JsonObject, ...] = ()
    read_only: bool = True
    data_event: bool = False
    event_type: str = "AwsApiCall"
    event_version: str = "1.09"
    error_code: str | None = None
    error_message: str | None = None
    host: str | None = None
    """`tlsDetails.clientProvidedHostHeader`; None means the service's regional endpoint."""
    tls: bool = True

    @property
    def failed(self) -> bool:
        """Elastic sets `event.outcome: failure` for any error code or message."""
        return self.error_code is not None or self.error_message is not None


def build_record(
    principal: Principal,
    client: Client,
    call: Call,
    *,
    region: str,
    recipient_account_id: str,
    event_time: str,
    event_id: str,
    request_id: str,
) -> JsonObject:
    """A complete record, keys in the order CloudTrail writes them."""
    record: JsonObject = {
        "eventVersion": call.event_version,
        "userIdentity": dict(principal.user_identity),
        "eventTime": event_time,
        "eventSource": call.event_source,
        "eventName": call.event_name,
        "awsRegion": region,
        "sourceIPAddress": client.source_ip,
        "userAgent": _user_agent(client, call),
    }
    if call.error_code is not None:
        record["errorCode"] = call.error_code
    if call.error_message is not None:
        record["errorMessage"] = call.error_message
    record["requestParameters"] = call.request_parameters
    record["responseElements"] = call.response_elements
    if call.additional_event_data is not None:
        record["additionalEventData"] = dict(call.additional_event_data)
    record["requestID"] = request_id
    record["eventID"] = event_id
    record["readOnly"] = call.read_only
    if call.resources:
        record["resources"] = list(call.resources)
    record["eventType"] = call.event_type
    record["managementEvent"] = not call.data_event
    record["recipientAccountId"] = recipient_account_id
    if client.vpc_endpoint_id is not None:
        record["vpcEndpointId"] = client.vpc_endpoint_id
    record["eventCategory"] = "Data" if call.data_event else "Management"
    # AWS services calling from inside AWS carry no TLS details; everything else does.
    if call.tls and not client.aws_service:
        host = call.host or f"{call.event_source.split('.', 1)[0]}.{region}.amazonaws.com"
        record["tlsDetails"] = {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": host,
        }
    if client.console:
        # AWS writes the field only when true, and as a string.
        record["sessionCredentialFromConsole"] = "true"
    return record


def _user_agent(client: Client, call: Call) -> str:
    agent = client.user_agent_for(call.event_source)
    if COMMAND in agent:
        agent = agent.replace(COMMAND, cli_command(call.event_source, call.event_name))
    return agent


class RecordTemplate:
    """A record with everything fixed except time and ids: rendering is a dict copy and a dump."""

    __slots__ = ("_base", "_s3", "_extra")

    def __init__(self, record: JsonObject) -> None:
        self._base = record
        self._s3 = record["eventSource"] == S3
        extra = record.get("additionalEventData")
        self._extra: dict[str, Any] | None = (
            extra if isinstance(extra, dict) and AMZ_ID_2 in extra else None
        )

    @classmethod
    def of(
        cls, principal: Principal, client: Client, call: Call, region: str, recipient: str
    ) -> RecordTemplate:
        """Compile a template from its parts."""
        return cls(
            build_record(
                principal,
                client,
                call,
                region=region,
                recipient_account_id=recipient,
                event_time="",
                event_id="",
                request_id="",
            )
        )

    def render(
        self,
        event_time: str,
        uuid4: Callable[[], str],
        s3_request_id: Callable[[], str],
        amz_id_2: Callable[[], str],
    ) -> bytes:
        """Serialized record with fresh ids; called once per background record, so kept lean.

        The template's own dict is overwritten in place and dumped at once: no copy per record,
        and no state leaks because every variable field is set again on the next call.
        """
        record = self._base
        record["eventTime"] = event_time
        record["requestID"] = s3_request_id() if self._s3 else uuid4()
        record["eventID"] = uuid4()
        if self._extra is not None:
            self._extra[AMZ_ID_2] = amz_id_2()
        return orjson.dumps(record)
