"""Amounts that must add up (`totals` of a year-table section) and bounds on numbers (`min`,
`max`), on a template made by make_template and typed into as a clerk does.

- 事業費(A) typed beside its 財源内訳: a difference is `breakdown-mismatch` at the total's cell,
  both figures and the difference quoted; `fix` changes neither value.
- A 決算額 typed `△35,400` where `min: 0`, a 達成率 computed above `max: 1000`: `out-of-range`
  (警告) at the cell; the template's validation of an input cell holds the bounds.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest
from small_eval_support import LAYOUT, SHEET, checked, codes, line_of, template, typed, write_layout

from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.external.libreoffice import recalculate
from xlsxsheet.layout.loader import load_layout

TOTALS = "            totals:\n              - {total: kessan, parts: [national, prefectural, general]}\n"
COST = "            series:\n              - {id: kessan"
SUMMED = LAYOUT.replace(COST, TOTALS + COST)
BOUNDED = (
    LAYOUT.replace("type: money}", "type: money, min: 0}")
    .replace("type: money, span: 2}", "type: money, span: 2, min: 0}")
    .replace("label: 職員数, type: integer}", "label: 職員数, type: integer, min: 0, max: 500}")
    .replace('unit: "%",\n', 'unit: "%", max: 1000,\n')
)

# 財源内訳 of R5 add up to 事業費(A); those of R6 are 1,000 short; R7 has only its total yet
COSTS = {
    "xs_ind_cost_kessan_y2023": 98400,
    "xs_ind_cost_national_y2023": 0,
    "xs_ind_cost_prefectural_y2023": 3200,
    "xs_ind_cost_general_y2023": 95200,
    "xs_ind_cost_kessan_y2024": 101250,
    "xs_ind_cost_national_y2024": 0,
    "xs_ind_cost_prefectural_y2024": 3300,
    "xs_ind_cost_general_y2024": 96950,
    "xs_ind_cost_kessan_y2025": 104000,
}
MISMATCH = (
    "'評価シート'!H13 (事業費 事業費(A) R6年度): 事業費(A) 101,250 と国庫支出金・県支出金・"
    "一般財源の合計 100,250 が一致しません(差 1,000)。どちらが正しいかは記入した課にしか"
    "分からないため、修正版ではどちらの値も直しません。数値を確かめて入力し直してください。"
)


def test_a_total_that_its_parts_do_not_add_up_to_is_an_error_at_the_total(tmp_path: Path) -> None:
    book = typed(template(tmp_path, SUMMED), COSTS, tmp_path / "return.xlsx")
    result = checked(tmp_path, book)
    found = [p for p in result.problems if p.code == "breakdown-mismatch"]
    assert [(p.severity, p.sheet, p.cell, p.message) for p in found] == [
        ("error", SHEET, "H13", MISMATCH)
    ]
    assert (found[0].value, found[0].expected) == (101250, 100250)
    assert not result.valid
    without = typed(template(tmp_path / "plain", LAYOUT), COSTS, tmp_path / "plain.xlsx")
    assert "breakdown-mismatch" not in [c for c, _ in codes(checked(tmp_path / "plain", without))]


def test_fix_changes_neither_the_total_nor_its_parts(tmp_path: Path) -> None:
    values = COSTS | {"xs_ind_cost_general_y2024": "９６，９５０"}  # a change fix does make
    book = typed(template(tmp_path, SUMMED), values, tmp_path / "return.xlsx")
    result = checked(tmp_path, book)
    assert "breakdown-mismatch" in [p.code for p in result.problems]
    assert [c.cell for c in result.changes] == ["H16"]
    fixed = write_fixed(result, tmp_path / "fixed.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = openpyxl.load_workbook(fixed)[SHEET]
    assert [sheet[c].value for c in ("H13", "H14", "H15", "H16")] == [101250, 0, 3300, 96950]


def test_a_label_names_the_parts(tmp_path: Path) -> None:
    text = SUMMED.replace("general]}", "general], label: 財源内訳の合計}")
    book = typed(template(tmp_path, text), COSTS, tmp_path / "return.xlsx")
    (found,) = [p for p in checked(tmp_path, book).problems if p.code == "breakdown-mismatch"]
    assert "事業費(A) 101,250 と財源内訳の合計 100,250 が一致しません(差 1,000)" in found.message


@pytest.mark.parametrize(
    ("old", "new", "problem", "fix"),
    [
        (
            "parts: [national,",
            "parts: [natonal,",
            "parts の「natonal」はこの区分の series にありません",
            "「national」の誤りではありませんか",
        ),
        (
            "{total: kessan,",
            "{total: kesan,",
            "total の「kesan」はこの区分の series にありません",
            "「kessan」の誤りではありませんか",
        ),
        (
            "parts: [national, prefectural, general]",
            "parts: [kessan, national]",
            "parts に total と同じ行か、同じ行が2回書かれています",
            "total には合計の行を、parts には内訳の行をそれぞれ1回ずつ書いてください",
        ),
        (
            "parts: [national, prefectural, general]}",
            "of: [national, prefectural, general]}",
            "未知のキー「of」があります",
            "使えるキー: label, parts, total",
        ),
    ],
)
def test_a_totals_entry_is_checked_when_the_file_is_read(
    tmp_path: Path, old: str, new: str, problem: str, fix: str
) -> None:
    text = SUMMED.replace(old, new)
    with pytest.raises(LayoutError) as caught:
        load_layout(write_layout(tmp_path, text))
    assert (caught.value.problem, caught.value.fix) == (problem, fix)
    assert caught.value.place.startswith(f"{line_of(text, '{total: ')}行目 ")


def test_numbers_outside_their_bounds_are_warned_of_at_the_cell(tmp_path: Path) -> None:
    layout = load_layout(write_layout(tmp_path / "layouts", BOUNDED))
    first = layout.fields["itaku.amount"]
    assert (first.minimum, first.maximum) == (0, None)
    values = {
        "xs_header_staff": 600,
        "xs_ind_cost_kessan_y2024": "△35,400",
        "xs_ind_cost_kessan_y2023": 0,  # the bound itself is inside
        "xs_ind_outcome_o2_target_y2024": 1,
        "xs_ind_outcome_o2_actual_y2024": 20,  # 達成率 2,000.0
        "A18": 1,
        "G18": -5,
    }
    book = typed(template(tmp_path, BOUNDED), values, tmp_path / "return.xlsx")
    found = [p for p in checked(tmp_path, book).problems if p.code == "out-of-range"]
    assert [(p.severity, p.cell, p.message.split(": ", 1)[1]) for p in found] == [
        (
            "warning",
            "H1",
            "入力値 600 は上限 500 より大きい値です(この欄は0以上500以下)。符号(△・－)や桁、"
            "単位を確かめてください。正しい値であればこのままで構いません。",
        ),
        (
            "warning",
            "H12",
            "計算結果 2,000 は上限 1,000 より大きい値です(この欄は1,000以下)。計算のもとになる値"
            "(目標値・実績値など)の入力の誤りがないか確かめてください。",
        ),
        (
            "warning",
            "H13",
            "入力値 「△35,400」(-35,400 として読みました) は下限 0 より小さい値です(この欄は0以上)。"
            "符号(△・－)や桁、単位を確かめてください。正しい値であればこのままで構いません。",
        ),
        (
            "warning",
            "G18",
            "入力値 -5 は下限 0 より小さい値です(この欄は0以上)。符号(△・－)や桁、単位を"
            "確かめてください。正しい値であればこのままで構いません。",
        ),
    ]


def _validations(path: Path) -> dict[str, tuple[str, str | None, str | None]]:
    """The number validations of the sheet by their first cell: (type, formula1, formula2)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = openpyxl.load_workbook(path)[SHEET]
    return {
        str(dv.sqref).split()[0].split(":")[0]: (dv.type, dv.formula1, dv.formula2)
        for dv in sheet.data_validations.dataValidation
        if dv.type in ("whole", "decimal")
    }


def test_the_template_validates_an_input_cell_within_its_bounds(tmp_path: Path) -> None:
    made = template(tmp_path, BOUNDED)
    found = _validations(made)
    assert found["H1"] == ("whole", "0", "500")
    assert found["F13"][:2] == ("whole", "0")
    assert float(found["F13"][2] or 0) == 1e15
    assert found["G18"][:2] == ("whole", "0")  # the records column, over the table's body
    assert "F7" not in found  # a computed cell is checked, not validated
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = openpyxl.load_workbook(made)[SHEET]
    (staff,) = [dv for dv in sheet.data_validations.dataValidation if str(dv.sqref) == "H1"]
    assert staff.error == (
        "この欄は0以上500以下の整数です。該当がない場合は「－」を入力してください。"
        "このまま確定することもできます。"
    )


def test_libreoffice_keeps_the_bounds_of_the_validation(tmp_path: Path, soffice: str) -> None:
    """LibreOffice reads the validation (and saves it again with its bounds)."""
    saved = recalculate(template(tmp_path, BOUNDED), tmp_path / "lo", soffice=soffice)
    found = _validations(saved)
    assert found["H1"] == ("whole", "0", "500")
    assert found["F13"][:2] == ("whole", "0")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "{field: name, label: 事業名, type: text, span: 5}",
            "{field: name, label: 事業名, type: text, span: 5, min: 0}",
            "min は数値の項目(number, integer, money, percent)にだけ書けます",
        ),
        (
            "type: integer}",
            "type: integer, min: 10, max: 5}",
            "min 10 が max 5 より大きくなっています",
        ),
        ("type: integer}", "type: integer, min: ０}", "min「０」は数で書いてください(いま: '０')"),
    ],
)
def test_bounds_are_checked_when_the_file_is_read(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    assert old in LAYOUT
    text = LAYOUT.replace(old, new)
    with pytest.raises(LayoutError) as caught:
        load_layout(write_layout(tmp_path, text))
    assert caught.value.problem == problem
    assert caught.value.place.startswith(f"{line_of(text, new)}行目 ")
