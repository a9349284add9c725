"""What the 施策マネジメントシート template is made of, as openpyxl sees the file."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xlsxsheet.core.names import META_SHEET
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan.workbook_plan import build_plan
from xlsxsheet.writing.make_template import make_template

SHEET = "施策マネジメントシート"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, openpyxl.Workbook]:
    out = tmp_path_factory.mktemp("tpl") / "empty.xlsx"
    make_template(default_registry().get("shisaku-management"), out, 2020)
    return out, openpyxl.load_workbook(out)


def _plan():  # type: ignore[no-untyped-def]
    return build_plan(default_registry().get("shisaku-management"), 2020)


def test_every_field_has_a_workbook_level_name(template: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = template
    plan = _plan()
    assert len(plan.slots) > 300
    for slot in plan.slots.values():
        destinations = list(book.defined_names[slot.name].destinations)
        assert destinations == [(SHEET, f"${_col(slot.col)}${slot.row + 1}")]


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def test_inputs_unlocked_everything_else_locked(template: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = template
    sheet = book[SHEET]
    assert sheet.protection.sheet is True
    assert not sheet.protection.password
    plan = _plan()
    for slot in plan.slots.values():
        cell = sheet.cell(slot.row + 1, slot.col + 1)
        assert cell.protection.locked is slot.field.computed, slot.name
    assert sheet["A1"].protection.locked is True


def test_computed_cells_hold_live_formulas(template: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = template
    sheet = book[SHEET]
    plan = _plan()
    total_a = plan.slots[("perf.cost.total_a", 2020)]
    national = plan.slots[("perf.cost.national", 2020)]
    general = plan.slots[("perf.cost.general", 2020)]
    formula = sheet.cell(total_a.row + 1, total_a.col + 1).value
    assert formula.startswith("=SUM(")
    assert f"{_col(national.col)}{national.row + 1}" in formula
    assert f"{_col(general.col)}{general.row + 1}" in formula
    total = plan.slots[("perf.cost.total", 2027)]
    assert sheet.cell(total.row + 1, total.col + 1).value.startswith("=SUM(")


def test_dropdowns_carry_japanese_messages(template: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = template
    validations = book[SHEET].data_validations.dataValidation
    lists = {dv.formula1: dv for dv in validations if dv.type == "list"}
    assert '"達成,未達成"' in lists
    assert '"向上,横ばい,低下"' in lists
    assert '"A,B,C,D,E"' in lists
    achievement = lists['"達成,未達成"']
    assert "達成" in achievement.prompt
    assert achievement.error and "達成" in achievement.error
    assert achievement.showErrorMessage


def test_number_formats(template: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = template
    sheet = book[SHEET]
    plan = _plan()
    money = plan.slots[("perf.cost.national", 2020)]
    percent = plan.slots[("perf.outcome.d1.a.target", 2020)]
    assert sheet.cell(money.row + 1, money.col + 1).number_format == "#,##0"
    assert sheet.cell(percent.row + 1, percent.col + 1).number_format == "0.0"


def test_print_setup_a3_landscape_fit_to_width(template: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = template
    sheet = book[SHEET]
    assert sheet.page_setup.paperSize == 8
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1) == 1  # OOXML default 1; xlsxwriter omits it
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$2"


def test_hidden_metadata_names_layout_version_and_year(
    template: tuple[Path, openpyxl.Workbook],
) -> None:
    _, book = template
    meta = book[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    values = {k: v for k, v in meta.iter_rows(min_row=2, values_only=True)}
    assert values["layout"] == "shisaku-management"
    assert values["version"] == "1"
    assert values["year"] == "2020"
    assert values["param.plan_final"] == "2027"


@pytest.mark.parametrize(
    ("year", "labels"),
    [
        (2020, ["2年度の取組状況", "3年度の取組予定", "4年度の取組方針", "6 2年度の評価結果"]),
        (2021, ["3年度の取組状況", "4年度の取組予定", "5年度の取組方針", "6 3年度の評価結果"]),
    ],
)
def test_year_dependent_labels(tmp_path: Path, year: int, labels: list[str]) -> None:
    out = tmp_path / "t.xlsx"
    make_template(default_registry().get("shisaku-management"), out, year)
    texts = {
        str(c.value)
        for row in openpyxl.load_workbook(out)[SHEET].iter_rows()
        for c in row
        if c.value
    }
    for label in labels:
        assert any(t.startswith(label) or label in t for t in texts), label


def test_year_columns_follow_the_evaluation_year(tmp_path: Path) -> None:
    out = tmp_path / "r3.xlsx"
    make_template(default_registry().get("shisaku-management"), out, 2021)
    header = [c.value for c in openpyxl.load_workbook(out)[SHEET][_year_header_row(2021)]]
    years = [h for h in header if isinstance(h, str) and h.endswith("年度") and len(h) <= 6]
    assert years == [
        "H29年度",
        "H30年度",
        "R1年度",
        "R2年度",
        "R3年度",
        "R4年度",
        "R5年度",
        "R6年度",
        "R9年度",
    ]


def _year_header_row(year: int) -> int:
    plan = build_plan(default_registry().get("shisaku-management"), year)
    first = min(s.row for s in plan.slots.values() if s.year is not None)
    return first  # 1-based row of the header = 0-based row of the first year cell


def test_the_judgement_columns_are_drawn_beside_every_section(
    template: tuple[Path, openpyxl.Workbook],
) -> None:
    """目標達成度 and 前年度比較 are judged only for 成果指標: beside 対象指標, 事務事業数 and 施策コスト
    their cells were left out, the table's grid open on its right (みどり市's 活動指標 too)."""
    _path, book = template
    sheet = book["施策マネジメントシート"]
    header = next(r for r in sheet.iter_rows() if any(c.value == "目標達成度" for c in r))
    columns = [c.column for c in header if c.value in ("目標達成度", "前年度比較")]
    total = next(r for r in sheet.iter_rows() if any(c.value == "トータルコスト(A)+(B)" for c in r))
    rows = range(header[0].row + 1, total[0].row + 1)
    open_cells = [
        f"{sheet.cell(row, col).coordinate}"
        for row in rows
        for col in columns
        if sheet.cell(row, col).border.right.style is None
    ]
    assert not open_cells, open_cells
