"""Write the corrected copy: changed cells marked (fill + comment) and listed on 修正履歴."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from xlsxsheet.checks.pipeline import CheckResult
from xlsxsheet.copies.workbook_copy import load_for_copy, save_atomically
from xlsxsheet.core.changes import Change
from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.reading.safe_open import SAVE_AS_XLSX

HISTORY_SHEET = "修正履歴"
CHANGED_FILL = PatternFill(fill_type="solid", start_color="FFF4B183", end_color="FFF4B183")
HISTORY_HEADER = ("No.", "シート", "セル", "項目", "旧値", "新値", "規則", "説明")


def write_fixed(checked: CheckResult, out: Path) -> Path:
    """Apply every change of `checked` to a copy of its workbook at `out` (input untouched)."""
    source = checked.path.resolve()
    out = Path(out)
    if checked.read is not None and checked.read.content.format == "xls":
        raise WorkbookError(
            str(checked.path),
            "legacy-xls",
            f"{checked.path.name} は古い形式(.xls)のため修正版を作れません。{SAVE_AS_XLSX}",
        )
    book = load_for_copy(source, out)
    for change in checked.changes:
        _apply(book[change.sheet], change)
    _history(book, checked.changes)
    return save_atomically(book, out)


def _apply(sheet: Worksheet, change: Change) -> None:
    cell = sheet[change.cell]
    cell.value = change.new
    cell.fill = CHANGED_FILL
    comment = Comment(change.comment(), "xlsxsheet")
    comment.width, comment.height = 320, 110
    cell.comment = comment


def _history(book: openpyxl.Workbook, changes: list[Change]) -> None:
    name = HISTORY_SHEET
    n = 2
    while name in book.sheetnames:
        name = f"{HISTORY_SHEET}({n})"
        n += 1
    sheet = book.create_sheet(name)
    sheet.append(HISTORY_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, change in enumerate(changes, start=1):
        sheet.append(
            [
                i,
                change.sheet,
                change.cell,
                change.label,
                _text(change.old),
                _text(change.new),
                change.rule,
                change.reason,
            ]
        )
    if not changes:
        sheet.append(["", "", "", "", "", "", "", "修正はありませんでした"])
    for letter, width in zip("ABCDEFGH", (5, 22, 8, 40, 24, 24, 20, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _text(value: object) -> object:
    """History cells hold text for formulas so they show, not compute."""
    if isinstance(value, str) and value.startswith("="):
        return f"式 {value}"
    return "(空欄)" if value is None else value
