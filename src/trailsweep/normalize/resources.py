"""`resources` → `aws.cloudtrail.resources`: Elastic's dedupe script, HashMap order included."""

from __future__ import annotations

from typing import Any

from trailsweep.normalize.fields import kind_of
from trailsweep.normalize.javamap import hashmap_order, java_to_string


def _key_part(resource: dict[str, Any], name: str) -> str:
    value = resource.get(name)
    return "" if value is None else (java_to_string(value) or "")


def dedupe_resources(resources: Any, warnings: list[str]) -> list[dict[str, Any]] | None:
    """The `aws.cloudtrail.resources` list for a record's (null-stripped) `resources` value.

    Elastic's script keeps only map elements, renames `ARN`→`arn` and `accountId`→`account_id`,
    and puts each into a HashMap keyed by `arn_accountid_type`, so exact duplicates collapse
    (the last one wins, in the first one's place) and the list comes out in HashMap order, not
    the record's. Every element is kept, so `aws.cloudtrail.resources.arn` is multi-valued.
    A `resources` that is not a list is skipped by the script; we ignore it and say so.

    >>> dedupe_resources([{"ARN": "a", "type": "T"}, {"ARN": "a", "type": "T"}, "x"], [])
    [{'type': 'T', 'arn': 'a'}]
    """
    objects = resource_objects(resources, warnings)
    if not objects:
        return None
    unique: dict[str, dict[str, Any]] = {}
    for original in objects:
        resource = dict(original)
        if "ARN" in resource:
            resource["arn"] = resource.pop("ARN")
        if "accountId" in resource:
            resource["account_id"] = resource.pop("accountId")
        key = "_".join(_key_part(resource, name) for name in ("arn", "account_id", "type"))
        unique[key] = resource
    return [unique[key] for key in hashmap_order(unique)]


def resource_objects(resources: Any, warnings: list[str]) -> list[dict[str, Any]]:
    """The elements of `resources` the dedupe script keeps (the maps), with a warning for
    whatever it skips: all that a reader who never reads `aws.cloudtrail.resources` needs.

    >>> warnings: list[str] = []
    >>> resource_objects([{"ARN": "a"}, 7], warnings), warnings
    ([{'ARN': 'a'}], ['resources[1] is a number, not an object: dropped as Elastic does'])
    """
    if resources is None:
        return []
    if not isinstance(resources, list):
        warnings.append(f"resources is {kind_of(resources)}, not a list: ignored as Elastic does")
        return []
    objects: list[dict[str, Any]] = []
    for index, original in enumerate(resources):
        if isinstance(original, dict):
            objects.append(original)
        else:
            warnings.append(
                f"resources[{index}] is {kind_of(original)}, not an object: dropped as Elastic does"
            )
    return objects
