"""event.kind/type/category/outcome."""

from __future__ import annotations

import pytest

from trailsweep.normalize.categorization import Categorization, categorize

_POSTURE_APIS = (
    "GetBucketAcl",
    "GetBucketPublicAccessBlock",
    "GetBucketPolicy",
    "GetBucketPolicyStatus",
    "GetBucketVersioning",
)


@pytest.mark.parametrize("action", _POSTURE_APIS)
def test_posture_apis_are_info_without_category(action: str) -> None:
    assert categorize(action, failed=False) == Categorization("success", ("info",), ())


def test_table_entries() -> None:
    assert categorize("DeleteBucket", False) == Categorization("success", ("deletion",), ("file",))
    assert categorize("PutObject", False) == Categorization("success", ("change",), ("file",))
    assert categorize("CreateUser", True).categories == ("iam",)


def test_console_login_result_overrides_errors() -> None:
    assert categorize("ConsoleLogin", True, "Success").outcome == "success"
    assert categorize("ConsoleLogin", False, "Failure").outcome == "failure"
    assert categorize("ConsoleLogin", True).outcome == "failure"


def test_apply_writes_fresh_lists() -> None:
    event: dict[str, object] = {}
    categorize("DeleteBucket", False).apply(event)
    assert event == {
        "kind": "event",
        "type": ["deletion"],
        "outcome": "success",
        "category": ["file"],
    }
