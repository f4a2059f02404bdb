"""Fixtures for the ES|QL tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .runner import EsqlRunner


@pytest.fixture
def esql() -> Iterator[EsqlRunner]:
    """A runner with its own DuckDB connection."""
    runner = EsqlRunner()
    yield runner
    runner.connection.close()
