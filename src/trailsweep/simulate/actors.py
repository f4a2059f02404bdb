"""The regular cast of each account: people, CI pipelines, workloads and AWS services."""

from __future__ import annotations

import random
from dataclasses import dataclass

from trailsweep.simulate import user_agents as ua
from trailsweep.simulate.identity import Client, Principal, Role, iam_user, iam_user_session
from trailsweep.simulate.ids import IdSource
from trailsweep.simulate.inventory import Account

# Office egress ranges sit inside MaxMind's test ASN database, so enrichment has something to show.
OFFICE_EU = "31.224.18."  # Deutsche Telekom
OFFICE_US = "67.160.44."  # Comcast
HOME_VPN = "1.128.7."  # Telstra
_RUNNER_IPS = ("20.55.14.37", "20.161.76.162", "4.227.146.201", "172.183.51.82")
_DATADOG_IPS = ("3.233.144.18", "3.233.146.131", "3.233.147.52")

_PEOPLE = (
    ("alice.nguyen", OFFICE_EU, ua.AWS_CLI_MAC, ua.CHROME_MAC),
    ("raj.patel", OFFICE_EU, ua.AWS_CLI_LINUX, ua.CHROME_MAC),
    ("marta.kowalski", OFFICE_EU, ua.AWS_CLI_MAC, ua.FIREFOX_WINDOWS),
    ("tom.becker", OFFICE_US, ua.AWS_CLI_WINDOWS, ua.FIREFOX_WINDOWS),
    ("li.wei", OFFICE_US, ua.AWS_CLI_MAC, ua.CHROME_MAC),
    ("sofia.rossi", HOME_VPN, ua.AWS_CLI_MAC, ua.CHROME_MAC),
    ("omar.haddad", OFFICE_EU, ua.AWS_CLI_LINUX, ua.CHROME_MAC),
    ("julia.santos", OFFICE_US, ua.AWS_CLI_MAC, ua.CHROME_MAC),
    ("ken.tanaka", OFFICE_US, ua.AWS_CLI_LINUX, ua.FIREFOX_WINDOWS),
)
BUCKET_CHECKER = "raj.patel"
"""The one person whose background includes a few bucket-posture reads; scenarios use others."""


@dataclass(frozen=True)
class Person:
    """A human IAM user: a long-term CLI key, a console login, an office IP."""

    account_id: str
    name: str
    user_id: str
    access_key_id: str
    source_ip: str
    cli_agent: str
    browser_agent: str

    @property
    def cli_principal(self) -> Principal:
        """The user signing with the long-term `AKIA` key."""
        return iam_user(self.account_id, self.name, self.user_id, self.access_key_id)

    def console_principal(self, session_key: str, created: str) -> Principal:
        """The user on console-issued session credentials (MFA)."""
        return iam_user_session(
            self.account_id, self.name, self.user_id, session_key, created, mfa=True
        )

    @property
    def cli_client(self) -> Client:
        """The aws-cli on the person's machine."""
        return Client(self.source_ip, self.cli_agent)

    @property
    def browser_client(self) -> Client:
        """The person's browser in the Management Console."""
        return Client(self.source_ip, self.browser_agent, console=True)

    @property
    def email(self) -> str:
        """SSO session names are e-mail addresses."""
        return f"{self.name}@kestrel.io"


@dataclass(frozen=True)
class Cast:
    """Everyone who makes background calls in one account."""

    account: Account
    people: tuple[Person, ...]
    sso_role: Role
    deploy_role: Role
    terraform_role: Role
    app_role: Role
    lambda_role: Role
    karpenter_role: Role
    datadog_role: Role
    config_role: Role
    runner_ips: tuple[str, ...]
    datadog_ips: tuple[str, ...]
    app_ips: tuple[str, ...]
    lambda_ips: tuple[str, ...]
    vpc_endpoint_id: str

    def person(self, name: str) -> Person:
        """Look a person up by user name."""
        for person in self.people:
            if person.name == name:
                return person
        raise KeyError(name)


def build_cast(account: Account, index: int, rng: random.Random) -> Cast:
    """The first account gets six people, the others three each."""
    ids = IdSource(rng)
    if index == 0:
        chosen = list(_PEOPLE[:6])
    else:
        start = 6 + 3 * (index - 1)
        chosen = [_PEOPLE[(start + i) % len(_PEOPLE)] for i in range(3)]
    people = tuple(
        Person(
            account_id=account.account_id,
            name=name,
            user_id=ids.unique_id("AIDA"),
            access_key_id=ids.access_key_id("AKIA"),
            source_ip=f"{prefix}{rng.randrange(10, 250)}",
            cli_agent=cli,
            browser_agent=browser,
        )
        for name, prefix, cli, browser in chosen
    )

    def role(name: str, path: str = "/") -> Role:
        return Role(account.account_id, name, ids.unique_id("AROA"), path)

    return Cast(
        account=account,
        people=people,
        sso_role=role(
            f"AWSReservedSSO_PowerUserAccess_{ids.hex(16)}",
            f"/aws-reserved/sso.amazonaws.com/{account.home_region}/",
        ),
        deploy_role=role("github-actions-deploy"),
        terraform_role=role("terraform-ci"),
        app_role=role(f"{account.environment}-api-instance-role"),
        lambda_role=role(f"{account.environment}-lambda-exec"),
        karpenter_role=role("KarpenterControllerRole"),
        datadog_role=role("DatadogIntegrationRole"),
        config_role=role("AWSServiceRoleForConfig", "/aws-service-role/config.amazonaws.com/"),
        runner_ips=_RUNNER_IPS,
        datadog_ips=_DATADOG_IPS,
        app_ips=tuple(
            f"10.{20 + index}.{i % 4}.{20 + i}" for i in range(len(account.instance_ids))
        ),
        lambda_ips=tuple(
            f"54.{160 + index}.{rng.randrange(256)}.{rng.randrange(256)}" for _ in range(4)
        ),
        vpc_endpoint_id=f"vpce-{ids.hex(17)}",
    )
