"""Building nested ECS documents: setting a field by path, and coercing values to keywords."""

from __future__ import annotations

from typing import Any

from trailsweep.normalize.javamap import java_scalar

FieldPath = tuple[str, ...]


def put(document: dict[str, Any], path: FieldPath, value: Any) -> None:
    """Set `document[path[0]][path[1]]... = value`, creating the objects on the way.

    >>> doc: dict[str, Any] = {}
    >>> put(doc, ("event", "action"), "GetBucketAcl"); doc
    {'event': {'action': 'GetBucketAcl'}}
    """
    node = document
    for key in path[:-1]:
        child = node.get(key)
        if child is None or type(child) is not dict:
            child = node[key] = {}
        node = child
    node[path[-1]] = value


def lookup(document: dict[str, Any], path: FieldPath) -> Any:
    """The value at `path`, or None."""
    node: Any = document
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def append_unique(document: dict[str, Any], path: FieldPath, value: str) -> None:
    """Append to the list at `path` unless already there (`append`, `allow_duplicates: false`)."""
    current = lookup(document, path)
    if current is None:
        put(document, path, [value])
    elif value not in current:
        current.append(value)


def keyword(value: Any) -> str | None:
    """A JSON scalar as the text a `keyword` field indexes (numbers and booleans coerced).

    Objects and arrays are not keywords: None.

    >>> [keyword(v) for v in ("a", 1, True, 2.5, {"a": 1}, [1])]
    ['a', '1', 'true', '2.5', None, None]
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list) or value is None:
        return None
    return java_scalar(value)


def kind_of(value: Any) -> str:
    """How a warning names the JSON type of `value`, with its article.

    >>> [kind_of(v) for v in ("a", 1, True, None, {}, [])]
    ['a str', 'a number', 'a bool', 'null', 'an object', 'a list']
    """
    if isinstance(value, str):
        return "a str"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"
