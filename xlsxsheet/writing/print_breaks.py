"""Manual page breaks of a template's printout, from its layout's `print: {break_before: […]}`.

A layout names the row a new printed page starts at by the text it begins with (a heading:
`3 総事業費`), so a table prints on one page with its header instead of being split from it.
"""

from __future__ import annotations

from xlsxsheet.core.errors import LayoutError
from xlsxsheet.plan.workbook_plan import SheetPlan


def page_break_rows(sheet_plan: SheetPlan, layout_file: str) -> list[int]:
    """The 0-based rows a new page starts at: for each `break_before` text, the first row
    with a cell whose text starts with it; LayoutError (naming `layout_file`) when no row does."""
    wanted = sheet_plan.definition.print.break_before
    rows = []
    for text in wanted:
        found = sorted(c.row for c in sheet_plan.cells if c.text and c.text.startswith(text))
        if not found:
            raise LayoutError(
                layout_file,
                f"シート「{sheet_plan.definition.name}」の print.break_before",
                f"「{text}」で始まるセルがシートにありません",
                "改ページしたい見出しの書き出しの文字を書いてください",
            )
        if found[0] > 0:
            rows.append(found[0])
    return sorted(set(rows))
