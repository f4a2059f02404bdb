"""Which optional steps of normalization a reader of only some fields can see.

A scan keeps only the fields its rules, its allowlist and its evidence read: flattening through
a `FieldSelection` drops every other field. A few steps of `normalize_record` cost much and
write only fields of their own: parsing the user agent into `user_agent.name`/`os`/`device`,
GeoIP lookups, the Java text of the payloads (and the user and group fields copied from them),
Elastic's resource dedupe, `event.original`. `needs_of` says which of them a selection can see;
the others are skipped. Every check that rejects a record or warns about it still runs, so
rejections and warnings never depend on the selection: only output no reader sees is left out.

A step is seen when the selection `enters` the path of one of its fields. Flattening emits a
field only where `enters` holds for its path and for each object above it, so a step this says
is unseen cannot change a flattened, selected field; an unsure answer errs towards the work.
"""

from __future__ import annotations

from dataclasses import dataclass

from trailsweep.normalize.flatten import FieldSelection
from trailsweep.normalize.identity import RELATED_USER, USER_NAME
from trailsweep.normalize.payloads import PAYLOAD_COPIES, PAYLOADS

_ALL_PAYLOADS = frozenset(field for _, field in PAYLOADS)
# The user agent processor's fields besides `original` (see UserAgentFields.to_document).
_PARSED_USER_AGENT = ("user_agent.name", "user_agent.version", "user_agent.os", "user_agent.device")


@dataclass(frozen=True)
class NormalizeNeeds:
    """The optional steps of `normalize_record` whose output a reader can see."""

    user_agent: bool = True
    """`user_agent.original` (or any user_agent field)."""
    parsed_user_agent: bool = True
    """`user_agent.name`, `version`, `os.*`, `device.*`: the uap-core parse."""
    city: bool = True
    """`source.geo.*`: the City database lookup."""
    asn: bool = True
    """`source.as.*`: the ASN database lookup."""
    resources: bool = True
    """`aws.cloudtrail.resources.*`: the dedupe script (its warnings are given regardless)."""
    original: bool = True
    """`event.original` (when the options keep it)."""
    payloads: frozenset[str] = _ALL_PAYLOADS
    """Payloads (`request_parameters` ...) to render for any record: their text is read, or a
    field copied from them is (`related.user`, `user.name`, `user.target.*`, `group.*`)."""
    console_payloads: frozenset[str] = _ALL_PAYLOADS
    """The payloads to render for a `ConsoleLogin` record, whose `event.outcome` and
    `aws.cloudtrail.console_login.*` come from payloads too."""


EVERYTHING = NormalizeNeeds()
"""Every step: the whole ECS document (no selection)."""


def needs_of(selection: FieldSelection | None) -> NormalizeNeeds:
    """The steps whose output `selection` can see (all of them for None).

    >>> needs = needs_of(FieldSelection(["user_agent.original", "event.outcome"]))
    >>> needs.user_agent, needs.parsed_user_agent, sorted(needs.payloads)
    (True, False, [])
    >>> sorted(needs.console_payloads)
    ['response_elements']
    """
    if selection is None:
        return EVERYTHING
    wants = selection.enters
    payloads = {field for field in _ALL_PAYLOADS if wants(f"aws.cloudtrail.{field}")}
    payloads |= {field for field, _, target in PAYLOAD_COPIES if wants(".".join(target))}
    if wants(".".join(RELATED_USER)):
        # requestParameters user names, and a sign-in's additionalEventData.UserName.
        payloads |= {"request_parameters", "additional_eventdata"}
    if wants(".".join(USER_NAME)):
        payloads.add("additional_eventdata")
    console = set(payloads)
    if wants("event.outcome"):
        console.add("response_elements")
    if wants("aws.cloudtrail.console_login"):
        console.add("additional_eventdata")
    return NormalizeNeeds(
        user_agent=wants("user_agent"),
        parsed_user_agent=any(wants(path) for path in _PARSED_USER_AGENT),
        city=wants("source.geo"),
        asn=wants("source.as"),
        resources=wants("aws.cloudtrail.resources"),
        original=wants("event.original"),
        payloads=frozenset(payloads),
        console_payloads=frozenset(console),
    )
