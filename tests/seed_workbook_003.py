"""Seed 003 (狛江市 進捗管理シート, 第1章) rebuilt line by line as the city's workbook: one text
line a row, one tab a cell, numbers as numbers, the extraction's damage repaired by
`REPAIRS_003` — an explicit list, per 0-based line, of cell moves (the ops of
tests/seed_workbook_004.py: a repair never adds or drops a text; the test checks it).

Two sheets, one per 進捗管理シート, the seed's lines in order (each page: its headings, the
heading rows of its 施策, its 事業):

- 地域福祉計画 (lines 111–162): 基本目標 | 大 | 小 | 事業 (no heading) | Plan | 担当課 | 頁 | 指標 |
  Do | Check | Act — `施策` over 大 and 小 (and the 事業 column) in the first heading row;
- 重層的支援体制整備事業実施計画 (lines 180–251): 大 | 中 | 小 | Plan | 担当課 | 頁 | 指標 | Do |
  Check | Act — the Plan heading over 大, 中, 小 and Plan in the first heading row (merged),
  大 中 小 in the second.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from seed_workbook_004 import Op, repair
from seed_workbooks import as_cell, full_width, seed_rows

# the seed's lines of each sheet (0-based, inclusive)
SHEETS_003 = {
    "地域福祉計画": (111, 162),
    "重層的支援体制整備事業実施計画": (180, 251),
}
# the first heading row of the 重層 pages: its Plan heading is merged over its first four
# columns (大 | 中 | 小 | Plan), as the empty cells after it in the text say
JUSO_PLAN_HEADING = 4

# --- 地域福祉計画: every page heading lost one empty cell of `施策` (over 大, 小 and 事業) ------
_CHIIKI_HEADINGS = (113, 120, 127, 134, 141, 148, 157)
# a 事業 row whose 事業 code (a, b) landed in the 大 column and its Plan beside it: the row
# lost the 小 and 事業 cells before its Plan
_JIGYO_LOST_TWO: list[Op] = [("insert", 1, 2)]
# a 事業 row that lost the empty 小 cell (its Plan … one to the left) and whose code landed
# in the 大 column: an empty cell before the Plan, the code two to the right
_JIGYO_CODE_LEFT: list[Op] = [("insert", 2, 1), ("move", 1, 3)]

REPAIRS_003: dict[int, list[Op]] = {
    **{line: [("insert", 2, 1)] for line in _CHIIKI_HEADINGS},
    # 1-(1)-①: the 小 row lost the 基本目標 cell (code, name and Check one to the left); its
    # 事業 a lost the 小 and 事業 cells before its Plan
    117: [("shift", 1)],
    118: _JIGYO_LOST_TWO,
    # 1-(2)-①: the 小's code and name (one cell) one to the right, its Check one to the left
    124: [("move", 8, 9), ("move", 3, 2)],
    125: _JIGYO_CODE_LEFT,
    # 1-(2)-① 再掲, 1-(2)-③: the 小's Check one to the left
    131: [("move", 8, 9)],
    132: _JIGYO_CODE_LEFT,
    138: [("move", 8, 9)],
    139: _JIGYO_CODE_LEFT,
    # 1-(2)-③ 再掲: the 小 (one cell) one to the right, its Check two to the left
    145: [("move", 7, 9), ("move", 3, 2)],
    146: _JIGYO_CODE_LEFT,
    # 2-(3)-①: the 小's Check one to the left; 事業 a, then two more Do / Act of it (its other
    # cells shown once, on its first row) one to the left
    152: [("move", 8, 9)],
    153: _JIGYO_CODE_LEFT,
    154: [("shift", 1)],
    155: [("shift", 1)],
    # 3-(1)-①: the 小 (one cell) in place, its Check one to the left; 事業 b as 1-(1)'s a,
    # with one empty cell too many before its Act
    161: [("move", 8, 9)],
    162: [*_JIGYO_LOST_TWO, ("move", 11, 10)],
}

# --- 重層的支援体制整備事業実施計画 ---------------------------------------------------------
# a 中 row `(1) 重層的…` (the code and the 事業 in one cell) landed in the 大 column
_CHU_LEFT: list[Op] = [("move", 0, 1)]
# a 小 row (ア, イ…) that lost the empty 中 cell before it, and has one empty cell too many
# between its Do and its Act
_SHO_ROW: list[Op] = [("shift", 1), ("move", 10, 9)]
# a 中 row (`(1)` | Plan) that lost the empty 小 cell, and one cell too many before its Act
_CHU_ROW_LOST_SHO: list[Op] = [("insert", 2, 1), ("move", 10, 9)]
# a 中 row whose Plan landed in the 小 column (the 担当課 … in place)
_CHU_PLAN_LEFT: list[Op] = [("move", 2, 3)]

REPAIRS_003.update(
    {
        # 1 普及啓発, 2, 3: 中 rows with their 事業 in one cell, then its 小 rows
        185: _CHU_LEFT,
        186: _SHO_ROW,
        187: _CHU_LEFT,
        **{line: _SHO_ROW for line in (188, 189, 190)},
        195: _CHU_LEFT,
        196: _SHO_ROW,
        198: _CHU_LEFT,
        199: _SHO_ROW,
        200: _SHO_ROW,
        # 4 包括的相談支援事業の実施
        205: _CHU_ROW_LOST_SHO,
        206: _CHU_ROW_LOST_SHO,
        # 4 (再掲): the 中 code in the 大 column, its Plan in the 中 column
        211: [("move", 1, 3), ("move", 0, 1)],
        212: [("move", 1, 3), ("move", 0, 1)],
        # 5 地域づくり事業の実施: (1)–(4) lost the empty 小 cell (after it, (1)'s Check `/`
        # and the rest in place)
        **{line: [("insert", 2, 1)] for line in (217, 218, 219, 220)},
        # 5 (再掲): (5)'s Plan in the 小 column; (6) ア, (6) イ, (8) in place
        225: _CHU_PLAN_LEFT,
        # 6, 7, 8: Plan in the 小 column
        **{line: _CHU_PLAN_LEFT for line in (237, 238, 239, 244, 245, 250, 251)},
    }
)

_PARAGRAPH = re.compile(r"</p>\s*<p>")


def paragraphs(text: str) -> str:
    """A cell's paragraphs as the city typed them: the extraction wrote a cell of several
    paragraphs as HTML (`<p>…</p> <p>…</p>`); in the sheet they are lines of one cell."""
    if not text.startswith("<p>") or not text.rstrip().endswith("</p>"):
        return text
    inner = text.strip()[3:-4]
    return "\n".join(part.strip() for part in _PARAGRAPH.split(inner))


def sheet_rows(name: str) -> list[list[str]]:
    """The repaired lines of one sheet, as text cells."""
    first, last = SHEETS_003[name]
    rows = seed_rows("003")
    return [repair(rows[i], REPAIRS_003.get(i, []))[0] for i in range(first, last + 1)]


def heading_rows(name: str) -> set[int]:
    """The rows (0-based, of the sheet) of each page's two heading rows."""
    rows = sheet_rows(name)
    return {
        r + k
        for r, cells in enumerate(rows)
        if cells and cells[0].startswith(("基本 目標", "重層的支援体制整備事業実施計画"))
        for k in (0, 1)
    }


def _is_label(row: int, headings: set[int]) -> bool:
    """A label the import matches by: a page's headings and the sheet's title. (The codes
    `1`, `(1)`, `①`, `a`, `ア` are values, kept as typed, as reading keeps them.)"""
    return row in headings or row == 0


def city_003(
    out: Path,
    *,
    title_rows: int = 0,
    margin: bool = False,
    cover: bool = False,
    full_width_labels: bool = False,
    numbers_as_text: bool = False,
) -> Path:
    """The two 進捗管理シート as the city's workbook, with the variations real sheets have:
    title rows above, a narrow margin column (方眼紙), a cover sheet first, labels typed
    full-width, numbers typed as text."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    if cover:
        front = book.create_sheet("表紙")
        front["B3"] = "あいとぴあレインボープラン 進捗管理"
        front["B5"] = "令和5年度報告書"
        front["B7"] = "狛江市 福祉保健部 福祉政策課"
    top, left = title_rows, (1 if margin else 0)
    for name in SHEETS_003:
        sheet = book.create_sheet(name)
        if title_rows:
            sheet.cell(1, 1 + left, "狛江市 進捗管理シート(市作成の様式)")
        headings = heading_rows(name)
        for r, cells in enumerate(sheet_rows(name)):
            for c, text in enumerate(cells):
                value = as_cell(paragraphs(text), numbers_as_text)
                if value is None:
                    continue
                if full_width_labels and isinstance(value, str) and _is_label(r, headings):
                    value = full_width(value)
                sheet.cell(top + r + 1, left + c + 1, value)
            if name != "地域福祉計画" and r in headings and cells[0].startswith("重層的"):
                sheet.merge_cells(
                    start_row=top + r + 1,
                    start_column=left + 1,
                    end_row=top + r + 1,
                    end_column=left + JUSO_PLAN_HEADING,
                )
        if margin:
            sheet.column_dimensions["A"].width = 1.5
    book.save(out)
    return out
