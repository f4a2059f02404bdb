"""`simulate_day`: a realistic, labelled day of CloudTrail written as a trail delivers it to S3."""

from __future__ import annotations

import random
import re
import shutil
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from trailsweep.simulate.actors import build_cast
from trailsweep.simulate.background import Background, SlotCell
from trailsweep.simulate.clock import SLOT_SECONDS, SLOTS_PER_DAY, DayClock
from trailsweep.simulate.delivery import DeliveryOptions, TrailWriter
from trailsweep.simulate.digest import write_digests
from trailsweep.simulate.inventory import build_accounts, build_trail
from trailsweep.simulate.manifest import (
    GENERATOR,
    MANIFEST_NAME,
    GeneratorArgs,
    Manifest,
    TimeRange,
    read_manifest,
)
from trailsweep.simulate.planned import PlannedRecord
from trailsweep.simulate.routines import terraform_runs
from trailsweep.simulate.scenarios import SCENARIOS, build_scenarios

DEFAULT_DAY = date(2026, 3, 14)
DEFAULT_ACCOUNT_IDS = ("418295730164", "902617384521")
DEFAULT_REGIONS = ("us-east-1", "eu-west-1", "us-west-2")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


def simulate_day(
    out_dir: Path,
    *,
    events: int = 20_000,
    seed: int = 1,
    day: date = DEFAULT_DAY,
    account_ids: Sequence[str] = DEFAULT_ACCOUNT_IDS,
    regions: Sequence[str] = DEFAULT_REGIONS,
    scenarios: Sequence[str] | None = None,
    delivery: DeliveryOptions | None = None,
    overwrite: bool = False,
) -> Manifest:
    """Write one day of CloudTrail under `out_dir/AWSLogs/` plus `out_dir/manifest.json`.

    `events` is the approximate number of records (background scales, scenarios have fixed
    sizes). The same arguments always produce byte-identical files. `scenarios` picks scenarios
    by name (default: all of `SCENARIOS`). A previous simulation in `out_dir` is replaced; any
    other `AWSLogs/` tree there is an error unless `overwrite` is set.
    """
    options = delivery or DeliveryOptions()
    names = tuple(SCENARIOS) if scenarios is None else tuple(scenarios)
    args = GeneratorArgs(
        events=events,
        seed=seed,
        day=day,
        account_ids=tuple(account_ids),
        regions=tuple(regions),
        scenarios=names,
        late_files=options.late_files,
        duplicate_every=options.duplicate_every,
    )
    _validate(args)
    _prepare(out_dir, overwrite)

    clock = DayClock(day)
    estate_rng = random.Random(f"trailsweep-estate:{seed}")
    accounts = build_accounts(args.account_ids, args.regions, estate_rng)
    trail = build_trail(accounts, estate_rng)
    casts = tuple(build_cast(account, index, estate_rng) for index, account in enumerate(accounts))

    injected = build_scenarios(names, seed, casts, clock)
    scenario_records = [record for scenario in injected for record in scenario.records]
    runs = max(2, min(48, events // 10_000)) if events > 0 else 0
    jobs = terraform_runs(casts, clock, random.Random(f"trailsweep-jobs:{seed}"), runs)
    planned = _by_cell(scenario_records + jobs, clock)

    background = Background(
        casts, args.regions, trail, clock, random.Random(f"trailsweep-background:{seed}")
    )
    expected_duplicates = events // options.duplicate_every
    background_total = max(0, events - len(scenario_records) - len(jobs) - expected_duplicates)
    allocation = background.allocate(background_total)
    background_total = sum(allocation.values())  # zero when the estate has no background rate

    writer = TrailWriter(out_dir, trail, random.Random(f"trailsweep-delivery:{seed}"), options)
    # Slot by slot keeps memory bounded by one delivery file, whatever `events` is.
    for slot in range(SLOTS_PER_DAY):
        for index, account in enumerate(accounts):
            for region in args.regions:
                cell = SlotCell(slot, index, region)
                payloads, times = background.render(cell, allocation[cell])
                extra = [
                    (r.payload, r.ts) for r in planned.pop((slot, account.account_id, region), [])
                ]
                writer.deliver(account.account_id, region, payloads, times, extra)
    if planned:
        raise ValueError(
            f"records planned outside the estate's accounts/regions: {sorted(planned)}"
        )
    writer.finish()

    digests = write_digests(
        out_dir,
        trail,
        args.account_ids,
        args.regions,
        writer.files,
        clock.start,
        random.Random(f"trailsweep-digest:{seed}"),
    )
    deliveries = [f.delivered for f in writer.files]
    duplicates = len(writer.duplicated_event_ids)
    manifest = Manifest(
        args=args,
        trail=trail,
        records_written=writer.records_written,
        distinct_events=writer.records_written - duplicates,
        duplicate_records=duplicates,
        background_records=background_total,
        scheduled_job_records=len(jobs),
        scenario_records=len(scenario_records),
        files_written=len(writer.files),
        late_files_written=sum(1 for f in writer.files if f.late),
        digest_files_written=len(digests),
        time_range=TimeRange(
            first_event=min((f.oldest_event for f in writer.files), default=clock.start),
            last_event=max((f.newest_event for f in writer.files), default=clock.start),
            first_delivery=min(deliveries, default=clock.start),
            last_delivery=max(deliveries, default=clock.start),
        ),
        scenarios=injected,
        duplicated_event_ids=tuple(writer.duplicated_event_ids),
    )
    manifest.write(out_dir / MANIFEST_NAME)
    return manifest


def _validate(args: GeneratorArgs) -> None:
    if args.events < 0:
        raise ValueError("events must be >= 0")
    if not args.account_ids or not args.regions:
        raise ValueError("at least one account and one region are needed")
    for account_id in args.account_ids:
        if not _ACCOUNT_ID.match(account_id):
            raise ValueError(f"not a 12-digit AWS account id: {account_id!r}")
    if len(set(args.account_ids)) != len(args.account_ids):
        raise ValueError("account ids must be distinct")
    for region in args.regions:
        if not _REGION.match(region):
            raise ValueError(f"not an AWS region name: {region!r}")
    if len(set(args.regions)) != len(args.regions):
        raise ValueError("regions must be distinct")
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        raise ValueError(f"unknown scenarios {unknown}; known: {sorted(SCENARIOS)}")


def _prepare(out_dir: Path, overwrite: bool) -> None:
    logs, manifest = out_dir / "AWSLogs", out_dir / MANIFEST_NAME
    if logs.exists() or manifest.exists():
        # A previous simulation is replaced (same arguments, same bytes); anything else under
        # AWSLogs/ could be someone's real logs and is only removed when asked.
        if not (overwrite or _is_simulation(manifest)):
            raise FileExistsError(
                f"{out_dir} holds AWSLogs/ not written by trailsweep simulate (use overwrite)"
            )
        shutil.rmtree(logs, ignore_errors=True)
        manifest.unlink(missing_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)


def _is_simulation(manifest: Path) -> bool:
    try:
        return read_manifest(manifest).get("generator") == GENERATOR
    except (OSError, ValueError):
        return False


def _by_cell(
    records: Sequence[PlannedRecord], clock: DayClock
) -> dict[tuple[int, str, str], list[PlannedRecord]]:
    cells: dict[tuple[int, str, str], list[PlannedRecord]] = defaultdict(list)
    for record in records:
        slot = min(max((record.ts - clock.start) // SLOT_SECONDS, 0), SLOTS_PER_DAY - 1)
        cells[(slot, record.account_id, record.region)].append(record)
    return dict(cells)
