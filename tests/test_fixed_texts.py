"""The template's fixed texts (headings, units, labels) and the cells it leaves empty.

Every case starts from a real filled template; the edits are made with openpyxl the way Excel
makes them (corpus.build's edits: rows inserted with the names, merges and formulas shifted),
one case is saved again by LibreOffice.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from corpus.build import (
    DOC,
    LAYOUT_ID,
    SHEET,
    add_sheet,
    delete_rows,
    edit_file,
    insert_rows,
    unprotect,
)
from libreoffice_support import require_soffice

from xlsxsheet.checks.fixed_texts import CHANGED_LIMIT, OUTSIDE_LIMIT, fold
from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.core.cells import a1, column_letter
from xlsxsheet.core.data_files import load_document
from xlsxsheet.external.libreoffice import recalculate
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan.workbook_plan import WorkbookPlan
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DATA = sorted(EXAMPLES.glob("*.yaml"))
CODES = ("label-changed", "text-outside-form", "fixed-texts-unchecked")
NOTE = "※R6は課長決裁済み"

Op = Callable[[openpyxl.Workbook], None]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 施策マネジメントシート template filled with its example document."""
    path = tmp_path_factory.mktemp("fixed") / "filled.xlsx"
    make_template(default_registry().get(LAYOUT_ID), path, None, DOC)
    return path


def _edited(source: Path, out: Path, *ops: Op) -> Path:
    edit_file(source, out, ops)  # as the corpus edits: the way Excel does
    return out


def typed_at(ref: str, value: object, sheet: str = SHEET) -> Op:
    """A department typing into any cell (the protection off)."""

    def op(book: openpyxl.Workbook) -> None:
        book[sheet][ref] = value

    return op


def _found(result: CheckResult) -> list[tuple[str, str | None, str | None]]:
    return [(p.code, p.sheet, p.cell) for p in result.problems if p.code in CODES]


def _plan(path: Path) -> WorkbookPlan:
    return read_file(path).plan


def text_cell(plan: WorkbookPlan, text: str, sheet: str = SHEET) -> str:
    """The A1 cell of the first fixed text `text` of a sheet of the plan."""
    sheet_plan = next(s for s in plan.sheets if s.name == sheet)
    cell = next(c for c in sheet_plan.cells if c.slot is None and c.text == text)
    return a1(cell.row, cell.col)


def empty_cell(plan: WorkbookPlan, sheet: str = SHEET) -> str:
    """The A1 cell of the first cell the template paints and leaves empty (a blank header)."""
    sheet_plan = next(s for s in plan.sheets if s.name == sheet)
    cell = next(c for c in sheet_plan.cells if c.slot is None and not c.text)
    return a1(cell.row, cell.col)


def beside(plan: WorkbookPlan, row: int, sheet: str = SHEET) -> str:
    """A cell just right of the form, on 1-based `row`."""
    sheet_plan = next(s for s in plan.sheets if s.name == sheet)
    return f"{column_letter(sheet_plan.definition.width)}{row}"


# --- nothing new for what the examples and the unchanged templates hold ---------------------


@pytest.mark.parametrize("data", DATA, ids=[p.stem for p in DATA])
def test_every_example_made_fresh_has_none(data: Path, tmp_path: Path) -> None:
    doc = load_document(data)
    fresh = tmp_path / f"{data.stem}.xlsx"
    make_template(default_registry().get(doc["layout"]), fresh, None, doc)
    assert _found(check_file(fresh)) == []
    assert _found(check_file(data.with_suffix(".xlsx"))) == []


@pytest.mark.parametrize("data", DATA, ids=[p.stem for p in DATA])
def test_every_example_compares_every_fixed_text(data: Path, tmp_path: Path) -> None:
    """The comparison does run on each example: one unit or heading changed is found."""
    workbook = data.with_suffix(".xlsx")
    plan = _plan(workbook)
    sheet = plan.sheets[-1]
    text = next(c for c in reversed(sheet.cells) if c.slot is None and c.text)
    ref = a1(text.row, text.col)
    changed = _edited(workbook, tmp_path / "changed.xlsx", typed_at(ref, "変更", sheet.name))
    assert _found(check_file(changed)) == [("label-changed", sheet.name, ref)]


def test_the_filled_template_unprotected_has_none(filled: Path, tmp_path: Path) -> None:
    out = _edited(filled, tmp_path / "unprotected.xlsx", unprotect())
    assert [p.code for p in check_file(out).problems] == ["protection-removed"]


# --- what a department changes ----------------------------------------------------------------


def test_a_unit_changed_and_a_note_outside_the_form_are_reported(
    filled: Path, tmp_path: Path
) -> None:
    plan = _plan(filled)
    unit, note = text_cell(plan, "千円"), beside(plan, 5)
    out = _edited(
        filled, tmp_path / "edited.xlsx", unprotect(), typed_at(unit, "円"), typed_at(note, NOTE)
    )
    result = check_file(out)
    assert _found(result) == [("label-changed", SHEET, unit), ("text-outside-form", SHEET, note)]
    changed = next(p for p in result.problems if p.code == "label-changed")
    assert (changed.severity, changed.value, changed.expected) == ("warning", "円", "千円")
    assert f"'{SHEET}'!{unit}: 様式の文字「千円」が「円」に変更されています" in changed.message
    outside = next(p for p in result.problems if p.code == "text-outside-form")
    assert outside.severity == "warning" and f"「{NOTE}」" in outside.message
    assert "点検・集計では読みません" in outside.message
    removed = next(p for p in result.problems if p.code == "protection-removed")
    assert "この点検の他の項目で報告します" in removed.message


def test_a_heading_changed_or_cleared_and_a_note_in_an_empty_header(
    filled: Path, tmp_path: Path
) -> None:
    plan = _plan(filled)
    heading, title, blank = (
        text_cell(plan, "目標値"),
        text_cell(plan, "基本施策名"),
        empty_cell(plan),
    )
    out = _edited(
        filled,
        tmp_path / "edited.xlsx",
        unprotect(),
        typed_at(heading, "目標"),
        typed_at(title, None),
        typed_at(blank, NOTE),
    )
    found = _found(check_file(out))
    assert sorted(found) == sorted(
        [
            ("label-changed", SHEET, heading),
            ("label-changed", SHEET, title),
            ("text-outside-form", SHEET, blank),
        ]
    )
    cleared = next(p for p in check_file(out).problems if p.cell == title)
    assert "「基本施策名」が消されています" in cleared.message


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("千円", " 千円 "),  # spaces around
        ("千円", "千\u3000円"),  # an ideographic space inside
        ("目標達成度", "目標\n達成度"),  # a line break
        ("H28年度", "Ｈ２８年度"),  # full-width letters and digits
        ("R2年度", "R2年度"),  # the rendered year heading as it is
        ("名称(展開方向ごとに記載)", "名称（展開方向ごとに記載）"),  # full-width brackets
        ("1", 1),  # a row label retyped as a number
    ],
)
def test_the_same_text_written_otherwise_is_no_change(
    filled: Path, tmp_path: Path, text: str, typed: object
) -> None:
    ref = text_cell(_plan(filled), text)
    out = _edited(filled, tmp_path / "same.xlsx", typed_at(ref, typed))
    assert _found(check_file(out)) == []


@pytest.mark.parametrize("typed", ["", "   ", "\u3000"])
def test_an_empty_string_outside_the_form_is_nothing(
    filled: Path, tmp_path: Path, typed: str
) -> None:
    plan = _plan(filled)
    out = _edited(
        filled, tmp_path / "blank.xlsx", typed_at(empty_cell(plan), typed), typed_at("Q3", typed)
    )
    assert _found(check_file(out)) == []


def test_fold_is_what_people_see() -> None:
    assert fold(None) == fold("") == fold(" \u3000\n") == ""
    assert fold("（Ａ）＋（Ｂ） 千円") == "(A)+(B)千円"
    assert fold(2.0) == fold(2) == "2"


def test_notes_outside_the_form_are_bounded_per_sheet(filled: Path, tmp_path: Path) -> None:
    plan = _plan(filled)
    notes = [typed_at(beside(plan, row), f"メモ{row}") for row in range(1, OUTSIDE_LIMIT + 8)]
    result = check_file(_edited(filled, tmp_path / "notes.xlsx", *notes))
    outside = [p for p in result.problems if p.code == "text-outside-form"]
    assert len(outside) == OUTSIDE_LIMIT + 1
    assert [p.cell for p in outside[:OUTSIDE_LIMIT]] == [
        beside(plan, row) for row in range(1, OUTSIDE_LIMIT + 1)
    ]
    summary = outside[-1]
    assert summary.cell is None and summary.sheet == SHEET
    assert "ほかにも様式の入力欄でないセルへの記入が 7 か所" in summary.message


def test_many_changed_texts_are_one_line(filled: Path, tmp_path: Path) -> None:
    """A sheet whose texts differ in many places is another template, not a department's
    edit: one line, not one per cell."""
    sheet_plan = _plan(filled).sheets[0]
    texts = [c for c in sheet_plan.cells if c.slot is None and c.text][: CHANGED_LIMIT + 5]
    ops = [typed_at(a1(c.row, c.col), f"旧{c.text}") for c in texts]
    result = check_file(_edited(filled, tmp_path / "older.xlsx", *ops))
    changed = [p for p in result.problems if p.code == "label-changed"]
    assert [(p.sheet, p.cell) for p in changed] == [(SHEET, None)]
    assert f"{CHANGED_LIMIT + 5} か所" in changed[0].message


def test_a_sheet_the_department_added_is_not_read(filled: Path, tmp_path: Path) -> None:
    out = _edited(filled, tmp_path / "added.xlsx", add_sheet("メモ"))
    result = check_file(out)
    assert _found(result) == []
    assert ("sheet-added", "メモ") in [(p.code, p.sheet) for p in result.problems]


# --- cells that moved ---------------------------------------------------------------------------


def _shifted(ref: str, rows: int) -> str:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
    return f"{letters}{int(digits) + rows}"


def test_rows_inserted_give_no_flood_and_a_change_at_its_moved_cell(
    filled: Path, tmp_path: Path
) -> None:
    plan = _plan(filled)
    unit = text_cell(plan, "千円")
    rows_inserted = _edited(filled, tmp_path / "rows.xlsx", unprotect(), insert_rows(31, 3))
    assert _found(check_file(rows_inserted)) == []
    moved = _shifted(unit, 3)
    out = _edited(rows_inserted, tmp_path / "rows-unit.xlsx", typed_at(moved, "円"))
    assert _found(check_file(out)) == [("label-changed", SHEET, moved)]
    note = _edited(rows_inserted, tmp_path / "rows-note.xlsx", typed_at("B32", NOTE))
    assert _found(check_file(note)) == [("text-outside-form", SHEET, "B32")]


def test_a_row_deleted_gives_no_flood(filled: Path, tmp_path: Path) -> None:
    """The 政策名 row deleted: its label went with it, the rows below moved up."""
    out = _edited(filled, tmp_path / "deleted.xlsx", delete_rows(3, 1))
    result = check_file(out)
    assert "cells-moved" in [p.code for p in result.problems]
    assert _found(result) == []


def test_columns_inserted_are_said_once_and_not_compared(filled: Path, tmp_path: Path) -> None:
    def insert_column(book: openpyxl.Workbook) -> None:
        book[SHEET].insert_cols(2)  # before B; the names follow, as Excel moves them
        for defined in book.defined_names.values():
            text = defined.attr_text or ""
            defined.attr_text = re.sub(
                r"\$([A-Z]+)\$",
                lambda m: "$" + (m[1] if m[1] == "A" else _next_column(m[1])) + "$",
                text,
            )

    result = check_file(_edited(filled, tmp_path / "column.xlsx", insert_column))
    assert _found(result) == [("fixed-texts-unchecked", SHEET, None)]
    notice = next(p for p in result.problems if p.code == "fixed-texts-unchecked")
    assert notice.severity == "info" and "列が挿入・削除されているため" in notice.message


def _next_column(letters: str) -> str:
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return column_letter(col)


def test_rows_inserted_inside_a_records_table_are_fields(tmp_path: Path) -> None:
    """施策評価シート's 取組 table grown by two rows, a record typed in one: inside the body,
    so no cell is outside the form, and the texts below the table are found where they went."""
    workbook = EXAMPLES / "shisaku-hyoka-R1.xlsx"
    table = _plan(workbook).records["actions"]
    inside = table.first_row + 3  # 1-based: the fourth body row
    sheet = table.sheet
    out = _edited(
        workbook,
        tmp_path / "grown.xlsx",
        insert_rows(inside, 2, sheet),
        typed_at(f"B{inside}", "追加した取組", sheet),
    )
    result = check_file(out)
    assert read_file(out).plan.records["actions"].last_row == table.last_row + 2
    assert _found(result) == []
    note = beside(_plan(out), inside + 1, sheet)  # beside the body: not the table's
    noted = _edited(out, tmp_path / "noted.xlsx", typed_at(note, NOTE, sheet))
    assert _found(check_file(noted)) == [("text-outside-form", sheet, note)]


# --- saved again by LibreOffice ----------------------------------------------------------------


def test_libreoffice_saved_edits_are_reported_at_their_cells(filled: Path, tmp_path: Path) -> None:
    soffice = require_soffice()
    plan = _plan(filled)
    unit, note = text_cell(plan, "千円"), beside(plan, 5)
    before = _edited(
        filled, tmp_path / "edited.xlsx", unprotect(), typed_at(unit, "円"), typed_at(note, NOTE)
    )
    saved = recalculate(before, tmp_path / "saved", soffice=soffice)
    result = check_file(saved)
    assert _found(result) == [("label-changed", SHEET, unit), ("text-outside-form", SHEET, note)]
    assert "protection-removed" in [p.code for p in result.problems]


def test_libreoffice_saved_records_example_has_none(tmp_path: Path) -> None:
    soffice = require_soffice()
    source = tmp_path / "shinchoku-shihyo-R6.xlsx"
    shutil.copyfile(EXAMPLES / source.name, source)
    saved = recalculate(source, tmp_path / "saved", soffice=soffice)
    assert _found(check_file(saved)) == []


def test_the_web_page_and_the_marked_sheet_show_a_message_without_its_place() -> None:
    """A problem with no 項目 (a fixed text) was shown with its 'シート'!セル: again."""
    from xlsxsheet.core.problems import Problem, without_place

    plain = Problem("label-changed", "'様式'!E35: 様式の文字「千円」が…", sheet="様式", cell="E35")
    assert without_place(plain.message, plain) == "様式の文字「千円」が…"
    field = Problem(
        "invalid-value", "'様式'!E36 (事業費): 値が…", sheet="様式", cell="E36", label="事業費"
    )
    assert without_place(field.message, field) == "値が…"
    elsewhere = Problem("invalid-value", "'様式'!E36: 値が…", sheet="様式", cell="E37")
    assert without_place(elsewhere.message, elsewhere) == elsewhere.message
