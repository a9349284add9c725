"""Write the corrected copy: changed cells marked (fill + note) and listed on 修正履歴.

The copy is a patch of the department's package (workbook_copy): only the changed cells, their
notes, the appended styles and the new 修正履歴 sheet differ from the return; Excel recalculates
it on open.
"""

from __future__ import annotations

from pathlib import Path

from xlsxsheet.checks.pipeline import CheckResult
from xlsxsheet.copies.stale_results import stale_results
from xlsxsheet.copies.workbook_copy import (
    CachedResult,
    CellEdit,
    CopyResult,
    TableSheet,
    patched_copy,
    refuse_source,
    write_copy,
)
from xlsxsheet.core.changes import Change
from xlsxsheet.core.copy_sheets import HISTORY_SHEET
from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.core.safe_write import check_target
from xlsxsheet.reading.safe_open import SAVE_AS_XLSX

CHANGED_FILL = "FFF4B183"
HISTORY_HEADER = ("No.", "シート", "セル", "項目", "旧値", "新値", "規則", "説明", "コード")
# printed one page wide, landscape A4, at about 100 %: the long columns wrap (table_sheet)
HISTORY_WIDTHS = (5, 13, 7, 22, 15, 15, 16, 30, 17)


def write_fixed(
    checked: CheckResult, out: Path, force: bool = False, source: Path | bytes | None = None
) -> Path:
    """Apply every change of `checked` to a copy of its workbook at `out` (input untouched).

    `source`: the workbook's bytes when they are not at `checked.path` (the web upload).
    """
    source = checked.path if source is None else source
    out = Path(out)
    refuse_source(source, out)
    check_target(out, force)
    return write_copy(fixed_copy(checked, source), out, force)


def fixed_copy(checked: CheckResult, source: Path | bytes | None = None) -> CopyResult:
    """The corrected copy as bytes (see write_fixed). A return of another year than the one
    checked for (year-mismatch) gets none: WorkbookError with that error's message, as `fix`
    said before such a return was read."""
    if checked.read is not None and checked.read.content.format == "xls":
        raise WorkbookError(
            str(checked.path),
            "legacy-xls",
            f"{checked.path.name} は古い形式(.xls)のため修正版を作れません。{SAVE_AS_XLSX}",
        )
    other_year = next((p for p in checked.problems if p.code == "year-mismatch"), None)
    if other_year is not None:  # last year's sheet: to send back, not to correct for this year
        raise WorkbookError(str(checked.path), other_year.code, other_year.message)
    cached = _results(checked)
    edits = [_edit(change, cached) for change in checked.changes]
    table = TableSheet(
        HISTORY_SHEET,
        _history_rows(checked.changes),
        HISTORY_WIDTHS,
        wrap=tuple(range(len(HISTORY_WIDTHS))),
    )
    stale = stale_results(checked.read)
    results = [CachedResult(sheet, ref, value) for (sheet, ref), value in stale.items()]
    return patched_copy(
        checked.path if source is None else source,
        edits,
        table,
        recalc=True,
        name=checked.path.name,
        results=results,
    )


def _results(checked: CheckResult) -> dict[tuple[str, str], object]:
    """The recomputed value of each computed cell whose formula a change restores, by (sheet,
    A1 cell): its cached result in the copy, so that a reader that does not calculate sees it."""
    read = checked.read
    wanted = {(c.sheet, c.cell) for c in checked.changes if c.formula}
    if read is None or not wanted:
        return {}
    found = {}
    for key, value in read.computed.items():
        cell = read.cells.get(key)
        if cell is not None and (cell.sheet, cell.address) in wanted:
            found[(cell.sheet, cell.address)] = value
    return found


def _edit(change: Change, cached: dict[tuple[str, str], object]) -> CellEdit:
    note = change.comment()
    size = (240, 80)
    if change.formula and isinstance(change.new, str) and change.new.startswith("="):
        return CellEdit(
            change.sheet,
            change.cell,
            CHANGED_FILL,
            note,
            size,
            value=None,
            formula=change.new[1:],
            cached=cached.get((change.sheet, change.cell)),
        )
    return CellEdit(change.sheet, change.cell, CHANGED_FILL, note, size, value=change.new)


def _history_rows(changes: list[Change]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = [HISTORY_HEADER]
    for i, change in enumerate(changes, start=1):
        rows.append(
            (
                i,
                change.sheet,
                change.cell,
                change.label,
                _text(change.old),
                _text(change.new),
                change.rule_title,
                change.reason,
                change.rule,  # the code, last: as the check report's コード column shows it
            )
        )
    if not changes:
        rows.append(("", "", "", "", "", "", "", "修正はありませんでした", ""))
    return rows


def _text(value: object) -> object:
    """History cells hold text for formulas so they show, not compute."""
    if isinstance(value, str) and value.startswith("="):
        return f"式 {value}"
    return "(空欄)" if value is None else value
