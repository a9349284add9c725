"""Seed 002 (国立市 基本計画 基本施策12) rebuilt as the city's own 基本計画 sheet.

The seed is a PDF's text: no tabs, and the text of a cell wraps over several lines. Each line
is a row of one cell, except the two indicator tables, which `REPAIRS_002` gives as the sheet
has them: the heading row (目標値 over its two years `Ｈ31年` / `Ｈ35年` on the row below)
and one row per indicator, its wrapped lines joined, a cell a column. The indicator rows have
no labels: they are the 展開方向's indicators in order (ア, イ) under its heading
`＜展開方向１：…＞`. A repair only joins the replaced lines' text into cells (the test checks
that the characters are the seed's, in order).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from seed_workbooks import as_cell, seed_lines

HEADINGS_002 = [
    ["指標名", "単位", "指標の説明又は出典元", "実績値", "目標値", ""],
    ["", "", "", "", "Ｈ31年", "Ｈ35年"],
]

# 0-based seed lines replaced by the rows the sheet has
TABLES_002: dict[tuple[int, int], list[list[str]]] = {
    (111, 152): [
        *HEADINGS_002,
        [
            "福祉活動に取り組んでいる市民の割合",
            "％",
            "国立市市民意識調査",
            "13.6\n(Ｈ26 年)",
            "14.5",
            "16.0",
        ],
        [
            "支援団体等において支え合いの地域づくりと自立支援の推進を行っている人数",
            "人",
            "国立市社会福祉協議会の会員数と民生・児童委員、赤十字奉仕団、保護司会、戦没者遺族会、"
            "高齢者見守りネットワーク、避難行動要支援者避難行動支援事業の支援者の人数の合計",
            "3,413\n(Ｈ26 年)",
            "3,600",
            "3,900",
        ],
    ],
    (192, 221): [
        *HEADINGS_002,
        [
            "市が福祉的な困りごとの相談や支援を充分に行っていると思う市民の割合",
            "％",
            "国立市市民意識調査",
            # one cell across 実績値 and 目標値 (merged D:F), as the plan writes it
            "平成 28(2016)年度中に実績値を把握し、目標設定予定。",
        ],
        [
            "生活に困窮している市民から相談を受け、就労支援によって就職につながった割合",
            "％",
            "同左",
            "67.4\n(Ｈ26 年)",
            "70.0",
            "73.0",
        ],
    ],
}


def rows_002() -> list[list[str]]:
    """The sheet's rows: the seed's lines, the indicator tables as `TABLES_002` has them."""
    lines = seed_lines("002")
    rows: list[list[str]] = []
    at = 0
    for (first, last), table in sorted(TABLES_002.items()):
        rows += [[line] for line in lines[at:first]]
        rows += [list(r) for r in table]
        at = last + 1
    rows += [[line] for line in lines[at:]]
    return rows


def city_002(out: Path, *, merge: bool = True, cover: bool = False) -> Path:
    """Write the sheet (目標値 merged over its two years, 2ア's sentence over D:F)."""
    book = openpyxl.Workbook()
    sheet = book.active
    if cover:
        sheet.title = "表紙"
        sheet["B3"] = "国立市基本計画 第5期"
        sheet = book.create_sheet("基本施策12")
    else:
        sheet.title = "基本施策12"
    for r, cells in enumerate(rows_002(), start=1):
        for c, text in enumerate(cells, start=1):
            value = as_cell(text)
            if value is not None:
                sheet.cell(r, c, value)
        if merge and cells[:5] == HEADINGS_002[0][:5]:
            sheet.merge_cells(start_row=r, start_column=5, end_row=r, end_column=6)
        if merge and len(cells) == 4 and cells[3].startswith("平成 28"):
            sheet.merge_cells(start_row=r, start_column=4, end_row=r, end_column=6)
    book.save(out)
    return out
