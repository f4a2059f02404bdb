"""Run one contender of `bench_scan.py` in this process and print its result line.

    python bench/baselines.py NAME PATH [VARIANT]

NAME is one of `CONTENDERS` (PATH is a simulated trail folder, or an event store for the
`store-*` and `spark` contenders); VARIANT picks a DuckDB `read_json` mode. The last stdout line
is `BENCH_RESULT {json}` (see `contenders.rule.ContenderResult`). Each contender's module is
imported only when it runs, so this process's peak RSS is that contender's own.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from contenders.rule import ContenderResult

CONTENDERS = {
    "floor": "contenders.floor",
    "plain": "contenders.plain",
    "minimal": "contenders.simdjson_minimal",
    "duckdb": "contenders.duckdb_json",
    "polars": "contenders.polars_json",
    "pandas": "contenders.pandas_json",
    "store-duckdb": "contenders.store_duckdb",
    "store-inprocess": "contenders.store_inprocess",
    "spark": "contenders.spark_store",
}


def main(argv: list[str]) -> None:
    if len(argv) not in (2, 3) or argv[0] not in CONTENDERS:
        names = ", ".join(CONTENDERS)
        raise SystemExit(f"usage: baselines.py NAME PATH [VARIANT]  (NAME: {names})")
    module = importlib.import_module(CONTENDERS[argv[0]])
    target = Path(argv[1])
    result: ContenderResult = module.run(target, argv[2]) if len(argv) == 3 else module.run(target)
    print(result.line(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
