"""Where each row of an events table came from, kept compact: a few machine integers per row
instead of a Location object (tables of many rows stay small in memory)."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import overload

import pyarrow as pa

from trailsweep.errors import Location

_NONE = -1  # stands for None in the integer columns (lines, columns and records are >= 0)


class LocationColumn(Sequence[Location]):
    """Per row, the Location it was read at; built row by row with `append`."""

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._path_numbers: dict[str, int] = {}
        self._path = array("l")
        self._line = array("q")
        self._column = array("q")
        self._record = array("q")

    def append(self, location: Location) -> None:
        """Add the next row's location."""
        number = self._path_numbers.get(location.path)
        if number is None:
            number = self._path_numbers[location.path] = len(self._paths)
            self._paths.append(location.path)
        self._path.append(number)
        self._line.append(_NONE if location.line is None else location.line)
        self._column.append(_NONE if location.column is None else location.column)
        self._record.append(_NONE if location.record is None else location.record)

    def __len__(self) -> int:
        return len(self._path)

    @overload
    def __getitem__(self, index: int) -> Location: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Location]: ...

    def __getitem__(self, index: int | slice) -> Location | Sequence[Location]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return Location(
            self._paths[self._path[index]],
            line=_optional(self._line[index]),
            column=_optional(self._column[index]),
            record=_optional(self._record[index]),
        )


def _optional(value: int) -> int | None:
    return None if value == _NONE else value


class StringColumn(Sequence[str | None]):
    """Per row, an optional string held in Arrow (the rows' event ids)."""

    def __init__(self, chunks: Sequence[pa.Array]) -> None:
        self._array = pa.chunked_array(list(chunks), type=pa.string())

    def __len__(self) -> int:
        return len(self._array)

    @overload
    def __getitem__(self, index: int) -> str | None: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str | None]: ...

    def __getitem__(self, index: int | slice) -> str | None | Sequence[str | None]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        value = self._array[index].as_py()
        return value if isinstance(value, str) else None
