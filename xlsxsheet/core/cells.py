"""A1 addresses and the plain cell record the readers yield."""

from __future__ import annotations

import re
from functools import lru_cache
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


@lru_cache(maxsize=16)
def covered_cells(ranges: tuple[tuple[int, int, int, int], ...]) -> frozenset[tuple[int, int]]:
    """The cells inside merged ranges (0-based, inclusive) other than each one's first: they
    hold nothing. Returns of one template share their ranges: worked out once for them all (the
    reader asks first, the binding then for the same ranges)."""
    return frozenset(
        (r, c)
        for r1, c1, r2, c2 in ranges
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
        if r != r1 or c != c1
    )


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
