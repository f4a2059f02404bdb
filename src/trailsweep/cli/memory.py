"""Keeping what trailsweep never uses out of a command's memory.

pyarrow imports pandas (about 55 MB, with numpy) the first time it converts a Python list, only
to ask whether the list is a pandas object. trailsweep's DuckDB path never touches pandas, so
where pandas is installed (the Spark extra brings it) a command that runs on DuckDB makes
`import pandas` fail in its process: pyarrow then takes pandas as absent. The Spark engine needs
pandas and is left alone, and so is a process that runs the commands as a library (tests, a
notebook): only the console script (`main`) opts in, since the change lasts for the process.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

BLOCKED = "pandas"
_standalone = False


class _Unavailable:
    """A meta-path finder that refuses one top-level package (and its submodules)."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name == BLOCKED or name.startswith(BLOCKED + "."):
            raise ModuleNotFoundError(f"trailsweep keeps {BLOCKED} unloaded here", name=name)
        return None


def run_standalone() -> None:
    """Say that this process is the `trailsweep` command itself (its own to change)."""
    global _standalone
    _standalone = True


def keep_pandas_unloaded() -> None:
    """In the `trailsweep` command's own process: make `import pandas` fail there (and in the
    workers it forks), unless pandas is loaded already."""
    if (
        not _standalone
        or BLOCKED in sys.modules
        or any(isinstance(f, _Unavailable) for f in sys.meta_path)
    ):
        return
    sys.meta_path.insert(0, _Unavailable())
