"""Values as the messages, the reports and the result page quote them: as the cell shows them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xlsxsheet.checks.base import show, show_value
from xlsxsheet.checks.pipeline import check_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    ("value", "quoted", "in_a_column"),
    [
        (14000, "14,000", "14,000"),
        (-1200.5, "-1,200.5", "-1,200.5"),
        ("１,２００", "「１,２００」", "１,２００"),  # text as typed
        (True, "TRUE", "TRUE"),  # as the cell shows it, not Python's True
        (False, "FALSE", "FALSE"),
        (datetime(2020, 4, 1), "2020/4/1", "2020/4/1"),  # not 2020-04-01 00:00:00
        (datetime(2020, 4, 1, 9, 30), "2020/4/1 09:30", "2020/4/1 09:30"),
        (date(2026, 12, 8), "2026/12/8", "2026/12/8"),
        (None, "(空欄)", ""),
    ],
)
def test_a_value_is_quoted_as_its_cell_shows_it(value: Any, quoted: str, in_a_column: str) -> None:
    assert show(value) == quoted
    assert show_value(value) == in_a_column


def test_a_long_template_formula_is_not_spelt_out_in_formula_changed(tmp_path: Path) -> None:
    """The 249-character formula of the jimu-jigyo's F28 stood in the message whole; it is in
    the problem's expected value (the result page folds it), the message names it."""
    path = tmp_path / "jimu.xlsx"
    book = openpyxl.load_workbook(EXAMPLES / "jimu-jigyo-R6.xlsx")
    sheet = book["事務事業評価シート"]
    template = sheet["F28"].value
    sheet["F28"] = "=1+1"
    book.save(path)
    problem = next(p for p in check_file(path).problems if p.code == "formula-changed")
    assert problem.cell == "F28" and len(template) > 200
    assert problem.message.endswith(
        "計算式 =1+1 が様式の計算式と違います。修正版では様式の計算式に戻します。"
    )
    assert problem.expected == template and template not in problem.message
