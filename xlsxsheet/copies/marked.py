"""The copy sent back to a department: problem cells marked (fill + comment), values untouched.

Beside fixer.py, in the same marking style; where fix corrects cells, this only points at them,
and lists every problem (those with no cell too) on a sheet 点検結果 added after the return's
own sheets (so no sheet index moves). Like the corrected copy, a patch of the return's package.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from xlsxsheet.checks.base import show_value
from xlsxsheet.copies.department_words import for_department
from xlsxsheet.copies.workbook_copy import (
    CellEdit,
    CopyResult,
    TableSheet,
    patched_copy,
    refuse_source,
    write_copy,
)
from xlsxsheet.core.copy_sheets import RESULT_SHEET
from xlsxsheet.core.errors import XlsxsheetError
from xlsxsheet.core.problems import SEVERITY_WORDS, Problem, without_place
from xlsxsheet.core.safe_write import check_target

MARKED = ("error", "warning")
FILLS = {"error": "FFFFC7CE", "warning": "FFFFEB9C"}
RESULT_HEADER = ("No.", "重要度", "シート", "セル", "項目", "内容", "入力値", "期待値")
# printed one page wide, landscape A4, at about 100 %: the long columns wrap (table_sheet)
RESULT_WIDTHS = (5, 7, 14, 7, 22, 52, 14, 14)


def needs_annotation(problems: Iterable[Problem]) -> bool:
    """A return goes back to its department when it has an error or a warning."""
    return any(p.severity in MARKED for p in problems)


def can_annotate(path: Path) -> bool:
    """openpyxl writes .xlsx and .xlsm; a legacy .xls gets no marked copy (the report says why)."""
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")


def try_write_annotated(
    source: Path, problems: list[Problem], out: Path, force: bool = False
) -> Path | None:
    """write_annotated, or None when this one workbook cannot be copied (the batch goes on)."""
    try:
        return write_annotated(source, problems, out, force)
    except (XlsxsheetError, OSError, ValueError, KeyError, IndexError, AssertionError):
        return None


def annotated_name(path: Path) -> str:
    """`施策12.xlsx` → `施策12_点検結果.xlsx` (the macro-enabled suffix kept)."""
    return f"{path.stem}_{RESULT_SHEET}{path.suffix}"


def write_annotated(
    source: Path | bytes, problems: list[Problem], out: Path, force: bool = False
) -> Path:
    """Copy `source` to `out` with each error/warning cell filled and noted, values untouched."""
    refuse_source(source, Path(out))
    check_target(Path(out), force)
    name = "" if isinstance(source, bytes | bytearray) else Path(source).name
    return write_copy(annotated_copy(source, problems, name), Path(out), force)


def annotated_copy(source: Path | bytes, problems: list[Problem], name: str = "") -> CopyResult:
    """The marked copy as bytes: a patch of the return's package (see workbook_copy)."""
    by_cell: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        if problem.severity in MARKED and problem.sheet and problem.cell:
            by_cell.setdefault((problem.sheet, problem.cell), []).append(problem)
    edits = []
    for (sheet, ref), found in by_cell.items():
        worst = "error" if any(p.severity == "error" for p in found) else "warning"
        text = "\n".join(
            f"[{SEVERITY_WORDS[p.severity]}] {for_department(p.message)}" for p in found
        )
        edits.append(CellEdit(sheet, ref, FILLS[worst], text, (300, 40 + 30 * len(found))))
    rows = _result_rows(problems)
    table = TableSheet(
        RESULT_SHEET, rows, _widths(rows), autofilter=True, wrap=tuple(range(len(RESULT_WIDTHS)))
    )
    return patched_copy(source, edits, table, name=name)


def _widths(rows: list[tuple[object, ...]]) -> tuple[float, ...]:
    """RESULT_WIDTHS, the シート column widened to its longest name (「事務事業評価シート」 wrapped
    into two lines in the 14 it had) and the 内容 column narrowed by as much, so the sheet
    still prints one A4 landscape page wide at about 100 %."""
    from xlsxsheet.core.text_width import text_width

    names = [str(row[2]) for row in rows[1:] if row[2]]
    sheet = min(max([RESULT_WIDTHS[2], *(text_width(n) + 1.5 for n in names)]), 30)
    widths = list(RESULT_WIDTHS)
    widths[2], widths[5] = sheet, widths[5] - (sheet - widths[2])
    return tuple(widths)


def _result_rows(problems: list[Problem]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = [RESULT_HEADER]
    for i, p in enumerate((p for p in problems if p.severity in MARKED), start=1):
        rows.append(
            (
                i,
                SEVERITY_WORDS[p.severity],
                p.sheet or "",
                p.cell or "",
                p.label or "",
                for_department(without_place(p.message, p)),  # the place is in its own columns
                show_value(p.value),  # text in the cell: a `=…` never computes in the copy
                show_value(p.expected),
            )
        )
    return rows
