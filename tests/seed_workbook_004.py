"""Seed 004 (新潟市 進捗管理表) rebuilt line by line as the city's sheet: one text line a row, one
tab a cell, with the extraction's damage repaired by `REPAIRS_004` — an explicit list, per
0-based line, of cell moves (a repair never adds or drops a text: the test checks it).

The sheet's columns: No. | 取組内容 | 事業概要 | 担当課 | 指標 | (目標/実績/評価) | R2 … R8 |
R6の取組状況 | 取組内容への課題とその対応策など.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from seed_workbooks import as_cell, full_width, seed_rows

Op = tuple  # ("shift", n) | ("move", from, to) | ("insert", at, n) | ("merged", col) | ("drop", col, text)


def _swap_label_and_dash(first: bool) -> list[Op]:
    """施策④'s rows without 指標: the extraction put the 指標 `-` after the grid label
    (`目標 | -`) and repeats the merged `-` on the 実績 and 評価 rows."""
    ops: list[Op] = [("move", 5, 15), ("move", 4, 5), ("move", 15, 4)]
    return ops if first else [*ops, ("merged", 4)]


REPAIRS_004: dict[int, list[Op]] = {
    # 施策① No.1: the 評価 row of its first 指標 and the 目標 row of its second lost the empty
    # 指標 cell before their label: the row moves right by one
    # …and its 実績 row has one empty cell too many before its years: 109 158 223 are R4 R5 R6
    # (an R6 sheet has no R7 実績)
    8: [("move", 9, 8), ("move", 10, 9), ("move", 11, 10)],
    9: [("shift", 1)],
    10: [("shift", 1)],
    # 施策① No.5's second 指標: 目標 lost the cell before its label only (its years are in
    # place, R3 … R8); its 実績 and 評価 lost it before the label and move right by one
    26: [("move", 4, 5)],
    27: [("shift", 1)],
    28: [("shift", 1)],
    # 施策② No.2's third 指標 (子どもの学習・生活支援事業参加者の高校進学率): its name and label
    # two and three cells to the left, its 実績 and 評価 three cells to the left; its 目標 row
    # holds eight 100s for the six years R3 … R8 (the only repair that drops texts: two 100s)
    50: [("drop", 4, "100"), ("drop", 5, "100"), ("insert", 6, 1), ("move", 2, 5), ("move", 1, 4)],
    51: [("insert", 3, 3), ("move", 2, 5)],
    52: [("insert", 4, 3), ("move", 2, 5)],
    # 施策② (the 新潟地域若者サポートステーション row): the row lost two cells before its 事業概要
    53: [("move", 3, 5), ("move", 2, 4), ("move", 1, 3), ("move", 0, 2)],
    54: [("move", 3, 5)],
    55: [("move", 3, 5)],
    # pages whose heading row lost the empty cell over the grid label (R2 … R8 one to the
    # left), and their 取組 without 指標, which lost one cell after the label
    61: [("insert", 5, 1)],
    62: [("insert", 6, 1)],
    67: [("insert", 5, 1)],
    68: [("insert", 6, 1)],
    71: [("insert", 6, 1)],
    91: [("insert", 5, 1)],
    92: [("insert", 6, 1)],
    95: [("insert", 6, 1)],
    100: [("insert", 5, 1)],
    # 施策④ No.1's rows without 指標 under that heading lost the cell before their 事業概要
    **{line: [("shift", 1)] for line in range(104, 110)},
    # 施策④, the next page: rows without 指標 (see _swap_label_and_dash)
    **{line: _swap_label_and_dash(line % 3 == 0) for line in (117, 118, 119, 123, 124, 125)},
    **{line: _swap_label_and_dash(line % 3 == 0) for line in (132, 133, 134, 135, 136, 137)},
    # …and those that lost their 事業概要 and 担当課 (No.1's second 住環境政策課 row, No.2's
    # second and third): the label and the `-` two or five cells to the left
    120: [("move", 3, 4), ("move", 2, 5)],
    121: [("move", 3, 4), ("move", 2, 5), ("merged", 4)],
    122: [("move", 3, 4), ("move", 2, 5), ("merged", 4)],
    126: [("move", 13, 14), ("move", 12, 13), ("move", 3, 4), ("move", 2, 5)],
    127: [("move", 3, 4), ("move", 2, 5), ("merged", 4)],
    128: [("move", 3, 4), ("move", 2, 5), ("merged", 4)],
    129: [("move", 11, 14), ("move", 10, 13), ("move", 1, 4), ("move", 0, 5)],
    130: [("move", 1, 4), ("move", 0, 5), ("merged", 4)],
    131: [("move", 1, 4), ("move", 0, 5), ("merged", 4)],
}
# the texts a repair drops (line -> texts): 施策② No.2's third 指標's two extra 100s
DROPPED_004 = {50: ["100", "100"]}


def repair(cells: list[str], ops: list[Op]) -> tuple[list[str], list[int]]:
    """A line's cells after its repairs, and the columns a merged cell above covers."""
    cells, merged = list(cells), []
    for op in ops:
        if op[0] == "shift":
            cells = [""] * op[1] + cells
        elif op[0] == "insert":
            cells = cells[: op[1]] + [""] * op[2] + cells[op[1] :]
        elif op[0] == "move":
            source, target = op[1], op[2]
            cells += [""] * (target + 1 - len(cells))
            assert not cells[target].strip(), (cells, op)
            cells[target], cells[source] = cells[source], ""
        elif op[0] == "merged":
            merged.append(op[1])
        elif op[0] == "drop":
            assert cells[op[1]] == op[2], (cells, op)
            cells[op[1]] = ""
    return cells, merged


# the columns a 取組 shows once and the sheet merges over its rows (No., 取組内容, 事業概要,
# 担当課, R6の取組状況, 課題), and the 指標 name's and the grid label's columns
FILL_DOWN_COLS_004 = (0, 1, 2, 3, 13, 14)
INDICATOR_COL, GRID_LABEL_COL, LAST_COL = 4, 5, 14
_SHORT_YEAR = re.compile(r"^R(\d+)")


def _is_heading(cells: list[str]) -> bool:
    return bool(cells) and cells[0].strip() == "No."


def _is_title(cells: list[str]) -> bool:
    return bool(cells) and cells[0].startswith("施策") and not any(c.strip() for c in cells[1:])


def _table_rows(rows: list[list[str]]) -> set[int]:
    """The rows under a page's heading row, up to the blank row that ends the page."""
    out: set[int] = set()
    inside = False
    for r, cells in enumerate(rows):
        if _is_heading(cells):
            inside = True
        elif not any(c.strip() for c in cells):
            inside = False
        elif inside:
            out.add(r)
    return out


def _cell(cells: list[str], c: int) -> str:
    return cells[c].strip() if c < len(cells) else ""


def _era(text: str) -> str:
    """A heading's year in 令和 words, as a city writes them: R2 → 令和2年度, R6の取組状況 →
    令和6年度の取組状況."""
    return _SHORT_YEAR.sub(lambda m: f"令和{m.group(1)}年度", text.strip(), count=1)


def _spaced(text: str) -> str:
    """A two-character grid label spread with a full-width space (目　標), as sheets align them."""
    return "\u3000".join(text) if len(text) == 2 else text


def _label(text: str, cells: list[str], c: int, full_width_labels: bool, era: bool) -> str:
    """A label cell (a title, a heading, a grid label 目標/実績/評価) as the variation types it."""
    heading, grid_label = (
        _is_heading(cells),
        c == GRID_LABEL_COL and text in ("目標", "実績", "評価"),
    )
    if not (heading or grid_label or _is_title(cells)):
        return text
    if era and heading:
        text = _era(text)
    if full_width_labels:
        text = _spaced(text) if grid_label else full_width(text)
    return text


def city_004(
    out: Path,
    sheet_name: str = "進捗管理表",
    *,
    title_rows: int = 0,
    margin: bool = False,
    cover: bool = False,
    full_width_labels: bool = False,
    era_headings: bool = False,
    numbers_as_text: bool = False,
    merge_labels: bool = False,
) -> Path:
    """The repaired lines as the city's workbook; a merged `-` once, over its rows. The
    variations real sheets have: title rows above, a narrow margin column (方眼紙), a cover
    sheet first, labels typed full-width (`Ｎｏ．`, `Ｒ２`, `目　標`), year headings in 令和
    (`令和2年度`), numbers typed as text, and the label cells merged (`merge_labels`)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name
    if cover:
        sheet.title = "表紙"
        sheet["B3"] = "新潟市地域福祉計画 進捗管理表"
        sheet["B5"] = "令和6年度の取組"
        sheet["B7"] = "新潟市 福祉部 福祉総務課"
        sheet = book.create_sheet(sheet_name)
    top, left = title_rows, (1 if margin else 0)
    if title_rows:
        sheet.cell(1, 1 + left, "新潟市地域福祉計画 進捗管理表(市作成の様式)")
        if title_rows > 2:
            sheet.cell(3, 1 + left, "作成日: 令和7年5月30日")
    rows = [repair(cells, REPAIRS_004.get(i, [])) for i, cells in enumerate(seed_rows("004"))]
    for index, (fixed, merged) in enumerate(rows):
        for c, text in enumerate(fixed):
            if c in merged:
                continue  # the merged cell above covers it: the extraction repeated it
            value = as_cell(text, numbers_as_text)
            if isinstance(value, str):
                value = _label(value, fixed, c, full_width_labels, era_headings)
            if value is not None:
                sheet.cell(top + index + 1, left + c + 1, value)
        for c in merged:
            row = top + index
            while row > top and sheet.cell(row, left + c + 1).value is None:
                row -= 1
            for rng in list(sheet.merged_cells.ranges):
                if rng.min_col == left + c + 1 and rng.min_row == row:
                    sheet.unmerge_cells(str(rng))
            sheet.merge_cells(
                start_row=row,
                start_column=left + c + 1,
                end_row=top + index + 1,
                end_column=left + c + 1,
            )
    if merge_labels:
        _merge_labels(sheet, [fixed for fixed, _ in rows], top, left)
    if margin:
        sheet.column_dimensions["A"].width = 1.5  # 方眼紙: a narrow margin column
    book.save(out)
    return out


def _merge_labels(sheet, rows: list[list[str]], top: int, left: int) -> None:
    """Merge the cells a hand-made 進捗管理表 merges: each 施策 title across the table, the
    `指標` heading over the grid label's column, each 取組 cell (No., 取組内容, 事業概要, 担当課,
    取組状況, 課題) down over its rows, each 指標 name down over its 目標 / 実績 / 評価 rows."""

    def merge(r0: int, c0: int, r1: int, c1: int) -> None:
        if (r1, c1) != (r0, c0):
            sheet.merge_cells(
                start_row=top + r0 + 1,
                start_column=left + c0 + 1,
                end_row=top + r1 + 1,
                end_column=left + c1 + 1,
            )

    def filled(r: int, c: int) -> bool:
        return sheet.cell(top + r + 1, left + c + 1).value is not None

    def covered(r: int, c: int) -> bool:
        row, col = top + r + 1, left + c + 1
        return any(
            g.min_row <= row <= g.max_row and g.min_col <= col <= g.max_col
            for g in sheet.merged_cells.ranges
        )

    table = _table_rows(rows)
    for r, cells in enumerate(rows):
        if _is_title(cells):
            merge(r, 0, r, LAST_COL)
        elif _is_heading(cells):
            merge(r, INDICATOR_COL, r, GRID_LABEL_COL)
    for r in sorted(table):
        for i, c in enumerate(FILL_DOWN_COLS_004):
            if not filled(r, c):
                continue
            end = r
            while (
                end + 1 in table
                and not filled(end + 1, c)
                and not any(filled(end + 1, left_col) for left_col in FILL_DOWN_COLS_004[:i])
            ):
                end += 1
            merge(r, c, end, c)
        if filled(r, INDICATOR_COL) and not covered(r, INDICATOR_COL):
            end = r
            while (
                end + 1 in table
                and not filled(end + 1, INDICATOR_COL)
                and _cell(rows[end + 1], GRID_LABEL_COL) in ("実績", "評価")
            ):
                end += 1
            merge(r, INDICATOR_COL, end, INDICATOR_COL)
