"""The sixth layout, 事務事業評価シート, written with the layout file alone: a correct return checks
clean, and each mistake of a wrong one is reported at its cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.names import field_name
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.reading.return_reader import read_file

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "jimu-jigyo-R6.xlsx"
SHEET = "事務事業評価シート"


def _cell(book: openpyxl.Workbook, field_id: str, year: int | None = None) -> Any:
    name = field_name(tuple(field_id.split(".")), year)
    sheet, ref = next(iter(book.defined_names[name].destinations))
    return book[sheet][ref.replace("$", "")]


def test_the_layout_is_bundled() -> None:
    layout = default_registry().get("jimu-jigyo")
    assert layout.title == "事務事業評価シート"
    assert layout.summary is not None and layout.summary.key == "header.jigyo_no"


def test_the_example_checks_without_a_problem() -> None:
    result = check_file(EXAMPLE)
    assert [(p.code, p.cell) for p in result.problems if p.severity != "info"] == []


def test_the_example_computes_what_the_sheet_says() -> None:
    computed = read_file(EXAMPLE).computed
    # 達成率 of a higher-is-better 活動指標: 実績 ÷ 目標
    assert computed[("perf.activity.a1.rate", 2024)] == 100.8  # 1008 / 1000
    # 待機児童数 is lower-is-better: 目標 ÷ 実績 (10 / 8)
    assert computed[("perf.outcome.o1.rate", 2024)] == 125.0
    assert computed[("perf.outcome.o2.rate", 2022)] == 96.9  # 82.4 / 85.0
    # the budget year has no 実績: its ratios are blank, not 0
    assert computed[("perf.activity.a1.rate", 2025)] is None
    assert computed[("perf.staff.unit_cost", 2025)] is None
    # トータルコスト across the two sections, 単位当たりコスト from the 活動指標 (千円 → 円)
    assert computed[("perf.staff.total", 2024)] == 270830 + 33060
    assert computed[("perf.staff.unit_cost", 2024)] == round((270830 + 33060) * 1000 / 1008)
    assert read_file(EXAMPLE).document()["header"]["end_year"] == "未定"


MISTAKES = [
    # (field, year, value typed, code, severity)
    ("perf.activity.a1.actual", 2024, "千八", "not-a-number", "error"),
    ("evaluation.overall", None, "見直し", "not-in-list", "error"),
    ("evaluation.necessity", None, None, "required-missing", "error"),
    ("header.end_year", None, "いつか", "invalid-value", "error"),
    ("perf.staff.total", 2023, 999, "total-mismatch", "error"),
    ("perf.outcome.o1.rate", 2023, "=ROUND(F40/F41*100,1)", "formula-changed", "warning"),
]


def test_each_mistake_is_reported_at_its_cell(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLE)
    where = {}
    for field_id, year, value, _code, _severity in MISTAKES:
        cell = _cell(book, field_id, year)
        cell.value = value
        where[field_id] = cell.coordinate
    wrong = tmp_path / "wrong.xlsx"
    book.save(wrong)
    problems = check_file(wrong).problems
    found = {(p.code, p.sheet, p.cell, p.severity) for p in problems}
    for field_id, _year, _value, code, severity in MISTAKES:
        assert (code, SHEET, where[field_id], severity) in found, (field_id, found)
    errors = {(p.code, p.cell) for p in problems if p.severity == "error"}
    assert errors == {
        (code, where[field_id]) for field_id, _y, _v, code, sev in MISTAKES if sev == "error"
    }


@pytest.mark.parametrize("year", ["R6", "R7"])
def test_a_fresh_template_checks_without_compute_failures(year: str, tmp_path: Path) -> None:
    from xlsxsheet.writing.make_template import make_template

    layout = default_registry().get("jimu-jigyo")
    empty = tmp_path / "empty.xlsx"
    make_template(layout, empty, None, {"layout": "jimu-jigyo", "year": year})
    codes = {p.code for p in check_file(empty).problems}
    assert "compute-failed" not in codes and "formula-changed" not in codes
    assert "required-missing" in codes  # an empty return is not a correct one


def test_a_rows_unit_comes_from_its_indicators_unit_row() -> None:
    """`unit_from: unit`: the 単位 column of 目標 and 実績 shows the indicator's unit as typed."""
    read = read_file(EXAMPLE)
    assert read.computed[("perf.activity.a2.actual_unit", None)] == "回"
    assert read.computed[("perf.outcome.o2.target_unit", None)] == "%"
    slot = read.plan.slots[("perf.outcome.o1.actual_unit", None)]
    assert slot.col == 4 and slot.field.formula == "unit"


def test_a_unit_from_that_names_no_unit_row_is_explained(tmp_path: Path) -> None:
    from xlsxsheet.core.errors import LayoutError
    from xlsxsheet.layout.loader import load_layout

    source = Path(__file__).resolve().parents[1] / "templates" / "jimu-jigyo.yaml"
    text = source.read_text(encoding="utf-8")
    bad = tmp_path / "jimu-jigyo.yaml"
    bad.write_text(text.replace("unit_from: unit}", "unit_from: units}", 1), encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(bad)
    message = str(caught.value)
    assert "unit_from「units」はこの区分の年度によらない行(across_years)にありません" in message
    assert "「unit」の誤りではありませんか" in message and "行目" in message


def test_a_template_of_an_earlier_version_keeps_its_unguarded_formula(tmp_path: Path) -> None:
    """A template written before ratios were guarded holds =ROUND(((H16/H15)*100),1): it
    computes the same for filled cells, so it is no changed formula; another formula is."""
    from xlsxsheet.core.cells import a1
    from xlsxsheet.layout.formula import parse_formula

    book = openpyxl.load_workbook(EXAMPLE)
    read = read_file(EXAMPLE)
    slot = read.plan.slots[("perf.activity.a1.rate", 2024)]
    older = parse_formula(slot.field.formula or "").to_excel_before_guards(
        lambda ref: a1(slot.siblings[ref].row, slot.siblings[ref].col)
    )
    assert older == "=ROUND(((H16/H15)*100),1)"
    _cell(book, "perf.activity.a1.rate", 2024).value = older
    _cell(book, "perf.activity.a1.rate", 2023).value = "=ROUND(((G16/G15)*10),1)"
    path = tmp_path / "older.xlsx"
    book.save(path)
    changed = [p.cell for p in check_file(path).problems if p.code == "formula-changed"]
    assert changed == [_cell(book, "perf.activity.a1.rate", 2023).coordinate]


def test_a_year_typed_in_wareki_is_said_as_a_year(tmp_path: Path) -> None:
    """「Ｈ１０」 in 事業開始年度 is read as 1998: said 「1998年度」, not the number 「1,998」
    (平成10年度, as a template writes it, is read without a word: tests/test_fiscal_year_fields)."""
    book = openpyxl.load_workbook(EXAMPLE)
    _cell(book, "header.start_year").value = "Ｈ１０"
    path = tmp_path / "wareki.xlsx"
    book.save(path)
    (said,) = [p for p in check_file(path).problems if p.code == "value-normalized"]
    assert "「Ｈ１０」 を 1998年度 として読みました" in said.message and said.expected == 1998


def test_a_formula_that_cannot_compute_names_the_cell_typed_in(tmp_path: Path) -> None:
    """「-」 typed for 'not yet' in the budget year's 実績: the error is at 単位当たりコスト, which
    divides by it; it now names the input cell the clerk typed in, which it did not."""
    book = openpyxl.load_workbook(EXAMPLE)
    typed = _cell(book, "perf.activity.a1.actual", 2025)
    typed.value = "-"
    path = tmp_path / "dash.xlsx"
    book.save(path)
    failed = [p for p in check_file(path).problems if p.code == "compute-failed"]
    assert failed and all(p.cell != typed.coordinate for p in failed)
    assert all(f"入力欄 {typed.coordinate} の 活動指標" in p.message for p in failed), failed


def test_the_tidy_values_give_each_rate_its_indicators_name() -> None:
    """The tidy CSV's 達成率 rows had neither 区分 nor 指標名: a city could not tell whose rate
    it was without the 項目ID. The layout's `values` rules now name them (kind 達成率)."""
    from xlsxsheet.reading.summary import summarize

    info = summarize(read_file(EXAMPLE))
    rates = [
        (v.name, v.year, v.kind, v.value, v.unit) for v in info.values if v.field.endswith(".rate")
    ]
    assert len(rates) == 12  # 2 活動指標 + 2 成果指標, R4–R6
    assert {kind for _n, _y, kind, _v, _u in rates} == {"達成率"}
    assert ("学童クラブ入所児童数", 2024, "達成率", 100.8, "%") in rates
    assert all(name for name, *_ in rates)
