"""A1 addresses and the plain cell record the readers yield."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def column_letter(col: int) -> str:
    """0-based column index to letters: 0 → A, 26 → AA."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """0-based (row, col) to an A1 address."""
    return f"{column_letter(col)}{row + 1}"


def parse_a1(ref: str) -> tuple[int, int]:
    """An A1 address (with or without $) to 0-based (row, col)."""
    match = _A1.match(ref.upper())
    if not match:
        raise ValueError(f"not an A1 address: {ref!r}")
    letters, digits = match.groups()
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return int(digits) - 1, col - 1


class RawCell(NamedTuple):
    """What a workbook holds at one cell: the value, and the formula text if any.

    A named tuple, not a frozen dataclass: a reader makes one for every cell of every return,
    and a tuple is made five times faster.
    """

    sheet: str
    row: int
    col: int
    value: Any
    formula: str | None = None

    @property
    def address(self) -> str:
        return a1(self.row, self.col)
