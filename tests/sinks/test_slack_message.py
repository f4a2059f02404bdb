"""Slack message text: the action, the rule and the group, with attacker-controlled values
escaped so that they cannot form links, mentions or extra lines."""

from __future__ import annotations

from tests.sinks.alert_builders import RULE_NAME, posture_document
from trailsweep.sinks import slack_text
from trailsweep.sinks.slack_message import MAX_VALUE, slack_escape


def test_a_new_bucket_posture_alert() -> None:
    assert slack_text(posture_document(1)) == (
        f"*New alert:* {RULE_NAME}\n"
        "arn:aws:iam::123456789012:user/scanner from 198.51.100.7: 20 buckets"
        " in the window of 2026-03-14T10:00:00.000Z"
    )


def test_an_updated_alert_names_its_revision() -> None:
    text = slack_text(posture_document(4, action="updated", revision=3))
    assert text.startswith(f"*Updated alert (revision 3):* {RULE_NAME}\n")


def test_slack_control_characters_in_values_are_escaped() -> None:
    document = posture_document(
        1,
        columns={
            "aws.cloudtrail.user_identity.arn": "arn:aws:iam::1:user/<!channel> & <@U024BE7LH>",
            "kibana.alert.rule.name": "Rule <https://evil.example|click here>",
            "source.ip": "<!here>",
        },
    )
    text = slack_text(document)
    assert "<" not in text and ">" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U024BE7LH&gt;" in text
    assert "Rule &lt;https://evil.example|click here&gt;" in text
    assert "from &lt;!here&gt;:" in text


def test_line_breaks_in_values_cannot_forge_lines() -> None:
    document = posture_document(1, columns={"source.ip": "1.2.3.4\n*New alert:* fake\r\u2028x"})
    assert len(slack_text(document).splitlines()) == 2


def test_long_values_are_cut_before_escaping() -> None:
    document = posture_document(1, columns={"aws.cloudtrail.user_identity.arn": "&" * 1000})
    detail = slack_text(document).splitlines()[1]
    principal = detail.split(" from ")[0]
    assert principal == "&amp;" * (MAX_VALUE - 1) + "…"


def test_other_rules_show_the_uuid_and_the_first_scalar_columns() -> None:
    document = {
        "kibana.alert.uuid": "11111111-2222-5333-8444-555555555555",
        "kibana.alert.rule.name": "AWS IAM Login Profile Added",
        "kibana.alert.severity": "high",
        "threat": [{"framework": "MITRE ATT&CK"}],
        "trailsweep.watch": {"action": "created", "revision": 1, "sequence": 9},
        "trailsweep.evidence.event_ids": ["e1"],
        "Esql.event_action_values": ["CreateLoginProfile"],
        "user.name": "mallory<>",
        "Esql.event_count": 3,
        "source.ip": "203.0.113.9",
        "cloud.region": "eu-west-1",
        "cloud.account.id": "123456789012",
        "missing": None,
    }
    assert slack_text(document) == (
        "*New alert:* AWS IAM Login Profile Added\n"
        "11111111-2222-5333-8444-555555555555: user.name=mallory&lt;&gt;, Esql.event_count=3, "
        "source.ip=203.0.113.9, cloud.region=eu-west-1"
    )


def test_a_bare_document_still_gets_a_message() -> None:
    assert slack_text({}) == "*Alert:* unnamed rule\n?"


def test_list_values_are_shortened() -> None:
    document = posture_document(1, columns={"source.ip": ["a", "b", "c", "d", "e"]})
    assert "from a, b, c (+2 more):" in slack_text(document)


def test_escaping_is_slacks() -> None:
    assert slack_escape("a & <b> &amp;") == "a &amp; &lt;b&gt; &amp;amp;"
