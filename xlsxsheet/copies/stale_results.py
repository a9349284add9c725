"""The computed cells of a checked return whose recomputed value is not the result the file
saved: only those get a new cached value in the corrected copy, so an unchanged total stays
byte for byte as the department's program wrote it (and is not searched for in the sheet)."""

from __future__ import annotations

from typing import Any

from xlsxsheet.reading.content import WorkbookContent
from xlsxsheet.reading.return_reader import ReadResult


def stale_results(read: ReadResult | None) -> dict[tuple[str, str], object]:
    """The recomputed value of each computed formula cell, by (sheet, A1 cell), left out where
    there is nothing to cache (no value, a value typed over the formula) or where the file
    already holds that result (kept when the reader kept no saved results)."""
    if read is None:
        return {}
    saved = saved_results(read.content)
    found = {}
    cells = read.cells
    for key, value in read.computed.items():
        cell = cells.get(key)
        if cell is None:
            continue
        raw = cell.raw
        if raw.formula is None or value is None or value == "":
            continue
        if saved is not None and same_result(saved.get((raw.sheet, raw.row, raw.col)), value):
            continue
        found[(raw.sheet, cell.address)] = value
    return found


def saved_results(content: WorkbookContent) -> dict[tuple[str, int, int], Any] | None:
    """The saved formula results the reader kept while reading, None where it kept none (the
    openpyxl reader: asking it would read the whole file a second time)."""
    return content.kept_results()


def same_result(saved: object, value: object) -> bool:
    """Whether a saved result already is `value`: numbers as numbers, a truth value only as a
    truth value, text as the same text (an error such as #DIV/0! never: its cell type is "e")."""
    if saved is None or value is None:
        return False
    if isinstance(saved, bool) or isinstance(value, bool):
        return type(saved) is type(value) and saved == value
    if isinstance(saved, int | float) and isinstance(value, int | float):
        return saved == value
    if isinstance(saved, str) and isinstance(value, str):
        return saved == value and not saved.startswith("#")
    return False
