"""The public surface of trailsweep.normalize, and the doctests of its modules."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import trailsweep.normalize as normalize


def test_public_api_is_pinned() -> None:
    assert sorted(normalize.__all__) == [
        "CONSTANT_FIELDS",
        "FieldSelection",
        "GeoIpDatabase",
        "NormalizeOptions",
        "NormalizedRecord",
        "RecordRejected",
        "SCREENED_KEYS",
        "VERBATIM_SOURCES",
        "ecs_document_from",
        "flatten_document",
        "is_ecs_document",
        "is_text",
        "normalize_record",
        "open_geoip",
        "plainly_valid",
        "screen_record",
    ]
    for name in normalize.__all__:
        assert getattr(normalize, name) is not None


@pytest.mark.parametrize(
    "module",
    [info.name for info in pkgutil.iter_modules(normalize.__path__, "trailsweep.normalize.")],
)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
