"""Crash safety, end to end: a simulated day is delivered file by file, out of order and with
some files hours late, into a folder that `trailsweep watch` follows; the watcher is SIGKILLed
at random moments and restarted each time. The alerts it wrote must be exactly one batch scan's:
the same ids with the same final content, each created once, no emission written twice."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from trailsweep.alerts import alert_document
from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules
from trailsweep.schedule.delivery_time import delivery_stamp
from trailsweep.simulate import DeliveryOptions, simulate_day

SEED = 20261130


def _watch(inbox: Path, state: Path, alerts: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "trailsweep", "watch", str(inbox), "--state", str(state),
        "-o", str(alerts), "--settle", "0", "--poll", "0.05s", "--batch-files", "4", "-q",
        *extra,
    ]  # fmt: skip


def _delivery_order(day: Path, rng: random.Random) -> list[Path]:
    """Files in delivery order (the minute in their key names, so late files come hours
    after their neighbours), shuffled within runs of eight: out of order as S3 listings are."""
    files = [p for p in day.rglob("*.json.gz")]
    files.sort(key=lambda p: (delivery_stamp(p.name) or 0, p.name))  # type: ignore[arg-type]
    shuffled: list[Path] = []
    for start in range(0, len(files), 8):
        run = files[start : start + 8]
        rng.shuffle(run)
        shuffled.extend(run)
    return shuffled


def _place(source: Path, day: Path, inbox: Path) -> None:
    """Copy a file into the inbox as a sync tool does: written aside, then renamed."""
    target = inbox / source.relative_to(day)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = inbox.parent / "partial.tmp"
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _wait_until_running(watcher: subprocess.Popen[bytes], stats: Path, since: float) -> None:
    """Until the watcher has finished a poll after `since` (its signal handlers are in place
    once it polls: a SIGTERM before that ends it as any process)."""
    deadline = time.time() + 60
    while time.time() < deadline and watcher.poll() is None:
        if stats.exists() and stats.stat().st_mtime > since:
            return
        time.sleep(0.05)
    raise AssertionError("the watcher did not poll within 60 s")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_killed_at_random_the_watcher_still_matches_one_batch_scan(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    day = tmp_path / "day"
    manifest = simulate_day(
        day, events=6000, seed=SEED % 1000, delivery=DeliveryOptions(late_files=0.2)
    )
    assert manifest.expected_alert_count >= 5
    inbox, state, alerts = tmp_path / "inbox", tmp_path / "state", tmp_path / "alerts.ndjson"
    inbox.mkdir()
    order = _delivery_order(day, rng)
    assert manifest.late_files_written >= 10, "the simulated day should have late files"

    kills = 0
    live_stats = tmp_path / "live-stats.json"
    command = _watch(inbox, state, alerts, "--stats", str(live_stats))
    watcher = subprocess.Popen(command)
    try:
        placed = 0
        while placed < len(order):
            chunk = order[placed : placed + rng.randint(10, 80)]
            for path in chunk:
                _place(path, day, inbox)
            placed += len(chunk)
            time.sleep(rng.uniform(0.05, 0.8))
            if rng.random() < 0.7:
                watcher.kill()  # SIGKILL: no chance to clean up
                watcher.wait()
                kills += 1
                watcher = subprocess.Popen(command)
        _wait_until_running(watcher, live_stats, time.time())
        watcher.send_signal(signal.SIGTERM)  # drains and exits cleanly
        assert watcher.wait(timeout=120) == 0
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
    assert kills >= 5
    print(f"\n{kills} SIGKILLs over {len(order)} files delivered")

    stats = tmp_path / "stats.json"
    finish = subprocess.run(
        _watch(inbox, state, alerts, "--once", "--flush", "--stats", str(stats)), timeout=300
    )
    assert finish.returncode == 0

    batch = scan([inbox], bundled_rules())
    expected = {alert.uuid: alert_document(alert) for alert in batch.alerts}
    assert len(expected) == manifest.expected_alert_count

    lines = _lines(alerts)
    sequences = [line["trailsweep.watch"]["sequence"] for line in lines]
    assert sequences == sorted(set(sequences)), "an emission was written twice"
    created = Counter(
        line["kibana.alert.uuid"]
        for line in lines
        if line["trailsweep.watch"]["action"] == "created"
    )
    assert set(created.values()) == {1}, "an alert was created twice"
    final: dict[str, dict[str, Any]] = {}
    for line in lines:
        revision = line["trailsweep.watch"]["revision"]
        uuid = line["kibana.alert.uuid"]
        previous = final.get(uuid, {}).get("trailsweep.watch", {}).get("revision", 0)
        assert revision == previous + 1
        final[uuid] = line
    for line in final.values():
        del line["trailsweep.watch"]
    assert final == expected

    health = orjson.loads(stats.read_bytes())
    assert health["records_read"] == batch.summary.records_read
    assert health["late_events"] > 0
    assert health["expired_events"] == 0
    print(
        f"{len(lines)} emissions for {len(final)} alerts; {health['late_events']} late events, "
        f"{health['alerts_updated']} updates"
    )
