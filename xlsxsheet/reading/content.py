"""What a reader yields: a workbook's plain cells, defined names, metadata and sheet facts.

Both readers (workbook_reader's openpyxl and calamine paths, and fast_reader) return a
`WorkbookContent`; nothing here knows a layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsxsheet.core.cells import MAX_COLS, MAX_ROWS, RawCell, parse_a1

_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::.*)?$")


@dataclass(frozen=True)
class NameTarget:
    """Where a defined name points: a sheet and a cell, or nowhere (broken, e.g. #REF!)."""

    name: str
    text: str
    sheet: str | None
    row: int | None
    col: int | None

    @property
    def broken(self) -> bool:
        return self.sheet is None


@dataclass
class WorkbookContent:
    """Everything the binder needs from a workbook, with no layout knowledge."""

    path: Path
    sheet_names: list[str]
    sheet_states: dict[str, str]
    names: dict[str, NameTarget]
    metadata: dict[str, str]
    cells: dict[str, dict[tuple[int, int], RawCell]] = field(default_factory=dict)
    merged: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)
    format: str = "xlsx"  # "xlsx" | "xlsm" | "xls" (see safe_open)
    has_macros: bool = False  # a VBA project is present (never loaded, never run)
    protected: dict[str, bool] = field(default_factory=dict)  # sheet -> protection on
    dimensions: dict[str, str] = field(default_factory=dict)  # sheet -> recorded <dimension>
    names_known: bool = True  # False when the format keeps no defined names for us (.xls)
    formulas_known: bool = True  # False when only values could be read (.xls)
    _cached: dict[tuple[str, int, int], Any] | None = field(default=None, repr=False)
    # how the reader that made this gets the saved formula results when first asked
    _results_reader: Callable[[WorkbookContent], dict[tuple[str, int, int], Any]] | None = field(
        default=None, repr=False
    )

    def cell(self, sheet: str, row: int, col: int) -> RawCell:
        return self.cells.get(sheet, {}).get((row, col)) or RawCell(sheet, row, col, None)

    def cached_value(self, sheet: str, row: int, col: int) -> Any:
        """The result the spreadsheet last computed for a formula cell (None if not saved).

        Read on first use only (a second pass over the file), since most workbooks never need it.
        """
        if self._cached is None:
            reader = self._results_reader
            self._cached = reader(self) if self.formulas_known and reader is not None else {}
        return self._cached.get((sheet, row, col))

    def kept_results(self) -> dict[tuple[str, int, int], Any] | None:
        """The saved formula results if the reader kept them while reading (the fast reader
        does), else None — without reading the file again to get them."""
        return self._cached


def parse_name_target(name: str, text: str) -> NameTarget:
    match = _REF.match(text.lstrip("="))
    if not match or "#REF!" in text:
        return NameTarget(name, text, None, None, None)
    sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
    row, col = parse_a1(match.group(3) + match.group(4))
    if not (0 <= row < MAX_ROWS and 0 <= col < MAX_COLS):
        return NameTarget(name, text, None, None, None)  # past the grid: points nowhere
    return NameTarget(name, text, sheet, row, col)
