"""調布市 施策評価シート (layout shisaku-hyoka, seed 001): the figures, rules and round trips."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from libreoffice_support import pdf_pages_and_text
from records_support import (
    example_workbook,
    formula_cells_agree,
    insert_rows_libreoffice,
    insert_rows_openpyxl,
)

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.cli import main
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.reading.return_reader import read_file

STEM = "shisaku-hyoka-R1"
MARKS = [
    "ahead",
    "on_plan",
    "behind",
    "effect",
    "efficiency",
    "finance",
    "participation",
    "no_room",
]
# SHEETS.md, 001: the 計 and 割合(%) rows the seed publishes
PUBLISHED_COUNT = [0, 2, 0, 2, 0, 0, 2, 0]
PUBLISHED_SHARE = [0.0, 100.0, 0.0, 100.0, 0.0, 0.0, 100.0, 0.0]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_workbook(STEM, tmp_path_factory.mktemp("hyoka"))


def test_count_and_share_rows_reproduce_the_seed(filled: Path) -> None:
    doc = read_file(filled).document()
    assert len(doc["jigyo"]) == 2
    assert [doc["jigyo_count"][c] for c in MARKS] == PUBLISHED_COUNT
    assert [doc["jigyo_share"][c] for c in MARKS] == PUBLISHED_SHARE


def test_count_cells_are_live_formulas_over_the_table_body(filled: Path) -> None:
    book = openpyxl.load_workbook(filled)
    sheet, ref = next(iter(book.defined_names["xs_jigyo_count_on_plan"].destinations))
    formula = book[sheet][ref.replace("$", "")].value
    body = book.defined_names["xs_jigyo_rows"].attr_text
    column = ref.replace("$", "").rstrip("0123456789")
    first, last = body.split("!")[1].replace("$", "").split(":")
    assert formula == f'=COUNTIF(${column}${first[1:]}:${column}${last[1:]},"●")'
    sheet, ref = next(iter(book.defined_names["xs_jigyo_share_on_plan"].destinations))
    assert "ROUND(" in book[sheet][ref.replace("$", "")].value


def test_indicator_values_as_written(filled: Path) -> None:
    """まちづくり指標: 1万958 is a number; 延べ600 以上 keeps its words (they say what it counts)."""
    rows = read_file(filled).document()["indicators"]
    assert [r["base"] for r in rows] == [10958, 107, "延べ500"]
    assert [r["actual"] for r in rows] == [17436, 105, "延べ 597"]
    assert [r["target"] for r in rows] == [20000, 140, "延べ600 以上"]
    assert [r["base_year"] for r in rows] == ["H29", "H29", "H27見込"]


def test_tidy_csv_keeps_the_indicator_values_written_as_text(filled: Path, tmp_path: Path) -> None:
    """延べ 597 and 延べ600 以上 (kept as text: keep_text qualified) are rows of the tidy CSV,
    their text in 値(文字); the figures read as numbers stay in 値; a value whose year is no
    fiscal year keeps the year as written."""
    import csv

    out = tmp_path / "tidy.csv"
    result = CliRunner().invoke(
        main, ["collect", str(filled), "-o", str(tmp_path / "s.xlsx"), "--csv", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    third = {
        (r["項目ID"], r["年度"]): (r["値"], r["値(文字)"])
        for r in rows
        if r["明細番号"] == "3" and r["項目ID"].startswith("indicators.")
    }
    assert third[("indicators.actual", "2019")] == ("", "延べ 597")
    assert third[("indicators.target", "2022")] == ("", "延べ600 以上")
    # its 基準値's year is written H27見込: no fiscal year, so 年度 is empty and the text kept
    base = next(r for r in rows if r["明細番号"] == "3" and r["項目ID"] == "indicators.base")
    assert (base["年度"], base["年度(和暦)"], base["値(文字)"]) == ("", "H27見込", "延べ500")
    numbers = [r for r in rows if r["項目ID"] == "jigyo.cost"]
    assert numbers and all(r["値"].isdigit() and r["値(文字)"] == "" for r in numbers)


def test_example_has_no_problems(filled: Path) -> None:
    checked = check_file(filled)
    assert [p.code for p in checked.problems if p.severity != "info"] == []


def test_read_template_read_is_the_identity(filled: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["read", str(filled), "-o", str(tmp_path / "a.json")])
    assert first.exit_code == 0, first.output
    again = runner.invoke(
        main,
        [
            "template",
            "shisaku-hyoka",
            "--data",
            str(tmp_path / "a.json"),
            "-o",
            str(tmp_path / "b.xlsx"),
        ],
    )
    assert again.exit_code == 0, again.output
    assert read_file(tmp_path / "b.xlsx").document() == json.loads(
        (tmp_path / "a.json").read_text()
    )


def test_flat_read_names_table_cells_by_body_name_and_row(filled: Path) -> None:
    flat = read_file(filled).flat()
    cells = [f for f in flat["fields"] if f["name"] == "xs_jigyo_rows" and f["row"] == 2]
    assert {f["field"]: f["value"] for f in cells}["name"] == "福祉人材育成事業の推進"
    assert {f["field"] for f in cells} >= {"num", "on_plan", "next"}


def _cell(book: openpyxl.Workbook, sheet: str, row: int, col: int) -> openpyxl.cell.Cell:
    return book[sheet].cell(row=row, column=col)


def test_mark_rules_are_checked(filled: Path, tmp_path: Path) -> None:
    """● in exactly one of 計画前倒し/計画どおり/計画遅れ; 改善余地なし only alone; 計 follows."""
    result = read_file(filled)
    table = result.plan.records["jigyo"]
    first = table.units[0]
    book = openpyxl.load_workbook(filled)
    sheet = table.sheet

    def at(column: str) -> openpyxl.cell.Cell:
        slot = first[(column, None)]
        return _cell(book, sheet, slot.row + 1, slot.col + 1)

    at("ahead").value = "●"  # now two of 取組実績
    at("no_room").value = "●"  # with 有効性改善 and 参加と協働改善
    second = table.units[1]
    for column in ("effect", "participation"):
        slot = second[(column, None)]
        _cell(book, sheet, slot.row + 1, slot.col + 1).value = None  # 方向性 left empty
    damaged = tmp_path / "damaged.xlsx"
    book.save(damaged)
    checked = check_file(damaged)
    codes = [(p.code, p.cell) for p in checked.problems if p.severity == "error"]
    assert ("marks-exactly-one", at("ahead").coordinate) in codes
    assert ("marks-alone", at("no_room").coordinate) in codes
    assert any(code == "marks-missing" for code, _ in codes)
    doc = checked.read.document() if checked.read else {}
    assert doc["jigyo_count"]["ahead"] == 1 and doc["jigyo_count"]["effect"] == 1


def _new_record(table: object, unit_row: int) -> dict[str, str]:
    """Cell values of a new 事務事業 typed into sheet row `unit_row` (1-based)."""
    from openpyxl.utils import get_column_letter

    cols = table.col_of  # type: ignore[attr-defined]
    letter = {k: get_column_letter(v + 1) for k, v in cols.items()}
    return {
        f"{letter['num']}{unit_row}": "3",
        f"{letter['name']}{unit_row}": "再犯防止推進事業",
        f"{letter['behind']}{unit_row}": "●",
        f"{letter['no_room']}{unit_row}": "●",
    }


def test_rows_inserted_with_openpyxl_are_read(filled: Path, tmp_path: Path) -> None:
    table = read_file(filled).plan.records["jigyo"]
    at = table.first_row + 2 + 1  # before the first spare row (1-based)
    out = insert_rows_openpyxl(
        filled, tmp_path / "inserted.xlsx", table.sheet, at, 1, _new_record(table, at)
    )
    checked = check_file(out)
    doc = checked.read.document() if checked.read else {}
    assert [r["name"] for r in doc["jigyo"]][-1] == "再犯防止推進事業"
    assert len(doc["jigyo"]) == 3
    assert doc["jigyo_count"]["behind"] == 1 and doc["jigyo_share"]["on_plan"] == 66.7
    assert not [p for p in checked.problems if p.severity == "error"], checked.problems


@pytest.mark.libreoffice
def test_rows_inserted_in_libreoffice_are_read(filled: Path, tmp_path: Path, soffice: str) -> None:
    table = read_file(filled).plan.records["jigyo"]
    at = table.first_row + 1 + 1  # between the two 事務事業
    out = insert_rows_libreoffice(
        soffice,
        tmp_path / "profile",
        filled,
        tmp_path / "lo.xlsx",
        table.sheet,
        at,
        2,
        _new_record(table, at),
    )
    checked = check_file(out)
    doc = checked.read.document() if checked.read else {}
    assert [r["name"] for r in doc["jigyo"]] == [
        "地域福祉コーディネーター事業の推進",
        "再犯防止推進事業",
        "福祉人材育成事業の推進",
    ]
    assert doc["jigyo_count"]["on_plan"] == 2 and doc["jigyo_count"]["no_room"] == 1
    # LibreOffice grew the table's name and the COUNTIF ranges: nothing to correct
    assert not [p for p in checked.problems if p.code.startswith("formula")], checked.problems
    assert not [p for p in checked.problems if p.severity == "error"], checked.problems


def test_fix_restores_an_overwritten_count(filled: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(filled)
    sheet, ref = next(iter(book.defined_names["xs_jigyo_count_on_plan"].destinations))
    book[sheet][ref.replace("$", "")] = 5
    damaged = tmp_path / "damaged.xlsx"
    book.save(damaged)
    checked = check_file(damaged)
    place = (sheet, ref.replace("$", ""))
    at_cell = [p.code for p in checked.problems if (p.sheet, p.cell) == place]
    assert at_cell == ["total-mismatch"], checked.problems  # one problem on the cell
    fixed = write_fixed(checked, tmp_path / "fixed.xlsx")
    again = check_file(fixed)
    assert not [p for p in again.problems if p.severity == "error"]


@pytest.mark.libreoffice
def test_libreoffice_recalculates_to_xlsxsheets_values(
    filled: Path, tmp_path: Path, soffice: str
) -> None:
    assert formula_cells_agree(filled, soffice, tmp_path) == []


@pytest.mark.libreoffice
def test_renders_to_pdf_pages(filled: Path, tmp_path: Path, soffice: str) -> None:
    pages, text = pdf_pages_and_text(filled, soffice, tmp_path, layout=True)
    assert 3 <= pages <= 6  # the review sheet, the 事務事業 list, the evaluation table
    for words in ("施策評価シート", "まちづくり指標", "計画どおり", "割合(%)", "100.0"):
        assert words in text
