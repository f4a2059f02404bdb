"""TO_LOWER / TO_UPPER on Spark: DuckDB's simple case mapping, or an error naming the text.

DuckDB maps each character on its own (utf8proc's simple mapping). Spark maps whole strings
with ICU's full mapping (root locale): `ß` → `SS`, `ǰ` → `J̌`, Greek letters with iota
subscripts, ligatures, `İ` → `i̇`, a final `Σ` → `ς`, and letters of newer Unicode versions than
DuckDB's. Text holding none of the characters below is mapped identically by both (checked
character by character against both engines when this table was made, and by
tests/engine/test_spark_engine.py for every character DuckDB maps); text holding one of them
raises an error in Spark instead of giving another value.
"""

from __future__ import annotations

_UPPER_DIFFERS: tuple[tuple[int, int], ...] = (
    (0xDF, 0xDF), (0x149, 0x149), (0x19B, 0x19B), (0x1F0, 0x1F0), (0x264, 0x264),
    (0x390, 0x390), (0x3B0, 0x3B0), (0x587, 0x587), (0x1C8A, 0x1C8A), (0x1E96, 0x1E9A),
    (0x1F50, 0x1F50), (0x1F52, 0x1F52), (0x1F54, 0x1F54), (0x1F56, 0x1F56),
    (0x1F80, 0x1FAF), (0x1FB2, 0x1FB4), (0x1FB6, 0x1FB7), (0x1FBC, 0x1FBC),
    (0x1FC2, 0x1FC4), (0x1FC6, 0x1FC7), (0x1FCC, 0x1FCC), (0x1FD2, 0x1FD3),
    (0x1FD6, 0x1FD7), (0x1FE2, 0x1FE4), (0x1FE6, 0x1FE7), (0x1FF2, 0x1FF4),
    (0x1FF6, 0x1FF7), (0x1FFC, 0x1FFC), (0xA7CD, 0xA7CD), (0xA7CF, 0xA7CF),
    (0xA7D3, 0xA7D3), (0xA7D5, 0xA7D5), (0xA7DB, 0xA7DB), (0xFB00, 0xFB06),
    (0xFB13, 0xFB17), (0x10D70, 0x10D85), (0x16EBB, 0x16ED3),
)  # fmt: skip
_LOWER_DIFFERS: tuple[tuple[int, int], ...] = (
    (0x130, 0x130), (0x3A3, 0x3A3), (0x1C89, 0x1C89), (0xA7CB, 0xA7CC), (0xA7CE, 0xA7CE),
    (0xA7D2, 0xA7D2), (0xA7D4, 0xA7D4), (0xA7DA, 0xA7DA), (0xA7DC, 0xA7DC),
    (0x10D50, 0x10D65), (0x16EA0, 0x16EB8),
)  # fmt: skip


def case_mapping_differs(upper: bool) -> tuple[tuple[int, int], ...]:
    """The code point ranges whose mapping differs between the engines."""
    return _UPPER_DIFFERS if upper else _LOWER_DIFFERS


def differing_class(upper: bool) -> str:
    """A Java character class of those code points."""
    parts = (
        f"\\x{{{low:x}}}" if low == high else f"\\x{{{low:x}}}-\\x{{{high:x}}}"
        for low, high in case_mapping_differs(upper)
    )
    return f"[{''.join(parts)}]"
