"""`userIdentity` → `aws.cloudtrail.user_identity.*`, `user.*`, `cloud.account.id`, related."""

from __future__ import annotations

from typing import Any

from trailsweep.normalize.fields import FieldPath, append_unique, keyword, kind_of, put
from trailsweep.normalize.timestamps import es_timestamp

_USER_IDENTITY = ("aws", "cloudtrail", "user_identity")
_SESSION_CONTEXT = (*_USER_IDENTITY, "session_context")
_SESSION_ISSUER = (*_SESSION_CONTEXT, "session_issuer")
RELATED_USER: FieldPath = ("related", "user")
USER_NAME: FieldPath = ("user", "name")

# userIdentity key -> ECS field, in the pipeline's rename order.
_IDENTITY_FIELDS: tuple[tuple[str, FieldPath], ...] = (
    ("type", (*_USER_IDENTITY, "type")),
    ("principalId", ("user", "id")),
    ("arn", (*_USER_IDENTITY, "arn")),
    ("accountId", ("cloud", "account", "id")),
    ("accessKeyId", (*_USER_IDENTITY, "access_key_id")),
    ("invokedBy", (*_USER_IDENTITY, "invoked_by")),
)
_ISSUER_FIELDS: tuple[tuple[str, FieldPath], ...] = (
    ("type", (*_SESSION_ISSUER, "type")),
    ("principalId", (*_SESSION_ISSUER, "principal_id")),
    ("arn", (*_SESSION_ISSUER, "arn")),
    ("accountId", (*_SESSION_ISSUER, "account_id")),
)
# For these identities the role behind the session names the user, not the session itself.
_ISSUER_NAMES_USER = frozenset({"AssumedRole", "FederatedUser"})


def _object(value: Any, label: str, warnings: list[str]) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    warnings.append(f"{label} is {kind_of(value)}, not an object: ignored as Elastic does")
    return None


def _keyword(container: dict[str, Any], key: str, label: str, warnings: list[str]) -> str | None:
    value = container.get(key)
    text = keyword(value)
    if text is None and value is not None:
        warnings.append(f"{label}.{key} is {kind_of(value)}, not a string: ignored")
    return text


def _copy_keywords(
    source: dict[str, Any],
    fields: tuple[tuple[str, FieldPath], ...],
    label: str,
    document: dict[str, Any],
    warnings: list[str],
) -> None:
    for key, path in fields:
        text = _keyword(source, key, label, warnings)
        if text is not None:
            put(document, path, text)


def map_user_identity(identity: Any, document: dict[str, Any], warnings: list[str]) -> None:
    """Write the fields Elastic derives from a (null-stripped) `userIdentity` into `document`.

    `user.name` is `userName`, replaced by `sessionContext.sessionIssuer.userName` for
    AssumedRole/FederatedUser identities (the role name, not the session's); for other types
    the issuer's name only fills a missing `userName`, as the pipeline's non-overriding rename.
    """
    identity = _object(identity, "userIdentity", warnings)
    if identity is None:
        return
    _copy_keywords(identity, _IDENTITY_FIELDS, "userIdentity", document, warnings)
    user_name = _keyword(identity, "userName", "userIdentity", warnings)
    issuer_name: str | None = None
    context = _object(identity.get("sessionContext"), "userIdentity.sessionContext", warnings)
    if context is not None:
        attributes = _object(context.get("attributes"), "sessionContext.attributes", warnings)
        if attributes is not None:
            _map_attributes(attributes, document, warnings)
        issuer = _object(context.get("sessionIssuer"), "sessionContext.sessionIssuer", warnings)
        if issuer is not None:
            _copy_keywords(issuer, _ISSUER_FIELDS, "sessionIssuer", document, warnings)
            issuer_name = _keyword(issuer, "userName", "sessionIssuer", warnings)
    if user_name is not None:
        append_unique(document, RELATED_USER, user_name)
    # A type that is not text (a list, an object) names no identity kind (and is unhashable).
    identity_type = identity.get("type")
    issuer_names_user = isinstance(identity_type, str) and identity_type in _ISSUER_NAMES_USER
    if issuer_name is not None and (user_name is None or issuer_names_user):
        put(document, USER_NAME, issuer_name)
        append_unique(document, RELATED_USER, issuer_name)
    elif user_name is not None:
        put(document, USER_NAME, user_name)


def _map_attributes(
    attributes: dict[str, Any], document: dict[str, Any], warnings: list[str]
) -> None:
    mfa = _keyword(attributes, "mfaAuthenticated", "sessionContext.attributes", warnings)
    if mfa is not None:
        put(document, (*_SESSION_CONTEXT, "mfa_authenticated"), mfa)
    created = attributes.get("creationDate")
    if created is None:
        return
    formatted = es_timestamp(created) if isinstance(created, str) else None
    if formatted is None:
        warnings.append(
            f"sessionContext.attributes.creationDate {str(created)[:40]!r} is not an ISO-8601 "
            "date: dropped as Elastic does"
        )
        return
    put(document, (*_SESSION_CONTEXT, "creation_date"), formatted)
