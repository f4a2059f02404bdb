"""The user_agent processor's output, as seen in Elastic's fixtures."""

from __future__ import annotations

from trailsweep.normalize.user_agent import parse_user_agent, user_agent_document

_CLI_V2 = (
    "[aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/arch#x86_64 "
    "lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/command#s3api.copy-object]"
)


def test_bracketed_aws_cli_has_no_os_as_in_elasticsearch() -> None:
    assert user_agent_document(_CLI_V2) == {
        "original": _CLI_V2,
        "name": "aws-cli",
        "version": "2.17.60",
        "device": {"name": "Other"},
    }


def test_aws_cli_v1_is_a_spider_on_linux() -> None:
    text = "[aws-cli/1.11.10 Python/2.7.8 Linux/3.2.45-0.6.wd.865 botocore/1.4.67]"
    fields = parse_user_agent(text)
    assert (fields.name, fields.version, fields.device_name) == ("aws-cli", "1.11.10", "Spider")
    assert user_agent_document(text)["os"] == {
        "name": "Linux",
        "version": "3.2.45",
        "full": "Linux 3.2.45",
    }


def test_service_names_are_other() -> None:
    for service in ("config.amazonaws.com", "signin.amazonaws.com", "AWS Internal"):
        assert user_agent_document(service) == {
            "original": service,
            "name": "Other",
            "device": {"name": "Other"},
        }


def test_two_part_versions_have_no_trailing_dot() -> None:
    firefox = "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:24.0) Gecko/20100101 Firefox/24.0"
    document = user_agent_document(firefox)
    assert document["version"] == "24.0"
    assert document["os"] == {"name": "Windows", "version": "7", "full": "Windows 7"}


def test_documents_are_fresh_dicts() -> None:
    first = user_agent_document("signin.amazonaws.com")
    first["device"]["name"] = "changed"
    assert user_agent_document("signin.amazonaws.com")["device"]["name"] == "Other"
