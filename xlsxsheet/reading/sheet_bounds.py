"""What a return may claim: work bounded by what a sheet can hold for its layout.

A records body's extent comes from its defined name, and a plan lays out every unit the name
covers (about 12 KB a sheet row); merged ranges cost each reader per cell they cover (openpyxl,
which `fix` uses, makes an object for each). A return whose names or merges claim more than
a sheet of its layout can hold is one problem (``file-too-large``), found before any of that
work is done, never an exhausted memory.
"""

from __future__ import annotations

import re
from pathlib import Path

from xlsxsheet.core.errors import WorkbookError

__all__ = [
    "MAX_BODY_ROWS",
    "MAX_MERGED_CELLS",
    "check_body_rows",
    "check_merged_cells",
    "check_merges",
]

MAX_BODY_ROWS = 5_000  # sheet rows of one records body (the largest real one has a few hundred)
MAX_MERGED_CELLS = 100_000  # cells under the merged ranges of one sheet: openpyxl (fix) takes
# about 4 s per 100,000 (an object each); a template merges a few thousand

_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"')


def check_body_rows(path: Path, table: str, rows: int) -> None:
    """Refuse a records body whose name claims more than MAX_BODY_ROWS rows."""
    if rows > MAX_BODY_ROWS:
        raise WorkbookError(
            str(path),
            "file-too-large",
            f"{path.name} の表 {table} の範囲(名前 xs_{table.replace('.', '_')}_rows)が"
            f" {rows:,} 行あり、上限の {MAX_BODY_ROWS:,} 行を超えています。"
            "名前の範囲が表の外まで広がっていないか、[数式] → [名前の管理] で確かめてください。",
        )


def check_merges(path: Path, part: str, data: bytes) -> None:
    """Refuse a sheet part whose merged ranges cover more than MAX_MERGED_CELLS cells."""
    if b"<mergeCell " not in data:
        return
    total = 0
    for l1, d1, l2, d2 in _MERGE.findall(data, data.rfind(b"</sheetData>") + 1):
        if not l2:
            continue
        rows = abs(int(d2) - int(d1)) + 1
        cols = abs(_column(l2) - _column(l1)) + 1
        total += rows * cols
    if total > MAX_MERGED_CELLS:
        raise _too_many(path, f"シート(部品 {part})", total)


def check_merged_cells(path: Path, sheet: str, ranges: list[tuple[int, int, int, int]]) -> None:
    """check_merges for ranges a reader has parsed (0-based, first cell first)."""
    total = sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in ranges)
    if total > MAX_MERGED_CELLS:
        raise _too_many(path, f"シート「{sheet}」", total)


def _too_many(path: Path, where: str, total: int) -> WorkbookError:
    return WorkbookError(
        str(path),
        "file-too-large",
        f"{path.name} の{where}の結合セルが合わせて {total:,} セルあり、"
        f"上限の {MAX_MERGED_CELLS:,} セルを超えています。"
        "シート全体や列全体の結合を解除して保存し直してください。",
    )


def _column(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col
