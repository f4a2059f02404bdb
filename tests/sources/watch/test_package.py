"""The public surface of trailsweep.sources.watch, and the doctests of its modules."""

from __future__ import annotations

import doctest
import importlib

import pytest

import trailsweep.sources.watch
from trailsweep.errors import TrailsweepError
from trailsweep.sources.watch import (
    FolderSource,
    MissingObjectError,
    S3Source,
    SourceError,
    SqsSource,
    WatchSource,
)


def test_public_names() -> None:
    assert sorted(trailsweep.sources.watch.__all__) == [
        "DeliveredObject",
        "FolderSource",
        "KnownCheck",
        "MissingObjectError",
        "Poll",
        "Report",
        "S3Source",
        "SourceError",
        "SqsSource",
        "WatchSource",
        "open_watch_source",
    ]
    for name in trailsweep.sources.watch.__all__:
        assert getattr(trailsweep.sources.watch, name) is not None


def test_errors_belong_to_the_hierarchy() -> None:
    assert issubclass(SourceError, TrailsweepError)
    assert issubclass(MissingObjectError, SourceError)


def test_every_source_satisfies_the_protocol() -> None:
    # mypy checks the structure; this keeps the three classes assignable in one place.
    sources: list[type[WatchSource]] = [FolderSource, S3Source, SqsSource]
    assert len(sources) == 3


@pytest.mark.parametrize(
    "module",
    ["trailsweep.sources.watch.download", "trailsweep.sources.watch.trail_layout"],
)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
