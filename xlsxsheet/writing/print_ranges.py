"""The print area and the rows repeated on each page of a sheet of a template, as its plan
lays them out: the whole sheet (every row and column of the plan), and the layout's
`print.repeat_rows` at the top of each page."""

from __future__ import annotations

from xlsxsheet.core.cells import column_letter
from xlsxsheet.plan.model import SheetPlan


def print_area(sheet_plan: SheetPlan) -> str:
    """`$A$1:$P$120`: from A1 to the plan's last row and column (`$A$1` for a one-cell sheet)."""
    last_row, last_col = max(sheet_plan.rows - 1, 0), sheet_plan.definition.width - 1
    first, last = "$A$1", f"${column_letter(last_col)}${last_row + 1}"
    return first if first == last else f"{first}:{last}"


def print_titles(sheet_plan: SheetPlan) -> str | None:
    """`$1:$3`: the rows repeated at the top of each printed page, if the layout has any."""
    repeat = sheet_plan.definition.print.repeat_rows
    return f"$1:${repeat}" if repeat else None
