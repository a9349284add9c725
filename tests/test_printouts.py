"""The empty templates as LibreOffice prints them: every table with its header on its page,
labels whole inside their cells, the sheets in the order they are filled in."""

from __future__ import annotations

import subprocess

import pytest
from libreoffice_support import require_tool

from xlsxsheet.external.libreoffice import to_pdf
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.writing.make_template import make_template

pytestmark = pytest.mark.libreoffice

LAYOUTS = ("shisaku-management", "shisaku-hyoka", "shinchoku-pdca", "kihon-keikaku")


@pytest.fixture(scope="module")
def pages(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each layout's empty R2 template rendered to PDF: the text of each page (pdftotext)."""
    folder = tmp_path_factory.mktemp("printouts")
    pdftotext = require_tool("pdftotext", "poppler-utils")
    found = {}
    for layout_id in LAYOUTS:
        workbook = folder / f"{layout_id}.xlsx"
        make_template(default_registry().get(layout_id), workbook, 2020)
        pdf = to_pdf(workbook, folder, soffice=soffice)
        text = subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        found[layout_id] = [page for page in text.split("\f") if page.strip()]
    return found


def page_with(pages: list[str], words: str) -> int:
    """The index of the one page holding `words`."""
    holding = [i for i, page in enumerate(pages) if words in page]
    assert len(holding) == 1, (words, holding)
    return holding[0]


def test_the_cost_table_prints_under_its_year_header(pages: dict[str, list[str]]) -> None:
    sheet = pages["shisaku-management"]
    cost = page_with(sheet, "トータルコスト")
    text = sheet[cost]
    for year in ("H28年度", "R1年度", "R2年度", "R5年度", "R9年度", "数値区分"):
        assert year in text, year
    for row in ("国庫支出金", "一般財源", "事業費計(A)", "人件費計(B)", "事務事業数", "成り行き値"):
        assert row in text, row  # the whole table, indicators and costs, on that page
    assert "3 総事業費" in text
    assert len(sheet) == 4


def test_the_labels_of_column_a_stay_whole(pages: dict[str, list[str]]) -> None:
    """A label too wide for its column wraps (展開方 / 向) and runs over the borders."""
    sheet = pages["shisaku-management"]
    assert sheet[0].count("展開方向") >= 2  # the level headers of sections 1 and 2
    cost = sheet[page_with(sheet, "トータルコスト")]
    assert cost.count("事務事業数") == 2  # the 区分 in column A and the row's label
    assert "財源内訳" in cost


def test_the_first_rows_of_the_evaluation_sheet_are_labelled(
    pages: dict[str, list[str]],
) -> None:
    first = pages["shisaku-hyoka"][0]
    lines = first.splitlines()
    top = next(line for line in lines if "施策番号" in line)
    assert "施策名" in top
    assert any(line.strip().startswith("(組織順)") for line in lines), "関係課名 / (組織順)"
    jigyo = pages["shisaku-hyoka"][page_with(pages["shisaku-hyoka"], "事務事業の評価")]
    assert "参加と協働" in jigyo and "改善余" in jigyo


def test_the_summary_prints_after_the_sheets_departments_fill_in(
    pages: dict[str, list[str]],
) -> None:
    sheets = pages["shinchoku-pdca"]
    summary = next(i for i, p in enumerate(sheets) if p.lstrip().startswith("評価総括表"))
    filled_in = page_with(sheets, "地域福祉計画 進捗管理シート")
    assert filled_in < summary
    assert "Check (評価)" in sheets[filled_in]  # its header on one line, not `)` alone


def test_the_plans_indicators_print_with_their_header(pages: dict[str, list[str]]) -> None:
    plan = pages["kihon-keikaku"]
    table = page_with(plan, "展開方向の進捗状況を測定するための指標")
    assert "指標名" in plan[table] and "目標値" in plan[table]
    rows = [line.split() for line in plan[table].splitlines()]
    assert sum(words.count("イ") for words in rows) == 4  # 展開方向 1–4, each ア and イ
    assert "基本計画 基本施策" in plan[table]  # the title rows repeat on every page
