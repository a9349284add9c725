"""The copy sent back to a department: problem cells marked (fill + comment), values untouched.

Beside fixer.py, in the same marking style; where fix corrects cells, this only points at them,
and lists every problem (those with no cell too) on a sheet 点検結果 that opens first.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from xlsxsheet.copies.department_words import for_department
from xlsxsheet.copies.workbook_copy import load_for_copy, save_atomically
from xlsxsheet.core.problems import SEVERITY_WORDS, Problem

RESULT_SHEET = "点検結果"
MARKED = ("error", "warning")
FILLS = {
    "error": PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE"),
    "warning": PatternFill(fill_type="solid", start_color="FFFFEB9C", end_color="FFFFEB9C"),
}
RESULT_HEADER = ("No.", "重要度", "シート", "セル", "項目", "内容", "入力値", "期待値")


def needs_annotation(problems: Iterable[Problem]) -> bool:
    """A return goes back to its department when it has an error or a warning."""
    return any(p.severity in MARKED for p in problems)


def can_annotate(path: Path) -> bool:
    """openpyxl writes .xlsx and .xlsm; a legacy .xls gets no marked copy (the report says why)."""
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")


def try_write_annotated(source: Path, problems: list[Problem], out: Path) -> Path | None:
    """write_annotated, or None when this one workbook cannot be copied (the batch goes on)."""
    try:
        return write_annotated(source, problems, out)
    except Exception:  # a workbook openpyxl cannot rewrite must not stop the other copies
        return None


def annotated_name(path: Path) -> str:
    """`施策12.xlsx` → `施策12_点検結果.xlsx` (the macro-enabled suffix kept)."""
    return f"{path.stem}_{RESULT_SHEET}{path.suffix}"


def write_annotated(source: Path, problems: list[Problem], out: Path) -> Path:
    """Copy `source` to `out` with each error/warning cell filled and commented."""
    book = load_for_copy(Path(source), Path(out))
    by_cell: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        if problem.severity in MARKED and problem.sheet in book.sheetnames and problem.cell:
            by_cell.setdefault((problem.sheet, problem.cell), []).append(problem)
    for (sheet, ref), found in by_cell.items():
        cell = book[sheet][ref]
        worst = "error" if any(p.severity == "error" for p in found) else "warning"
        cell.fill = FILLS[worst]
        text = "\n".join(
            f"[{SEVERITY_WORDS[p.severity]}] {for_department(p.message)}" for p in found
        )
        if cell.comment is not None and cell.comment.text:
            text += f"\n---\n{cell.comment.text}"
        comment = Comment(text, "xlsxsheet")
        comment.width, comment.height = 360, 40 + 30 * len(found)
        cell.comment = comment
    _result_sheet(book, problems)
    return save_atomically(book, Path(out))


def _result_sheet(book: openpyxl.Workbook, problems: list[Problem]) -> None:
    name, n = RESULT_SHEET, 2
    while name in book.sheetnames:
        name, n = f"{RESULT_SHEET}({n})", n + 1
    sheet = book.create_sheet(name, 0)
    sheet.append(RESULT_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    shown = [p for p in problems if p.severity in MARKED]
    for i, p in enumerate(shown, start=1):
        sheet.append(
            [
                i,
                SEVERITY_WORDS[p.severity],
                p.sheet or "",
                p.cell or "",
                p.label or "",
                for_department(p.message),
                _as_text(p.value),
                _as_text(p.expected),
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        row[5].alignment = Alignment(wrap_text=True, vertical="top")
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # shown as typed, never computed
    for letter, width in zip("ABCDEFGH", (5, 8, 22, 8, 36, 80, 20, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:H{max(1, len(shown) + 1)}"
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True
    book.active = 0


def _as_text(value: object) -> str:
    """Values as text, so a quoted formula or a `=…` string never computes in the copy."""
    if value is None:
        return ""
    return str(value)
