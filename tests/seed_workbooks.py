"""The seeds rebuilt as a city's own workbook: one text line a row, one tab a cell, numbers as
numbers where they look like numbers (openpyxl) — and the variations real sheets have.

Where the text extraction lost cells (empty cells dropped, so a row's values shifted left; a
merged label kept only once), `REPAIRS_000` gives the row as the sheet has it. A repair may only
move cells and restore the labels listed in `RESTORED_000` (tests/test_label_import.py checks
that), so every value still comes from the seed's text.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import openpyxl

_HERE = Path(__file__).resolve()
# ../shared/seeds beside the repository (a worktree sits one level deeper), or $XLSXSHEET_SEEDS
SEEDS = next(
    (
        p
        for p in (
            Path(os.environ.get("XLSXSHEET_SEEDS", "/nonexistent")),
            _HERE.parents[2] / "shared" / "seeds",
            _HERE.parents[3] / "shared" / "seeds",
        )
        if p.is_dir()
    ),
    _HERE.parents[2] / "shared" / "seeds",
)

_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$")

YEARS_000 = ("H28", "H29", "H30", "R1", "R2", "R3", "R4", "R5", "R9")


def seed_lines(prefix: str) -> list[str]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8").split("\n")


def _row(labels: list[str], unit: str = "", judge: tuple[str, str] = ("", ""), **years: str):
    """A row of seed 000's 実績推移 table: 4 label columns, 単位, 9 year columns, 2 judgements."""
    cells = [*labels, *[""] * (4 - len(labels)), unit]
    cells += [years.get(y, "") for y in YEARS_000]
    return [*cells, *judge]


def _series(*values: str, start: str = "H28") -> dict[str, str]:
    first = YEARS_000.index(start)
    return {y: v for y, v in zip(YEARS_000[first:], values, strict=False) if v != ""}


# seed 000 lines 49–93 (0-based), the 実績推移 table, as the sheet has it
REPAIRS_000: dict[int, list[str]] = {
    49: ["", "", "", "数値区分", "単位", *[f"{y}年度" for y in YEARS_000], "目標達成度", ""],
    50: _row(["対象指標", "ア", "見込み値"], judge=("目標達成度", "")),
    51: _row(["", "", "実績値"], **_series("75,054", "75,466", "75,932", "75,984", "76,423")),
    52: _row(["", "イ", "見込み値"], judge=("達成・未達成", "前年度比較")),
    53: _row(["", "", "実績値"], **_series("73", "73", "73", "71", "71")),
    54: _row(["", "ウ", "見込み値"]),
    55: _row(["", "", "実績値"], **_series("67", "75", "71", "68", "63")),
    56: _row(["成果指標", "展開方向1", "ア", "成り行き値"], judge=("未達成", "低下")),
    57: _row(
        ["", "", "", "目標値"],
        **_series("13.4", "13.7", "14.1", "14.5", "14.9", "15.3", "15.7", "16.0", "18.0"),
    ),
    58: _row(["", "", "", "実績値"], **_series("13.4", "14.2", "12.7", "13.0", "12.8")),
    59: _row(["", "", "", "基本計画における指標の説明又は出典元"], unit="国立市市民意識調査"),
    60: _row(["", "", "イ", "成り行き値"], judge=("未達成", "")),
    61: _row(["", "", "", "目標値"], **_series("70.0", "65.0", "60.0", "55.0", "53.0", start="R2")),
    62: _row(["", "", "", "実績値"], **_series("70.4", start="R2")),
    63: _row(
        ["", "", "", "基本計画における指標の説明又は出典元"],
        unit="国立市市民意識調査令和2年度新設項目",
    ),
    64: _row(["", "展開方向2", "ア", "成り行き値"], judge=("未達成", "向上")),
    65: _row(
        ["", "", "", "目標値"],
        **_series("30.0", "32.5", "35.0", "40.0", "45.0", "50.0", "55.0", "58.0"),
    ),
    66: _row(["", "", "", "実績値"], **_series("27.1", "28.4", "26.2", "29.5", "30.6")),
    67: _row(["", "", "", "基本計画における指標の説明又は出典元"], unit="国立市市民意識調査"),
    68: _row(["", "", "イ", "成り行き値"], judge=("未達成", "低下")),
    69: _row(
        ["", "", "", "目標値"],
        **_series("68.0", "68.7", "69.3", "70.0", "70.8", "71.5", "72.3", "73.0", "75.0"),
    ),
    70: _row(["", "", "", "実績値"], **_series("47.6", "52.3", "52.6", "62.9", "36.0")),
    71: _row(
        ["", "", "", "基本計画における指標の説明又は出典元"],
        unit="生活に困窮している市民から相談を受け、就労支援によって就職につながった割合",
    ),
    72: _row(["", "展開方向3", "ア", "成り行き値"]),
    73: _row(["", "", "", "目標値"]),
    74: _row(["", "", "イ", "成り行き値"]),
    75: _row(["", "", "", "目標値"]),
    76: _row(["", "展開方向4", "ア", "成り行き値"]),
    77: _row(["", "", "", "目標値"]),
    78: _row(["", "", "イ", "成り行き値"]),
    79: _row(["", "", "", "目標値"]),
    80: _row(["", "", "ア", "成り行き値"]),
    81: _row(["", "", "", "目標値"]),
    82: _row(["", "", "イ", "成り行き値"]),
    83: _row(["", "", "", "目標値"]),
    # the three filled years are H28, H29 and R2 (SHEETS.md); empty years of a total show 0
    84: _row(["事務事業数"], unit="本数", H28="20", H29="22", R2="8"),
    85: _row(
        ["施策コスト", "事業費", "財源内", "国庫支出金"],
        "千円",
        H28="1,604,890",
        H29="1,600,575",
        R2="1,764,251",
    ),
    86: _row(["", "", "", "都道府県支出金"], "千円", H28="85,280", H29="79,068", R2="59,355"),
    87: _row(["", "", "", "地方債"], "千円", R2="0"),
    88: _row(["", "", "", "その他"], "千円", H28="3,560", H29="5,560", R2="37,493"),
    89: _row(["", "", "", "一般財源"], "千円", H28="715,155", H29="711,185", R2="57,039"),
    90: _row(
        ["", "", "", "事業費計(A)"],
        "千円",
        H28="2,408,885",
        H29="2,396,388",
        H30="0",
        R1="0",
        R2="1,918,138",
        R3="0",
        R4="0",
        R5="0",
        R9="0",
    ),
    91: _row(["", "人件費", "", "延べ業務時間"], "時間", H28="58,627", H29="62,520", R2="45,906"),
    92: _row(["", "", "", "人件費計(B)"], "千円", H28="212,382", H29="216,139", R2="173,617"),
    93: _row(
        ["", "", "", "トータルコスト(A)+(B)"],
        "千円",
        H28="2,621,267",
        H29="2,612,527",
        H30="0",
        R1="0",
        R2="2,091,755",
        R3="0",
        R4="0",
        R5="0",
        R9="0",
    ),
}
# labels of merged cells the extraction kept once (or not at all); the year headers of the
# extraction's first row are the same texts
RESTORED_000 = {"展開方向2", "展開方向3", "展開方向4"}


def seed_rows(prefix: str, repairs: dict[int, list[str]] | None = None) -> list[list[str]]:
    rows = [line.split("\t") for line in seed_lines(prefix)]
    for index, cells in (repairs or {}).items():
        rows[index] = list(cells)
    return rows


def as_cell(text: str, numbers_as_text: bool = False) -> object:
    """A cell as the city typed it: a number where it looks like one."""
    stripped = text.strip()
    if not stripped:
        return None
    if _NUMBER.match(stripped) and not numbers_as_text:
        number = float(stripped.replace(",", ""))
        return int(number) if number.is_integer() and "." not in stripped else number
    return text


def full_width(text: str) -> str:
    """ASCII letters, digits, brackets and spaces typed full-width (全角)."""
    return "".join(
        chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ("\u3000" if ch == " " else ch)
        for ch in text
    )


def era_heading(text: str) -> str:
    """A year heading in 令和/平成 words: H28年度 → 平成28年度, R1年度 → 平成31年度, R2 → 令和2年度."""
    found = re.fullmatch(r"([HR])(\d+)(?:年度)?", text)
    if not found:
        return text
    era, number = found.groups()
    if era == "R" and number == "1":
        return "平成31年度"
    return f"{'平成' if era == 'H' else '令和'}{number}年度"


def write_city_workbook(
    rows: list[list[str]],
    out: Path,
    *,
    title_rows: int = 0,
    margin: bool = False,
    full_width_labels: bool = False,
    is_label: Callable[[int, int, str], bool] = lambda r, c, text: True,
    era_headings: bool = False,
    cover: bool = False,
    numbers_as_text: bool = False,
    merge_labels: tuple[int, int] | None = None,
    sheet_name: str = "Sheet1",
) -> Path:
    """Write rows as a city's workbook, with the variations real sheets have."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name
    if cover:
        front = sheet
        front.title = "表紙"
        front["B3"] = "令和2年度 施策評価"
        front["B5"] = "国立市 政策経営部"
        front["B7"] = "施策マネジメントシート 一式"
        sheet = book.create_sheet(sheet_name if sheet_name != "Sheet1" else "施策12")
    top, left = title_rows, (1 if margin else 0)
    if title_rows:
        sheet.cell(1, 1 + left, "国立市 施策評価(市作成の様式)")
        if title_rows > 2:
            sheet.cell(3, 1 + left, "作成日: 令和3年5月31日")
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            value = as_cell(text, numbers_as_text)
            if value is None:
                continue
            if isinstance(value, str):
                if era_headings:
                    value = era_heading(value.strip())
                if full_width_labels and is_label(r, c, value):
                    value = full_width(value)
            sheet.cell(top + r + 1, left + c + 1, value)
    if margin:
        sheet.column_dimensions["A"].width = 1.5  # 方眼紙: a narrow margin column
    if merge_labels is not None:
        _merge_down(sheet, top + merge_labels[0], top + merge_labels[1], left, left + 3)
    book.save(out)
    return out


def _merge_down(sheet, first_row: int, last_row: int, first_col: int, last_col: int) -> None:
    """Merge each label down over the blank cells below it (rows 0-based, inclusive), as a
    hand-made sheet merges a group's label."""
    for col in range(first_col, last_col):
        r = first_row
        while r <= last_row:
            if sheet.cell(r + 1, col + 1).value is None:
                r += 1
                continue
            end = r
            while (
                end + 1 <= last_row
                and sheet.cell(end + 2, col + 1).value is None
                and all(sheet.cell(end + 2, c + 1).value is None for c in range(first_col, col))
            ):
                end += 1
            if end > r:
                sheet.merge_cells(
                    start_row=r + 1, start_column=col + 1, end_row=end + 1, end_column=col + 1
                )
            r = end + 1


def label_cell_000(row: int, col: int, text: str) -> bool:
    """Whether a cell of seed 000 is a label (a value keeps its own characters): the 実績推移
    table's label columns and headings, the header's labels, and the section headings."""
    if 49 <= row <= 93:
        return col <= 3 or row == 49
    if row in (4, 5):
        return col % 2 == 0
    return bool(re.match(r"^(\(\d\)|\d |○)", text))


def city_000(out: Path, **variation) -> Path:
    """Seed 000 (国立市 施策マネジメントシート) as the city's workbook."""
    return write_city_workbook(
        seed_rows("000", REPAIRS_000), out, is_label=label_cell_000, **variation
    )


def non_empty(cells: list[str]) -> list[str]:
    return sorted(unicodedata.normalize("NFKC", c).strip() for c in cells if c.strip())


HEADING_004 = ["No.", "取組内容", "事業概要", "担当課", "指標", ""]
LEGEND_004 = (
    ["【評価区分】"],
    [" A：予定より進んでいる B：概ね予定通り進んでいる C：予定より遅れている -：評価不可"],
)
GRID_004 = (("target", "目標"), ("actual", "実績"), ("grade", "評価"))
FILL_DOWN_004 = {"num": 0, "content": 1, "outline": 2, "dept": 3, "status": 13, "issues": 14}
YEARS_004 = ("R2", "R3", "R4", "R5", "R6", "R7", "R8")


def rows_004(document: dict, page_rows: int = 18) -> list[list[str | int | float]]:
    """Seed 004 (新潟市 進捗管理表) laid out as the city's sheet: per 施策 its title and
    heading row, then three rows (目標 / 実績 / 評価) per 指標, the 取組's cells on its first row
    only; a page of `page_rows` rows repeats the legend, the title and the headings."""
    titles = {
        "s1": "施策① 地域福祉に関する事業の推進",
        "s2": "施策② 生活困窮者自立支援制度の推進",
        "s3": "施策③ 成年後見制度の推進",
        "s4": "施策④ 再犯防止の推進",
        "s5": "施策⑤ 重層的支援体制整備事業の推進",
    }
    heading = [*HEADING_004, *YEARS_004, "R6の取組状況", "取組内容への課題とその対応策など"]
    rows: list[list] = [[], [], *LEGEND_004, []]
    for key, title in titles.items():
        page = [[title], heading]
        rows += page
        used = 0
        previous: dict = {}
        for record in document["torikumi"][key]:
            if used + 3 > page_rows:  # the next page: legend, title and headings again
                rows += [[], *LEGEND_004, [], *page]
                used = 0
            # a 取組's cells on its first row; a cell that changes inside it (a second 事業概要
            # with its own 担当課) where it changes
            new_group = record.get("num") != previous.get("num")
            shown = {
                cid: record.get(cid, "")
                for cid in FILL_DOWN_004
                if new_group or record.get(cid) != previous.get(cid)
            }
            previous = record
            for i, (grid_id, label) in enumerate(GRID_004):
                row: list = [""] * len(heading)
                if i == 0:
                    for cid, value in shown.items():
                        row[FILL_DOWN_004[cid]] = value
                if i == 0:
                    row[4] = record.get("indicator", "")
                row[5] = label
                for year, value in (record.get(grid_id) or {}).items():
                    row[6 + YEARS_004.index(str(year))] = value
                rows.append(row)
            used += 3
        rows.append([])
    return rows


def write_rows(
    rows: list[list], out: Path, *, sheet_name: str = "進捗管理表(市)", **variation
) -> Path:
    """Rows of values (not text lines) as a city's workbook, with write_city_workbook's
    variations (the values are turned into text cells where a string)."""
    text_rows = [
        [v if isinstance(v, str) else ("" if v is None else repr(v)) for v in r] for r in rows
    ]
    return write_city_workbook(text_rows, out, sheet_name=sheet_name, **variation)


# seed 001 line 54 (0-based): the extraction dropped one empty cell of 事業 2 before its third
# ● (SHEETS.md: 計画どおり, 有効性改善, 参加と協働改善)
def _repair_001() -> dict[int, list[str]]:
    cells = seed_lines("001")[54].split("\t")
    assert cells[13] == "●" and cells[14] == ""
    return {54: [*cells[:12], "", *cells[12:-1]]}


def city_001(out: Path, **variation) -> Path:
    """Seed 001 (調布市 施策評価シート) as the city's workbook."""
    return write_city_workbook(seed_rows("001", _repair_001()), out, **variation)
