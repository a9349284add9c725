"""A jump between years in a 千円 series: a rise says 円 may have been typed this year, a fall
that the year before may have been (the hint used to say 「円で入力していないか」 both ways)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.writing.make_template import make_template

CITY = Path(__file__).resolve().parent / "city_layouts"


@pytest.mark.parametrize(
    ("r4", "r5", "said"),
    [
        (
            24_500,
            24_500_000,
            "約1,000倍に増えています。千円単位の欄に円で入力していないか確認してください。",
        ),
        (
            24_500_000,
            24_500,
            "約1,000分の1に減っています。前の年度の値が円で入力されていないか、この年度の値の単位を確認してください。",
        ),
    ],
)
def test_the_unit_slip_hint_follows_the_direction_of_the_jump(
    tmp_path: Path, r4: int, r5: int, said: str
) -> None:
    template = tmp_path / "template.xlsx"
    make_template(load_layout(CITY / "kaku-shisaku.yaml"), template, 2024)
    book = openpyxl.load_workbook(template)
    for year, value in ((2022, r4), (2023, r5)):
        ((sheet, cell),) = book.defined_names[f"xs_cost_c_personnel_b_y{year}"].destinations
        book[sheet][cell.replace("$", "")] = value
    out = tmp_path / "return.xlsx"
    book.save(out)
    slips = [
        p.message for p in check_file(out, LayoutRegistry([CITY])).problems if p.code == "unit-slip"
    ]
    assert len(slips) == 1 and said in slips[0], slips
