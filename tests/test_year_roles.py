"""Year columns with roles (決算 / 予算): headings, check, the tidy CSV's 区分, collect's totals and
rollover respect them (the 事務事業評価シート: R4–R6 決算, R7 予算)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.core.names import field_name
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.batch import check_return
from xlsxsheet.office.collect import collect_returns, cost_tables, tidy_rows
from xlsxsheet.office.rollover import next_year_document, prepare_return
from xlsxsheet.reading.return_reader import read_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "jimu-jigyo-R6.xlsx"
LAYOUT = ROOT / "templates" / "jimu-jigyo.yaml"


def _cell(book: openpyxl.Workbook, field_id: str, year: int | None = None) -> Any:
    sheet, ref = next(
        iter(book.defined_names[field_name(tuple(field_id.split(".")), year)].destinations)
    )
    return book[sheet][ref.replace("$", "")]


def test_headings_and_labels_say_the_role() -> None:
    book = openpyxl.load_workbook(EXAMPLE)
    sheet = book["事務事業評価シート"]
    headings = {
        cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)
    }
    assert {"R4年度(決算)", "R5年度(決算)", "R6年度(決算)", "R7年度(予算)"} <= headings
    slot = read_file(EXAMPLE).plan.slots[("perf.cost.general", 2025)]
    assert slot.label == "事業費 財源内訳 一般財源 R7年度(予算)"


def test_the_tidy_csv_says_yosan_for_the_budget_column() -> None:
    collection = collect_returns([check_return(EXAMPLE)])
    rows = {(row[10], row[13]): row[15] for row in tidy_rows(collection)}  # (項目ID, 年度) → 区分
    assert rows[("perf.cost.general", 2024)] == "実績"
    assert rows[("perf.cost.general", 2025)] == "予算"
    assert rows[("perf.staff.personnel_b", 2025)] == "予算"
    assert rows[("perf.activity.a1.target", 2025)] == "目標"  # a target is a target in any column
    assert ("perf.activity.a1.actual", 2025) not in rows  # no 実績 in the budget year


def test_collect_totals_the_budget_apart_from_the_actuals() -> None:
    (table,) = cost_tables(collect_returns([check_return(EXAMPLE)]))
    whole = table["whole"]
    assert whole["事業費計(A)"] == {2022: 253280, 2023: 261600, 2024: 270830}
    assert whole["事業費計(A)(予算)"] == {2025: 279500}
    assert whole["トータルコスト(A)+(B)(予算)"] == {2025: 279500 + 33440}


def test_rollover_does_not_carry_a_budget_into_next_years_actual_column() -> None:
    item = prepare_return(EXAMPLE, 2025, default_registry())
    doc = item.document
    assert doc is not None and doc["year"] == 2025
    cost = doc["perf"]["cost"]["general"]
    assert cost == {"2023": 98760, "2024": 103480}  # R4 leaves the window, R7's 予算 is no 決算
    assert "事業費 財源内訳 一般財源 R7年度" in " ".join(item.cleared)
    targets = doc["perf"]["activity"]["a1"]["target"]
    assert targets["2025"] == 1020  # a target carries whatever the column's role
    assert doc["perf"]["activity"]["a1"]["actual"] == {"2023": 975, "2024": 1008}


def test_check_warns_of_an_actual_in_the_budget_column(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLE)
    cell = _cell(book, "perf.activity.a1.actual", 2025)
    cell.value = 1030
    wrong = tmp_path / "wrong.xlsx"
    book.save(wrong)
    found = [p for p in check_file(wrong).problems if p.code == "year-role"]
    assert [(p.cell, p.severity) for p in found] == [(cell.coordinate, "warning")]
    assert "決算の列にだけ入力します(予算の列には入力しません)" in found[0].message


def _broken(tmp_path: Path, old: str, new: str) -> LayoutError:
    text = LAYOUT.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "jimu-jigyo.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (
            "{from: 1, to: 1, role: 予算}",
            "{from: 0, to: 1, role: 予算}",
            ["role「予算」の年度が role「決算」と重なっています", "role を1つだけ"],
        ),
        (
            "{from: 1, to: 1, role: 予算}",
            "{from: 1, to: next, role: 予算}",
            ["roles の from と to は評価年度からの差(整数)", "例: {from: -2, to: 0, role: 決算}"],
        ),
        (
            "{from: 1, to: 1, role: 予算}",
            "{from: 1, to: 1, rol: 予算}",
            ["未知のキー「rol」", "「role」の誤り"],
        ),
        (
            'format: "#,##0", year_roles: [決算],',
            'format: "#,##0", year_roles: [実績],',
            ["year_roles の「実績」は年度の列の role にありません", "いま: 予算, 決算"],
        ),
        (
            'format: "#,##0", year_roles: ignore,',
            'format: "#,##0", year_roles: always,',
            ["year_roles「always」は使えません", "follow", "ignore"],
        ),
    ],
)
def test_role_mistakes_are_explained(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    error = str(_broken(tmp_path, old, new))
    assert "jimu-jigyo.yaml" in error and "行目" in error, error
    for fragment in fragments:
        assert fragment in error, error


def test_next_year_document_is_what_rollover_writes() -> None:
    from xlsxsheet.office.rollover import RolloverItem

    item = RolloverItem(EXAMPLE)
    doc = next_year_document(read_file(EXAMPLE), 2025, item)
    assert "2025" not in doc["perf"]["staff"]["personnel_b"]


def test_collect_totals_at_every_level_the_summary_declares(tmp_path: Path) -> None:
    """施策 and 政策 (the 事務事業評価シート's `summary.levels`): two 事務事業 of one 施策 and a
    third of another 施策 of the same 政策."""
    from xlsxsheet.core.data_files import load_document
    from xlsxsheet.writing.make_template import make_template

    layout = default_registry().get("jimu-jigyo")
    paths = []
    for number, shisaku in (("01", "3-1"), ("02", "3-1"), ("03", "3-2")):
        doc = load_document(ROOT / "examples" / "jimu-jigyo-R6.yaml")
        doc["header"].update(jigyo_no=number, shisaku_no=shisaku, shisaku_name=f"施策{shisaku}")
        path = tmp_path / f"{number}.xlsx"
        make_template(layout, path, None, doc)
        paths.append(path)
    (table,) = cost_tables(collect_returns([check_return(p) for p in paths]))
    (shisaku, by_shisaku), (seisaku, by_seisaku) = table["levels"]
    assert (shisaku, seisaku) == ("施策", "政策")
    one = 270830  # the example's 事業費計(A) of R6
    assert by_shisaku[("3-1", "施策3-1")]["事業費計(A)"][2024] == 2 * one
    assert by_shisaku[("3-2", "施策3-2")]["事業費計(A)"][2024] == one
    assert by_seisaku[("3", "子どもが健やかに育つまち")]["事業費計(A)"][2024] == 3 * one
    assert list(by_seisaku) == [("3", "子どもが健やかに育つまち")]
    from xlsxsheet.office.collect import write_summary_workbook

    out = write_summary_workbook(
        collect_returns([check_return(p) for p in paths]), tmp_path / "集計.xlsx"
    )
    sheet = openpyxl.load_workbook(out)["政策別コスト"]
    titles = [row[0] for row in sheet.iter_rows(values_only=True) if row[0]]
    assert "事務事業評価シート 令和6年度 施策別(千円)" in titles
    assert "事務事業評価シート 令和6年度 政策別(千円)" in titles
    per_unit = openpyxl.load_workbook(out)["コスト集計"]
    assert any(
        row[0] == "事務事業評価シート 令和6年度 事務事業別(千円)"
        for row in per_unit.iter_rows(values_only=True)
    )
