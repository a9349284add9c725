"""The 点検結果 sheet of the marked copy and the 修正履歴 sheet of the corrected copy print
whole: long text wraps in rows tall enough for it, one page wide, landscape, the header row
on every page, the grid printed."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from libreoffice_support import pdf_pages_and_text
from openpyxl.utils import get_column_letter
from web_support import make_return

from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.copies.marked import write_annotated
from xlsxsheet.core.problems import Problem
from xlsxsheet.core.text_width import text_lines

# a message longer than any check writes: five sentences, about 330 characters
LONG = "".join(
    f"({n}) 施策コスト 事業費 財源内訳 国庫支出金 R{n}年度 の入力値 12,345 は前年度の 123 から"
    f"約100倍に増えています。千円単位の欄に円で入力していないか確認してください。"
    for n in range(1, 6)
)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> CheckResult:
    """A return with a total typed over its formula (an error the fix corrects)."""
    return check_file(make_return(tmp_path_factory.mktemp("print"), 7, "福祉総務課", "total"))


@pytest.fixture(scope="module")
def marked(checked: CheckResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    total = next(p for p in checked.problems if p.code == "total-mismatch")
    long = Problem("unit-slip", LONG, sheet=total.sheet, cell=total.cell, label=total.label)
    out = tmp_path_factory.mktemp("marked") / "施策7_点検結果.xlsx"
    return write_annotated(checked.path, [*checked.problems, long], out)


@pytest.fixture(scope="module")
def fixed(checked: CheckResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixed(checked, tmp_path_factory.mktemp("fixed") / "施策7_修正版.xlsx")


def _sheet(path: Path, name: str) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(path)[name]


@pytest.mark.parametrize(("copy", "name"), [("marked", "点検結果"), ("fixed", "修正履歴")])
def test_the_sheet_prints_one_page_wide_with_its_header_on_each_page(
    copy: str, name: str, request: pytest.FixtureRequest
) -> None:
    sheet = _sheet(request.getfixturevalue(copy), name)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.print_options.gridLines
    widths = [
        sheet.column_dimensions[get_column_letter(i + 1)].width
        for i in range(len(next(sheet.iter_rows())))
    ]
    assert sum(widths) <= 140  # A4 landscape at about 100 %, not shrunk to fit
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.alignment.wrap_text and cell.alignment.vertical == "top", cell.coordinate


@pytest.mark.parametrize(("copy", "name"), [("marked", "点検結果"), ("fixed", "修正履歴")])
def test_each_row_is_tall_enough_for_its_longest_text(
    copy: str, name: str, request: pytest.FixtureRequest
) -> None:
    sheet = _sheet(request.getfixturevalue(copy), name)
    widths = [
        sheet.column_dimensions[get_column_letter(i + 1)].width
        for i in range(len(next(sheet.iter_rows())))
    ]
    for row in sheet.iter_rows(min_row=2):
        lines = max(text_lines(str(c.value or ""), w) for c, w in zip(row, widths, strict=True))
        height = sheet.row_dimensions[row[0].row].height
        if lines == 1:
            assert height is None, row[0].row  # one line: the sheet's own row height
        else:
            assert height >= lines * 15, (row[0].row, lines, height)


def test_a_long_message_gets_a_row_for_all_its_lines(marked: Path) -> None:
    sheet = _sheet(marked, "点検結果")
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[5].value == LONG]
    width = sheet.column_dimensions["F"].width
    assert text_lines(LONG, width) >= 7  # about 330 characters, 25 a line
    assert sheet.row_dimensions[row[0].row].height >= 7 * 15


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("", 10, 1),
        ("点検", 10, 1),
        ("あ" * 25, 51, 1),  # 50 wide in a column of 51 (one for the margins)
        ("あ" * 26, 51, 2),
        ("あ\nい", 10, 2),
        ("abc def", 5, 2),  # breaks between words
        ("x" * 30, 11, 3),  # a word wider than the column breaks inside it
    ],
)
def test_text_lines(text: str, width: float, lines: int) -> None:
    assert text_lines(text, width) == lines


@pytest.mark.libreoffice
def test_libreoffice_prints_the_whole_of_a_long_message(
    marked: Path, soffice: str, tmp_path: Path
) -> None:
    _, text = pdf_pages_and_text(marked, soffice, tmp_path)
    pages = [page for page in text.split("\f") if "重要度" in page]  # the 点検結果 pages
    assert pages
    printed = re.sub(r"\s", "", "".join(pages))
    assert re.sub(r"\s", "", LONG) in printed


def test_the_sheet_column_takes_the_longest_sheet_name(tmp_path: Path) -> None:
    """「事務事業評価シート」 wrapped in two lines (事務事業評価シー/ト) in the 14 the column had."""
    source = Path(__file__).resolve().parents[1] / "examples" / "jimu-jigyo-R6.xlsx"
    problem = Problem(
        "invalid-value", "値を確かめてください。", sheet="事務事業評価シート", cell="F16"
    )
    out = write_annotated(source, [problem], tmp_path / "marked.xlsx")
    sheet = _sheet(out, "点検結果")
    width = sheet.column_dimensions["C"].width
    assert text_lines("事務事業評価シート", width) == 1, width
    assert sheet["C2"].value == "事務事業評価シート"
