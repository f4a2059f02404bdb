"""Elastic's "Add ECS categorization" script: `event.kind`, `type`, `category`, `outcome`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_IAM = ("iam",)
_USER_CHANGE = ("user", "change")
_USER_INFO = ("user", "info")
_GROUP_CHANGE = ("group", "change")
_GROUP_INFO = ("group", "info")
_ADMIN_CHANGE = ("admin", "change")

# action -> (event.category, event.type). The script's params table; every action missing from
# it, the five S3 bucket-posture reads among them, gets `event.type: ["info"]` and no category.
CATEGORIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "AddUserToGroup": (_IAM, _GROUP_CHANGE),
    "AssumeRole": (("authentication",), ("info",)),
    "AttachGroupPolicy": (_IAM, _GROUP_CHANGE),
    "AttachUserPolicy": (_IAM, _USER_CHANGE),
    "ChangePassword": (_IAM, _USER_CHANGE),
    "ConsoleLogin": (("authentication",), ("info",)),
    "CreateAccessKey": (_IAM, _USER_CHANGE),
    "CreateBucket": (("file",), ("creation",)),
    "CreateGroup": (_IAM, ("group", "creation")),
    "CreateKeyPair": (_IAM, ("admin", "creation")),
    "CreateUser": (_IAM, ("user", "creation")),
    "CreateVirtualMFADevice": (_IAM, _USER_CHANGE),
    "DeactivateMFADevice": (_IAM, _USER_CHANGE),
    "DeleteAccessKey": (_IAM, _USER_CHANGE),
    "DeleteBucket": (("file",), ("deletion",)),
    "DeleteGroup": (_IAM, ("group", "deletion")),
    "DeleteGroupPolicy": (_IAM, _GROUP_CHANGE),
    "DeleteSSHPublicKey": (_IAM, _USER_CHANGE),
    "DeleteUser": (_IAM, ("user", "deletion")),
    "DeleteUserPermissionsBoundary": (_IAM, _USER_CHANGE),
    "DeleteUserPolicy": (_IAM, _USER_CHANGE),
    "DeleteVirtualMFADevice": (_IAM, _USER_CHANGE),
    "DetachGroupPolicy": (_IAM, _GROUP_CHANGE),
    "DetachUserPolicy": (_IAM, _USER_CHANGE),
    "EnableMFADevice": (_IAM, _USER_CHANGE),
    "GetGroup": (_IAM, _GROUP_INFO),
    "GetGroupPolicy": (_IAM, _GROUP_INFO),
    "GetUser": (_IAM, _USER_INFO),
    "GetUserPolicy": (_IAM, _USER_INFO),
    "ListAttachedGroupPolicies": (_IAM, _GROUP_INFO),
    "ListAttachedUserPolicies": (_IAM, _USER_INFO),
    "ListGroupPolicies": (_IAM, _GROUP_INFO),
    "ListGroups": (_IAM, _GROUP_INFO),
    "ListGroupsForUser": (_IAM, _USER_INFO),
    "ListUserPolicies": (_IAM, _USER_INFO),
    "ListUserTags": (_IAM, _USER_INFO),
    "ListUsers": (_IAM, _USER_INFO),
    "PutGroupPolicy": (_IAM, _GROUP_CHANGE),
    # Added by newer pipelines than the table above comes from (fixture test-put-object-json).
    "PutObject": (("file",), ("change",)),
    "PutUserPermissionsBoundary": (_IAM, _USER_CHANGE),
    "PutUserPolicy": (_IAM, _USER_CHANGE),
    "RemoveUserFromGroup": (_IAM, _GROUP_CHANGE),
    "SetDefaultPolicyVersion": (_IAM, _ADMIN_CHANGE),
    "SetSecurityTokenServicePreferences": (_IAM, _ADMIN_CHANGE),
    "TagUser": (_IAM, _USER_CHANGE),
    "UntagUser": (_IAM, _USER_CHANGE),
    "UpdateAccessKey": (_IAM, _USER_CHANGE),
    "UpdateAccountPasswordPolicy": (_IAM, _ADMIN_CHANGE),
    "UpdateGroup": (_IAM, _GROUP_CHANGE),
    "UpdateLoginProfile": (_IAM, _USER_CHANGE),
    "UpdateRole": (_IAM, _ADMIN_CHANGE),
    "UpdateSSHPublicKey": (_IAM, _USER_CHANGE),
    "UpdateUser": (_IAM, _USER_CHANGE),
}


@dataclass(frozen=True)
class Categorization:
    """The ECS categorization of one event."""

    outcome: str
    types: tuple[str, ...] = ("info",)
    categories: tuple[str, ...] = ()

    def apply(self, event: dict[str, Any]) -> None:
        """Write `kind`, `type`, `outcome` and (if any) `category` into the `event` object."""
        event["kind"] = "event"
        event["type"] = list(self.types)
        event["outcome"] = self.outcome
        if self.categories:
            event["category"] = list(self.categories)


def categorize(action: str | None, failed: bool, console_login: Any = None) -> Categorization:
    """Categorize an event from its action, whether it carries an error, and, for
    `ConsoleLogin`, its `responseElements.ConsoleLogin` value.

    Any error code or message means failure, even `"200"`; a console login's own result
    (`Success`/`Failure`, lower-cased) overrides that.

    >>> categorize("GetBucketAcl", failed=False)
    Categorization(outcome='success', types=('info',), categories=())
    >>> categorize("ConsoleLogin", failed=True, console_login="Success").outcome
    'success'
    """
    outcome = "failure" if failed else "success"
    if action is None:
        return Categorization(outcome)
    if action == "ConsoleLogin" and isinstance(console_login, str):
        outcome = console_login.lower()
    entry = CATEGORIES.get(action)
    if entry is None:
        return Categorization(outcome)
    categories, types = entry
    return Categorization(outcome, types, categories)
