"""Event sets for the rules about identities: keys, logins, federated and workload sessions."""

from __future__ import annotations

from typing import Any

from tests.elastic_rules.records import (
    ACCOUNT,
    BOTO3,
    CONSOLE_CHROME,
    DOC_IP,
    DOC_IP_2,
    LONDON_IP,
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


def _create_access_key(ids: Ids, client: Client, target: str | None, new_key: str) -> Record:
    owner = target if target is not None else client.identity["userName"]
    return event(
        ids,
        client,
        at="09:14:07",
        source="iam.amazonaws.com",
        name="CreateAccessKey",
        request={"userName": target} if target is not None else None,
        response={
            "accessKey": {
                "userName": owner,
                "accessKeyId": new_key,
                "status": "Active",
                "createDate": "May 12, 2026, 9:14:07 AM",
            }
        },
        tls_host="iam.amazonaws.com",
    )


def iam_user_created_access_keys_for_another_user() -> EventSets:
    """An IAM user creates an access key for another user (alice).

    Negative flips `user.name != user.target.name`: the same user creates a key for itself,
    naming itself in `userName`.
    """
    deployer = Client(
        iam_user("svc-deployer", "AKIA2J7QEXAMPLEOLD01", principal="AIDA2J7QDEPLOYEXAMPLE"),
        SWEDEN_IP,
        aws_cli("iam.create-access-key"),
    )
    positive = [_create_access_key(Ids("5a10"), deployer, "alice", "AKIA2J7QEXAMPLENEW01")]
    negative = [_create_access_key(Ids("5a10"), deployer, "svc-deployer", "AKIA2J7QEXAMPLENEW02")]
    return EventSets(positive, negative)


def iam_user_self_created_access_key_subsequently_used() -> EventSets:
    """jdoe creates a second access key for itself, then calls AWS with it 12 minutes later.

    Negative flips the one-hour limit (`DATE_DIFF(...) <= 3600`): the new key is first used
    two hours after it was created.
    """

    def events(first_use: str, second_use: str) -> list[Record]:
        ids = Ids("5a11")
        old = Client(
            iam_user("jdoe", "AKIAXW3OLDKEY000JD01", principal="AIDAXW3JDOEEXAMPLE01"),
            SWEDEN_IP,
            aws_cli("iam.create-access-key"),
        )
        new = Client(
            iam_user("jdoe", "AKIAXW3NEWKEY7Q2ZP4L", principal="AIDAXW3JDOEEXAMPLE01"),
            SWEDEN_IP_2,
            BOTO3,
        )
        create = event(
            ids,
            old,
            at="19:00:00",
            source="iam.amazonaws.com",
            name="CreateAccessKey",
            response={
                "accessKey": {
                    "userName": "jdoe",
                    "accessKeyId": "AKIAXW3NEWKEY7Q2ZP4L",
                    "status": "Active",
                    "createDate": "May 12, 2026, 7:00:00 PM",
                }
            },
        )
        list_buckets = event(
            ids,
            new,
            at=first_use,
            source="s3.amazonaws.com",
            name="ListBuckets",
            request={"Host": "s3.amazonaws.com"},
            read_only=True,
        )
        whoami = event(
            ids,
            new,
            at=second_use,
            source="sts.amazonaws.com",
            name="GetCallerIdentity",
            read_only=True,
        )
        return [create, list_buckets, whoami]

    return EventSets(events("19:12:30", "19:14:02"), events("21:05:00", "21:06:10"))


def _login_profile(ids: Ids, client: Client, user: str) -> Record:
    return event(
        ids,
        client,
        at="20:21:45",
        source="iam.amazonaws.com",
        name="CreateLoginProfile",
        request={
            "userName": user,
            "password": "HIDDEN_DUE_TO_SECURITY_REASONS",
            "passwordResetRequired": False,
        },
        response={
            "loginProfile": {
                "userName": user,
                "createDate": "May 12, 2026, 8:21:45 PM",
                "passwordResetRequired": False,
            }
        },
        tls_host="iam.amazonaws.com",
    )


def bedrock_phantom_user_credentials_added() -> EventSets:
    """A console password is added to the IAM user behind a Bedrock API key.

    Negative flips `user.target.name LIKE "BedrockAPIKey-*"`: the password goes to an ordinary
    user.
    """
    admin = Client(
        iam_user("ml-platform-admin", "AKIA5MLPLATFORMADM01", principal="AIDA5MLPLATFORMEXMPL"),
        SWEDEN_IP,
        aws_cli("iam.create-login-profile"),
    )
    positive = [_login_profile(Ids("5a13"), admin, "BedrockAPIKey-x7k2")]
    negative = [_login_profile(Ids("5a13"), admin, "data-analyst")]
    return EventSets(positive, negative)


def _console_login(ids: Ids, ip: str, at: str, *, success: bool) -> Record:
    client = Client(
        {
            "type": "IAMUser",
            "principalId": "AIDA4MLOPEZEXAMPLE01",
            "arn": f"arn:aws:iam::{ACCOUNT}:user/mlopez",
            "accountId": ACCOUNT,
            "userName": "mlopez",
        },
        ip,
        CONSOLE_CHROME,
    )
    return event(
        ids,
        client,
        at=at,
        source="signin.amazonaws.com",
        name="ConsoleLogin",
        error=None if success else (None, "Failed authentication"),
        response={"ConsoleLogin": "Success" if success else "Failure"},
        additional={
            "LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23",
            "MobileVersion": "No",
            "MFAUsed": "Yes",
        },
        event_type="AwsConsoleSignIn",
    )


def console_login_iam_user_multiple_geolocations() -> EventSets:
    """mlopez signs in to the console from Sweden, then from London 45 minutes later.

    Negative flips `event.outcome == "success"` on the London login (a failed password).
    """

    def events(london_ok: bool) -> list[Record]:
        ids = Ids("5a0d")
        return [
            _console_login(ids, SWEDEN_IP, "08:02:11", success=True),
            _console_login(ids, LONDON_IP, "08:47:53", success=london_ok),
        ]

    return EventSets(events(True), events(False))


GITHUB_ACTIONS_UA = (
    "aws-sdk-nodejs/2.1692.0 linux/v20.18.0 configure-aws-credentials-for-github-actions"
)


def github_actions_oidc_credentials_used_from_suspicious_network() -> EventSets:
    """A GitHub Actions role session (configure-aws-credentials, from a Microsoft-owned runner
    address) whose key is then used from a home broadband network.

    Needs NOW() = 2026-05-12T12:00:00Z and the trailsweep ASN test database (198.51.100.0/24
    is "Microsoft Corporation" there). Negative flips `is_aws_github`: the first call comes from
    the AWS CLI, not from the GitHub action.
    """

    def events(first_agent: str) -> list[Record]:
        ids = Ids("5a0e")
        identity = assumed_role(
            "gha-deploy",
            "GitHubActions",
            "ASIA6GHADEPLOY7K2QX",
            role_id="AROA6GHADEPLOYEXAMPL",
            issued="2026-05-12T11:39:58Z",
        )
        runner = Client(identity, DOC_IP, first_agent)
        outsider = Client(identity, SWEDEN_IP, aws_cli("s3.ls"))
        return [
            event(
                ids,
                runner,
                at="11:40:05",
                source="sts.amazonaws.com",
                name="GetCallerIdentity",
                read_only=True,
            ),
            event(
                ids,
                outsider,
                at="11:52:40",
                source="s3.amazonaws.com",
                name="ListBuckets",
                request={"Host": "s3.amazonaws.com"},
                read_only=True,
            ),
        ]

    return EventSets(events(GITHUB_ACTIONS_UA), events(aws_cli("sts.get-caller-identity")))


def aws_api_unusual_asn() -> EventSets:
    """etl-loader makes 198 calls from Amazon's network, then two reconnaissance calls from a
    home broadband network (1% of its calls, two distinct suspicious actions).

    Needs NOW() = 2026-05-12T18:00:00Z and the trailsweep ASN test database (203.0.113.0/24 is
    "Amazon.com, Inc." there). Negative flips `unique_action_from_untrusted_asn >= 2`: both
    outside calls are GetCallerIdentity.
    """

    def events(second_outside: tuple[str, str]) -> list[Record]:
        ids = Ids("5a0c")
        identity = iam_user("etl-loader", "AKIA7ETLLOADER00KEY1", principal="AIDA7ETLLOADEREXMPL1")
        inside = Client(identity, DOC_IP_2, BOTO3)
        outside = Client(identity, SWEDEN_IP, aws_cli("sts.get-caller-identity"))
        records = []
        for n in range(198):
            seconds = 12 * 3600 + n * 100
            at = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
            source, name = (
                ("ec2.amazonaws.com", "DescribeInstances")
                if n % 2 == 0
                else ("glue.amazonaws.com", "GetTable")
            )
            request = (
                {"maxResults": 100}
                if n % 2 == 0
                else {"databaseName": "sales", "name": "orders_daily"}
            )
            records.append(
                event(ids, inside, at=at, source=source, name=name, request=request, read_only=True)
            )
        records.append(
            event(
                ids,
                outside,
                at="17:40:00",
                source="sts.amazonaws.com",
                name="GetCallerIdentity",
                read_only=True,
            )
        )
        source, name = second_outside
        records.append(event(ids, outside, at="17:41:30", source=source, name=name, read_only=True))
        return records

    return EventSets(
        events(("s3.amazonaws.com", "ListBuckets")),
        events(("sts.amazonaws.com", "GetCallerIdentity")),
    )


_OIDC = "oidc.eks.us-east-1.amazonaws.com/id/5C3F9A1B7E2D4C6A8B0E1F2A3B4C5D6E"
_IRSA_ROLE = "eks-frontend-irsa"
_IRSA_SESSION = "botocore-session-1778578200"
_IRSA_KEY = "ASIA2WQFRONTEND7Z3KQ"


def _assume_role_with_web_identity(ids: Ids) -> Record:
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{_OIDC}"
    subject = "system:serviceaccount:web:frontend"
    client = Client(
        {
            "type": "WebIdentityUser",
            "principalId": f"{provider}:sts.amazonaws.com:{subject}",
            "userName": subject,
            "identityProvider": provider,
        },
        SWEDEN_IP,
        "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/sts#1.30.3",
    )
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{_IRSA_ROLE}"
    return event(
        ids,
        client,
        at="09:30:00",
        source="sts.amazonaws.com",
        name="AssumeRoleWithWebIdentity",
        request={
            "roleArn": role_arn,
            "roleSessionName": _IRSA_SESSION,
            "durationSeconds": 3600,
        },
        response={
            "credentials": {
                "accessKeyId": _IRSA_KEY,
                "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN",
                "expiration": "May 12, 2026, 10:30:00 AM",
            },
            "subjectFromWebIdentityToken": subject,
            "assumedRoleUser": {
                "assumedRoleId": f"AROA2WQFRONTENDIRSA1:{_IRSA_SESSION}",
                "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{_IRSA_ROLE}/{_IRSA_SESSION}",
            },
            "provider": provider,
            "audience": "sts.amazonaws.com",
        },
        resources=[{"accountId": ACCOUNT, "type": "AWS::IAM::Role", "ARN": role_arn}],
    )


def k8_assumed_web_identity_session_with_multi_phase_api_use() -> EventSets:
    """A Kubernetes service account's web identity is exchanged for role credentials, which
    then enumerate (GetCallerIdentity, ListBuckets) and read a secret.

    Negative flips `post_exploit_count >= 3`: the session only calls GetCallerIdentity, twice,
    so two distinct actions.
    """

    def events(calls: list[tuple[str, str, str, Any]]) -> list[Record]:
        ids = Ids("5a0f")
        session = Client(
            assumed_role(
                _IRSA_ROLE,
                _IRSA_SESSION,
                _IRSA_KEY,
                role_id="AROA2WQFRONTENDIRSA1",
                issued="2026-05-12T09:30:00Z",
            ),
            SWEDEN_IP,
            aws_cli("sts.get-caller-identity"),
        )
        records = [_assume_role_with_web_identity(ids)]
        for at, source, name, request in calls:
            records.append(
                event(
                    ids, session, at=at, source=source, name=name, request=request, read_only=True
                )
            )
        return records

    positive = events(
        [
            ("09:31:10", "sts.amazonaws.com", "GetCallerIdentity", None),
            ("09:31:40", "s3.amazonaws.com", "ListBuckets", {"Host": "s3.amazonaws.com"}),
            (
                "09:32:15",
                "secretsmanager.amazonaws.com",
                "GetSecretValue",
                {"secretId": "prod/frontend/stripe"},
            ),
        ]
    )
    negative = events(
        [
            ("09:31:10", "sts.amazonaws.com", "GetCallerIdentity", None),
            ("09:32:15", "sts.amazonaws.com", "GetCallerIdentity", None),
        ]
    )
    return EventSets(positive, negative)
