"""A1 addresses and the plain cell record the readers yield."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from openpyxl.utils.escape import unescape

_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
MAX_ROWS = 1_048_576  # rows and columns of a worksheet (Excel 2007 and later)
MAX_COLS = 16_384


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


Range = tuple[int, int, int, int]  # 0-based first row, first column, last row, last column
_LISTED_CELLS = 50_000  # merged cells listed one by one; more are kept as intervals


@lru_cache(maxsize=16)
def covered_cells(ranges: tuple[Range, ...]) -> frozenset[tuple[int, int]] | CoveredCells:
    """The cells inside merged ranges (0-based, inclusive) other than each one's first: they
    hold nothing. Returns of one template share their ranges: worked out once for them all (the
    reader asks first, the binding then for the same ranges).

    A set of cells when the ranges cover at most _LISTED_CELLS cells (every template's), else
    the ranges themselves as intervals (`CoveredCells`), which answer `in` and `&` the same."""
    if sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in ranges) > _LISTED_CELLS:
        return CoveredCells(ranges)
    return frozenset(
        (r, c)
        for r1, c1, r2, c2 in ranges
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
        if r != r1 or c != c1
    )


class CoveredCells:
    """The cells merged ranges hide, as intervals: `(row, col) in covered`, `cells & covered`,
    with memory by the number of ranges, not of cells (one range may cover the whole sheet)."""

    _ROWS = 1024  # rows per bucket of the index

    def __init__(self, ranges: tuple[Range, ...]) -> None:
        self.ranges = tuple(ranges)
        self._buckets: dict[int, list[Range]] = {}
        for found in self.ranges:
            first, last = found[0] // self._ROWS, found[2] // self._ROWS
            if last - first > 4096:  # wider than any sheet: refused before it gets here
                raise ValueError("merged range past the last row")
            for bucket in range(first, last + 1):
                self._buckets.setdefault(bucket, []).append(found)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        row, col = key
        for r1, c1, r2, c2 in self._buckets.get(row // self._ROWS, ()):
            if r1 <= row <= r2 and c1 <= col <= c2 and (row != r1 or col != c1):
                return True
        return False

    def __and__(self, other: object) -> frozenset[tuple[int, int]]:
        if not isinstance(other, set | frozenset | type({}.keys())):
            return NotImplemented
        return frozenset(key for key in other if key in self)

    __rand__ = __and__

    def __bool__(self) -> bool:
        return any((r2 - r1) or (c2 - c1) for r1, c1, r2, c2 in self.ranges)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CoveredCells) and other.ranges == self.ranges

    def __hash__(self) -> int:
        return hash(self.ranges)


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


_SURROGATE = re.compile("[\ud800-\udfff]")


def whole_characters(text: str) -> str:
    """`text` with surrogate pairs joined and lone surrogates (_xD800_ in a cell) replaced by
    U+FFFD: no writer (xlsxwriter, UTF-8 files) can write a lone surrogate."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def unescape_text(text: str) -> str:
    """A cell text with OOXML's _xHHHH_ escapes turned into characters (as openpyxl does),
    lone surrogates replaced (see whole_characters)."""
    return whole_characters(unescape(text))
