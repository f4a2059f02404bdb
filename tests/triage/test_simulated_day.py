"""On a simulated day: the intruder's injected follow-on calls are in its alert's context,
and the context from the files equals the context from the store."""

from __future__ import annotations

import json
from typing import Any

import pytest

from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules
from trailsweep.simulate import simulate_day
from trailsweep.store import EventStore, scan_store
from trailsweep.triage import context_document, file_contexts, store_contexts

Contexts = list[dict[str, Any]]


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Contexts, Contexts]:
    root = tmp_path_factory.mktemp("triage-day")
    folder = root / "day"
    simulate_day(folder, events=20_000, seed=3)
    manifest = json.loads((folder / "manifest.json").read_text())
    rules = bundled_rules()
    report = scan([folder], rules)
    from_files = file_contexts(report.alerts, [folder])
    store = root / "store"
    EventStore(store).ingest([folder])
    stored = scan_store(store, rules)
    assert [a.uuid for a in stored.alerts] == [a.uuid for a in report.alerts]
    from_store = store_contexts(stored.alerts, store)
    files_docs = [context_document(c) for c in from_files if c is not None]
    store_docs = [context_document(c) for c in from_store if c is not None]
    assert len(files_docs) == len(store_docs) == len(report.alerts)
    return manifest, files_docs, store_docs


def _intruder(manifest: dict[str, Any], contexts: Contexts) -> dict[str, Any]:
    scenario = next(s for s in manifest["scenarios"] if s["name"] == "intruder_sweep")
    (expected,) = scenario["expected_alerts"]
    found = [
        c
        for c in contexts
        if c["actor"]["source_ips"] == [expected["source.ip"]]
        and c["actor"]["principal_arns"] == [expected["aws.cloudtrail.user_identity.arn"]]
    ]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("source", ["files", "store"])
def test_intruder_follow_on_calls_are_in_the_context(
    day: tuple[dict[str, Any], Contexts, Contexts], source: str
) -> None:
    manifest, files_docs, store_docs = day
    context = _intruder(manifest, files_docs if source == "files" else store_docs)
    scenario = next(s for s in manifest["scenarios"] if s["name"] == "intruder_sweep")
    follow_on = set(scenario["follow_on_event_ids"])
    listed = {e["event_id"]: e["action"] for e in context["notable_events"]}
    assert follow_on <= set(listed)
    actions = sorted(listed[event_id] for event_id in follow_on)
    gets = actions.count("GetObject")
    assert actions == ["GetObject"] * gets + ["ListBuckets", "PutBucketPolicy"]
    assert gets >= 4
    changes = context["bucket_changes"]
    assert [(c["action"], c["event_id"] in follow_on) for c in changes] == [
        ("PutBucketPolicy", True)
    ]
    counts = {a["action"]: a["count"] for a in context["activity"]}
    assert counts["GetObject"] >= gets
    assert context["actor"]["access_keys"][0]["kind"] == "long-term"


def test_files_and_store_give_the_same_context(
    day: tuple[dict[str, Any], Contexts, Contexts],
) -> None:
    _, files_docs, store_docs = day
    for from_files, from_store in zip(files_docs, store_docs, strict=True):
        # Only the store has history to build a baseline from; on one day it finds none
        # before the alert's day, so the risk agrees too.
        assert from_store["baseline"]["windows"] == 0
        assert from_files["baseline"] is None
        for key in ("baseline", "baseline_note"):
            from_files.pop(key)
            from_store.pop(key)
        assert from_files == from_store
