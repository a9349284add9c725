"""Seed 004 (新潟市 進捗管理表) rebuilt line by line as the city's sheet: one text line a row, one
tab a cell, with the extraction's damage repaired by `REPAIRS_004` — an explicit list, per
0-based line, of cell moves (a repair never adds or drops a text: the test checks it).

The sheet's columns: No. | 取組内容 | 事業概要 | 担当課 | 指標 | (目標/実績/評価) | R2 … R8 |
R6の取組状況 | 取組内容への課題とその対応策など.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from seed_workbooks import as_cell, seed_rows

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


def city_004(out: Path, sheet_name: str = "進捗管理表") -> Path:
    """The repaired lines as the city's workbook; a merged `-` once, over its rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name
    rows = seed_rows("004")
    for index, cells in enumerate(rows):
        fixed, merged = repair(cells, REPAIRS_004.get(index, []))
        for c, text in enumerate(fixed):
            if c in merged:
                continue  # the merged cell above covers it: the extraction repeated it
            value = as_cell(text)
            if value is not None:
                sheet.cell(index + 1, c + 1, value)
        for c in merged:
            top = index
            while top > 0 and sheet.cell(top, c + 1).value is None:
                top -= 1
            for rng in list(sheet.merged_cells.ranges):
                if rng.min_col == c + 1 and rng.min_row == top:
                    sheet.unmerge_cells(str(rng))
            sheet.merge_cells(
                start_row=top, start_column=c + 1, end_row=index + 1, end_column=c + 1
            )
    book.save(out)
    return out
