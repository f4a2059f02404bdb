"""One default simulated day shared by the simulate tests (generated once per session)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from trailsweep.simulate import Manifest, simulate_day

from .trail_files import records_by_file


@dataclass(frozen=True)
class SimulatedDay:
    """A generated day: folder, returned manifest, manifest.json and the parsed log files."""

    root: Path
    manifest: Manifest
    document: dict[str, Any]
    files: dict[str, list[dict[str, Any]]]

    def scenario(self, name: str) -> dict[str, Any]:
        """The manifest entry of one scenario."""
        return next(s for s in self.document["scenarios"] if s["name"] == name)

    def records_of(self, name: str) -> list[dict[str, Any]]:
        """A scenario's records, one per event id (duplicates folded)."""
        wanted = set(self.scenario(name)["event_ids"])
        found: dict[str, dict[str, Any]] = {}
        for records in self.files.values():
            for record in records:
                if record["eventID"] in wanted:
                    found[record["eventID"]] = record
        return sorted(found.values(), key=lambda r: (r["eventTime"], r["eventID"]))


@pytest.fixture(scope="session")
def day(tmp_path_factory: pytest.TempPathFactory) -> SimulatedDay:
    """The CLI's default day: 20 000 events, seed 1, two accounts, three regions."""
    root = tmp_path_factory.mktemp("simulated-day")
    manifest = simulate_day(root)
    document = orjson.loads((root / "manifest.json").read_bytes())
    return SimulatedDay(root, manifest, document, records_by_file(root))
