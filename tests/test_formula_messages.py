"""How a value typed over a formula is told to the 課: the formula in the sheet's words, each
cell by as much of its row's name as tells it from the others, and the Excel text only when
it is short enough to read."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from xlsxsheet.checks.formulas import SHOWN_FORMULA_LENGTH, formula_row_names
from xlsxsheet.checks.pipeline import check_file

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "jimu-jigyo-R6.xlsx"


def test_rows_of_the_same_name_are_told_apart_by_the_words_before() -> None:
    """みどり市's 人件費(B) = 正職員 人工 × 平均給与 + 会計年度任用職員 人工 × 平均報酬 was said
    ROUND(SUM(「人工」*「平均給与」, 「人工」*「平均報酬」), 0): the two 人工 alike."""
    named = formula_row_names(
        {
            "ninku": "人件費 正職員 人工",
            "salary": "人件費 正職員 平均給与",
            "ninku_kaikei": "人件費 会計年度任用職員 人工",
            "salary_kaikei": "人件費 会計年度任用職員 平均報酬",
        }
    )
    assert named == {
        "ninku": "正職員 人工",
        "salary": "平均給与",
        "ninku_kaikei": "会計年度任用職員 人工",
        "salary_kaikei": "平均報酬",
    }
    assert formula_row_names(
        {"a": "事業費 財源内訳 国庫支出金", "b": "事業費 財源内訳 その他"}
    ) == {
        "a": "国庫支出金",
        "b": "その他",
    }


def _typed_over(tmp_path: Path, name: str, value: float) -> str:
    book = openpyxl.load_workbook(EXAMPLE)
    ((sheet, cell),) = book.defined_names[name].destinations
    book[sheet][cell.replace("$", "")].value = value
    path = tmp_path / f"{name}.xlsx"
    book.save(path)
    (problem,) = [p for p in check_file(path).problems if p.code == "total-mismatch"]
    return problem.message


def test_a_long_formula_is_named_not_spelt_out(tmp_path: Path) -> None:
    """The 成果指標's 達成率 guards every blank cell in Excel: a 230-character text the 課 was
    told it would get back. The message says the template's formula, and what it computes."""
    message = _typed_over(tmp_path, "xs_perf_outcome_o1_rate_y2024", 50)
    assert "修正版では様式の計算式に戻します。" in message
    assert "=IF(" not in message
    assert '「望ましい方向」="低いほど良い"' in message  # what it computes, in the sheet's words
    short = _typed_over(tmp_path, "xs_perf_cost_total_a_y2024", 1)
    formula = short.split("修正版では計算式 ", 1)[1].split(" に戻します", 1)[0]
    assert formula.startswith("=SUM(") and len(formula) <= SHOWN_FORMULA_LENGTH
