"""Build the corpus: damaged and unusual workbooks, each made from a real filled template.

Every case is a small readable record: its name, how it is made from the template filled with
``examples/shisaku-management-R2.yaml`` (an edit through openpyxl done the way Excel does it, a
change to the zip's parts, or raw bytes), whether LibreOffice saves it again afterwards, how it
is checked (``--layout`` / ``--year``, extra layout folders) and the exact problems expected:
``(code, sheet, cell)``. Nothing binary is kept in the repository; `build_corpus` makes it all.

    from corpus.build import build_corpus
    for case in build_corpus(tmp_dir):
        check_file(case.path, case.registry(), case.layout_id, case.year)

Edits that move cells (inserting or deleting rows, renaming or deleting a sheet) also update
what Excel updates: defined names, merged ranges, formulas, input rules and row heights.
"""

from __future__ import annotations

import copy
import random
import re
import shutil
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

from corpus.cfb import write_cfb
from xlsxsheet.core.cells import a1
from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.names import META_SHEET
from xlsxsheet.core.problems import CATALOGUE
from xlsxsheet.external.libreoffice import recalculate, to_xls
from xlsxsheet.layout.registry import LayoutRegistry, bundled_templates_dir, default_registry
from xlsxsheet.plan.workbook_plan import build_plan
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "shisaku-management-R2.yaml"
LAYOUT_ID = "shisaku-management"
SHEET = "施策マネジメントシート"
YEAR = 2020
DOC = load_document(EXAMPLE)
PLAN = build_plan(default_registry().get(LAYOUT_ID), YEAR, {"plan_start": 2020, "plan_final": 2027})

Key = tuple[str, int | None]


def cell(field_id: str, year: int | None = None) -> str:
    """The template's A1 address of a field (one year of a series)."""
    slot = PLAN.slots[(field_id, year)]
    return a1(slot.row, slot.col)


def moved(field_id: str, year: int | None = None, rows: int = 0) -> str:
    """Where a field's cell is after `rows` rows were inserted above it (negative: deleted)."""
    slot = PLAN.slots[(field_id, year)]
    return a1(slot.row + rows, slot.col)


@dataclass(frozen=True)
class Expect:
    """A problem the case must produce: its code, and its sheet and cell where it has them."""

    code: str
    sheet: str | None = None
    cell: str | None = None

    @property
    def severity(self) -> str:
        return CATALOGUE[self.code][0]


def at(code: str, field_id: str, year: int | None = None) -> Expect:
    """A problem expected at a field's template address on the main sheet."""
    return Expect(code, SHEET, cell(field_id, year))


@dataclass
class Sources:
    """The real templates the cases start from, made once per corpus."""

    filled: Path  # the example document in the shisaku-management template
    two_sheets: Path  # the same in a two-sheet variant (for sheet order)
    layouts: dict[str, Path]  # extra layout folders by purpose
    soffice: str | None = None


Make = Callable[[Sources, Path], None]


@dataclass
class CorpusCase:
    """One damaged or unusual workbook and what checking it must report."""

    name: str
    about: str
    make: Make
    expected: tuple[Expect, ...]
    suffix: str = ".xlsx"
    libreoffice: bool = False  # saved again by LibreOffice after the change
    made_by_libreoffice: bool = False  # the file itself is written by LibreOffice (.xls)
    layout_id: str | None = None  # check --layout
    year: int | None = None  # check --year
    layouts: tuple[str, ...] = ()  # extra layout folders (keys of Sources.layouts)
    reads: dict[Key, Any] = field(default_factory=dict)  # field values reading must give
    path: Path | None = None  # set by build_corpus
    layout_dirs: tuple[Path, ...] = ()  # set by build_corpus

    @property
    def needs_soffice(self) -> bool:
        return self.libreoffice or self.made_by_libreoffice

    def registry(self) -> LayoutRegistry:
        """The layouts to check this case with: the bundled ones, then its extra folders."""
        return LayoutRegistry([bundled_templates_dir(), *self.layout_dirs])


# --- edits through openpyxl, done the way Excel does them ----------------------------------

Op = Callable[[openpyxl.Workbook], None]


def edit(*ops: Op) -> Make:
    """Open the filled template with openpyxl, apply `ops`, save as the case's file."""

    def make(sources: Sources, out: Path) -> None:
        edit_file(sources.filled, out, ops)

    return make


def edit_two_sheets(*ops: Op) -> Make:
    def make(sources: Sources, out: Path) -> None:
        edit_file(sources.two_sheets, out, ops)

    return make


def edit_file(source: Path, out: Path, ops: Sequence[Op]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(source)
    for op in ops:
        op(book)
    book.save(out)


def typed(field_id: str, year: int | None, value: Any) -> Op:
    """A department typing `value` into a field's cell (a str starting with = is a formula)."""

    def op(book: openpyxl.Workbook) -> None:
        book[SHEET][cell(field_id, year)] = value

    return op


def computed_total(field_id: str, year: int) -> Op:
    """Overwrite a computed cell's formula with the value it computes."""

    def op(book: openpyxl.Workbook) -> None:
        return typed(field_id, year, _filled_value(field_id, year))(book)

    return op


_FILLED_VALUES: dict[Key, Any] = {}


def _filled_value(field_id: str, year: int | None) -> Any:
    return _FILLED_VALUES[(field_id, year)]


_A1_REF = re.compile(r"(?<![A-Za-z_!#])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\d(])")


def _shift_refs(text: str, at: int, by: int) -> str:
    """Shift A1 references at or below row `at` by `by` rows; deleted rows become #REF!."""

    def sub(m: re.Match[str]) -> str:
        row = int(m[4])
        if by < 0 and at <= row < at - by:
            return "#REF!"
        if row >= at:
            row += by
        return f"{m[1]}{m[2]}{m[3]}{row}"

    return _A1_REF.sub(sub, text)


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _shift_names(book: openpyxl.Workbook, sheet: str, at: int, by: int) -> None:
    prefix = _quoted(sheet) + "!"
    for defined in book.defined_names.values():
        text = defined.attr_text or ""
        if text.startswith(prefix):
            ref = _shift_refs(text[len(prefix) :], at, by)
            defined.attr_text = prefix + ("#REF!" if "#REF!" in ref else ref)


def _shifted_merge(bounds: CellRange, at: int, by: int) -> CellRange | None:
    """A merged range after rows were inserted above `at` (by > 0) or rows at..at-by-1 deleted
    (by < 0), as Excel moves it: below, it moves; one the change falls inside grows or shrinks
    by the rows inserted or deleted within it; one wholly deleted is gone (None)."""
    top, bottom = bounds.min_row, bounds.max_row
    if by > 0:
        top, bottom = (top + by if top >= at else top), (bottom + by if bottom >= at else bottom)
    else:
        last = at - by - 1  # the last deleted row

        def deleted_up_to(row: int) -> int:  # deleted rows at or above `row`
            return max(0, min(row, last) - at + 1)

        top, bottom = top - deleted_up_to(top - 1), bottom - deleted_up_to(bottom)
        if bottom < top:
            return None
    return CellRange(min_col=bounds.min_col, min_row=top, max_col=bounds.max_col, max_row=bottom)


def _shift_sheet(ws: Any, at: int, by: int) -> list[CellRange]:
    """Shift formulas, input rules and row heights; return the merges to redo, shifted."""
    merges = []
    for merged in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(merged))
        bounds = _shifted_merge(CellRange(str(merged)), at, by)
        if bounds is not None:
            merges.append(bounds)
    for c in ws._cells.values():
        if c.data_type == "f" and isinstance(c.value, str):
            c.value = _shift_refs(c.value, at, by)
    for rule in ws.data_validations.dataValidation:
        kept = []
        for bounds in rule.sqref.ranges:
            bounds = CellRange(str(bounds))
            if by < 0 and at <= bounds.min_row < at - by:
                continue
            if bounds.min_row >= at:
                bounds.shift(row_shift=by)
            kept.append(str(bounds))
        rule.sqref = MultiCellRange(" ".join(kept))
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    for r in list(ws.row_dimensions):
        ws.row_dimensions[r].height = None
    for r, height in heights.items():
        if by < 0 and at <= r < at - by:
            continue
        ws.row_dimensions[r + by if r >= at else r].height = height
    return merges


def insert_rows(at: int, amount: int, sheet: str = SHEET) -> Op:
    """Insert `amount` rows above row `at` (1-based), as Excel does."""

    def op(book: openpyxl.Workbook) -> None:
        ws = book[sheet]
        merges = _shift_sheet(ws, at, amount)
        ws.insert_rows(at, amount)
        for bounds in merges:
            ws.merge_cells(str(bounds))
        _shift_names(book, sheet, at, amount)

    return op


def delete_rows(at: int, amount: int, sheet: str = SHEET) -> Op:
    """Delete rows at..at+amount-1 (1-based), as Excel does (their names become #REF!)."""

    def op(book: openpyxl.Workbook) -> None:
        ws = book[sheet]
        merges = _shift_sheet(ws, at, -amount)
        ws.delete_rows(at, amount)
        for bounds in merges:
            ws.merge_cells(str(bounds))
        _shift_names(book, sheet, at, -amount)

    return op


def delete_row_of(field_id: str, year: int | None = None) -> Op:
    """Delete the row holding a field's cell, found by its defined name in the workbook."""

    def op(book: openpyxl.Workbook) -> None:
        name = PLAN.slots[(field_id, year)].name
        ref = book.defined_names[name].attr_text.split("!")[-1].replace("$", "")
        delete_rows(int(re.sub(r"[A-Z]+", "", ref)), 1)(book)

    return op


def rename_sheet(new: str, update_names: bool = True, sheet: str = SHEET) -> Op:
    """Rename a sheet; Excel also rewrites the names that point at it."""

    def op(book: openpyxl.Workbook) -> None:
        book[sheet].title = new
        if update_names:
            old, fresh = _quoted(sheet) + "!", _quoted(new) + "!"
            for defined in book.defined_names.values():
                if (defined.attr_text or "").startswith(old):
                    defined.attr_text = fresh + defined.attr_text[len(old) :]

    return op


def hide_sheet(state: str = "hidden", sheet: str = SHEET) -> Op:
    def op(book: openpyxl.Workbook) -> None:
        book[sheet].sheet_state = state

    return op


def add_sheet(name: str, index: int | None = None) -> Op:
    def op(book: openpyxl.Workbook) -> None:
        ws = book.create_sheet(name, index)
        ws["A1"] = "メモ: 提出前に確認"

    return op


def delete_sheet(sheet: str = SHEET) -> Op:
    """Delete a sheet; Excel turns the names that pointed at it into #REF!."""

    def op(book: openpyxl.Workbook) -> None:
        del book[sheet]
        prefix = _quoted(sheet) + "!"
        for defined in book.defined_names.values():
            if (defined.attr_text or "").startswith(prefix):
                defined.attr_text = "#REF!" + defined.attr_text[len(prefix) :]

    return op


def move_sheet(sheet: str, offset: int) -> Op:
    def op(book: openpyxl.Workbook) -> None:
        book.move_sheet(sheet, offset)

    return op


def unprotect(sheet: str = SHEET) -> Op:
    def op(book: openpyxl.Workbook) -> None:
        book[sheet].protection.sheet = False

    return op


def merge(ref: str, first_unmerge: Sequence[str] = ()) -> Op:
    """Merge cells as Excel does: only the top-left value survives."""

    def op(book: openpyxl.Workbook) -> None:
        ws = book[SHEET]
        for old in first_unmerge:
            ws.unmerge_cells(old)
        ws.merge_cells(ref)

    return op


def unmerge(ref: str) -> Op:
    def op(book: openpyxl.Workbook) -> None:
        book[SHEET].unmerge_cells(ref)

    return op


def drop_name(field_id: str, year: int | None = None) -> Op:
    def op(book: openpyxl.Workbook) -> None:
        del book.defined_names[PLAN.slots[(field_id, year)].name]

    return op


def drop_all_names() -> Op:
    def op(book: openpyxl.Workbook) -> None:
        for name in [n for n in book.defined_names if n.startswith("xs_")]:
            del book.defined_names[name]

    return op


def break_name(field_id: str, year: int | None = None) -> Op:
    def op(book: openpyxl.Workbook) -> None:
        book.defined_names[PLAN.slots[(field_id, year)].name].attr_text = f"{_quoted(SHEET)}!#REF!"

    return op


def set_meta(key: str, value: str) -> Op:
    """Change one metadata entry, on the hidden sheet and in the document properties."""

    def op(book: openpyxl.Workbook) -> None:
        ws = book[META_SHEET]
        for row in ws.iter_rows(min_row=2, max_col=2):
            if row[0].value == key:
                row[1].value = value
        for prop in book.custom_doc_props.props:
            if prop.name == f"xlsxsheet.{key}":
                prop.value = value

    return op


def drop_metadata() -> Op:
    def op(book: openpyxl.Workbook) -> None:
        del book[META_SHEET]
        for prop in list(book.custom_doc_props.props):
            book.custom_doc_props.props.remove(prop)

    return op


def far_cell(ref: str = "XFD1048576") -> Op:
    def op(book: openpyxl.Workbook) -> None:
        book[SHEET][ref] = "x"

    return op


# --- edits of the zip's parts and of the bytes ------------------------------------------


def rezip(
    replace: dict[str, Callable[[bytes], bytes]] | None = None,
    add: dict[str, bytes] | None = None,
    keep: Callable[[str], bool] = lambda _name: True,
) -> Make:
    """Copy the filled template's zip, changing, adding or leaving out parts."""

    def make(sources: Sources, out: Path) -> None:
        with (
            zipfile.ZipFile(sources.filled) as src,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            for info in src.infolist():
                if not keep(info.filename):
                    continue
                data = src.read(info)
                if replace and info.filename in replace:
                    data = replace[info.filename](data)
                dst.writestr(info.filename, data)
            for name, data in (add or {}).items():
                dst.writestr(name, data)

    return make


def after_xml_declaration(insert: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        head, sep, rest = data.partition(b"?>")
        return head + sep + b"\n" + insert.encode() + rest

    return change


def substitute(pattern: str, replacement: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        new, count = re.subn(pattern.encode(), replacement.encode(), data)
        assert count, pattern
        return new

    return change


def bytes_of(make_bytes: Callable[[Sources], bytes]) -> Make:
    def make(sources: Sources, out: Path) -> None:
        out.write_bytes(make_bytes(sources))

    return make


def copy_of_filled(sources: Sources, out: Path) -> None:
    shutil.copyfile(sources.filled, out)


def zip_of(members: dict[str, bytes]) -> Make:
    def make(sources: Sources, out: Path) -> None:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name, data in members.items():
                dst.writestr(name, data)

    return make


def xls_by_libreoffice(sources: Sources, out: Path) -> None:
    """The filled template saved by LibreOffice as Excel 97-2003 (.xls)."""
    made = to_xls(sources.filled, sources.filled.parent / "xls", soffice=sources.soffice)
    shutil.move(made, out)


def vanished(sources: Sources, out: Path) -> None:
    """A file listed for a batch that is gone when its turn comes."""
    shutil.copyfile(sources.filled, out)
    out.unlink()


XXE = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'  # external entity
LAUGHS = (
    '<!DOCTYPE sst [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)
VBA_CONTENT_TYPE = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _macro_types(data: bytes) -> bytes:
    text = data.decode().replace(XLSX_MAIN, MACRO_MAIN)
    return text.replace("<Default ", VBA_CONTENT_TYPE + "<Default ", 1).encode()


# --- the cases ------------------------------------------------------------------------

S = SHEET
NAT = "perf.cost.national"
FORECAST_A, FORECAST_I, FORECAST_U = (f"perf.target.{x}.forecast" for x in "aiu")
ACTUAL_A = "perf.target.a.actual"
OUTCOME_ACTUAL = "perf.outcome.d1.a.actual"
ACHIEVEMENT = "perf.outcome.d1.a.achievement"
TOTAL_A = "perf.cost.total_a"
NA = "-"
AIM = DOC["purpose"]["aim"]

# the 地方債 row deleted: its names broken, the rows below moved up, every 事業費計(A) formula
# left with an input it cannot be written with
COST_ROW_DELETED = (
    Expect("name-broken", S),
    Expect("cells-moved", S, moved("perf.cost.other", 2016, rows=-1)),
    *(
        Expect("formula-input-gone", S, moved(TOTAL_A, year, rows=-1))
        for year in range(2016, 2028)
        if ("perf.cost.bonds", year) in PLAN.slots
    ),
)

CASES: list[CorpusCase] = [
    # --- values as departments type them --------------------------------------------
    CorpusCase(
        "number-with-commas",
        "76,423 typed as text with thousands separators",
        edit(typed(ACTUAL_A, YEAR, "76,423")),
        (
            at("value-normalized", ACTUAL_A, YEAR),
            at("number-stored-as-text", ACTUAL_A, YEAR),
        ),
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "number-with-commas-libreoffice",
        "the same, saved again by LibreOffice",
        edit(typed(ACTUAL_A, YEAR, "76,423")),
        (
            at("value-normalized", ACTUAL_A, YEAR),
            at("number-stored-as-text", ACTUAL_A, YEAR),
        ),
        libreoffice=True,
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "fullwidth-digits",
        "full-width digits",
        edit(typed(ACTUAL_A, YEAR, "７６４２３")),
        (
            at("value-normalized", ACTUAL_A, YEAR),
            at("number-stored-as-text", ACTUAL_A, YEAR),
        ),
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "man-unit",
        "7万6423: 万 inside the number",
        edit(typed(ACTUAL_A, YEAR, "7万6423")),
        (
            at("value-normalized", ACTUAL_A, YEAR),
            at("number-stored-as-text", ACTUAL_A, YEAR),
        ),
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "qualifier-nobe",
        "延べ76423: a qualifier before the number",
        edit(typed(ACTUAL_A, YEAR, "延べ76423")),
        (
            at("value-normalized", ACTUAL_A, YEAR),
            at("number-stored-as-text", ACTUAL_A, YEAR),
        ),
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "percent-with-space",
        "12.8 ％: full-width percent sign after a space",
        edit(typed(OUTCOME_ACTUAL, YEAR, "12.8 ％")),
        (
            at("value-normalized", OUTCOME_ACTUAL, YEAR),
            at("number-stored-as-text", OUTCOME_ACTUAL, YEAR),
        ),
        reads={(OUTCOME_ACTUAL, YEAR): 12.8},
    ),
    CorpusCase(
        "triangle-negative",
        "△5: the triangle as a minus sign",
        edit(typed(FORECAST_A, YEAR, "△5")),
        (
            at("value-normalized", FORECAST_A, YEAR),
            at("number-stored-as-text", FORECAST_A, YEAR),
        ),
        reads={(FORECAST_A, YEAR): -5},
    ),
    CorpusCase(
        "minus-sign-variant",
        "−5 with U+2212 MINUS SIGN",
        edit(typed(FORECAST_I, YEAR, "−5")),
        (
            at("value-normalized", FORECAST_I, YEAR),
            at("number-stored-as-text", FORECAST_I, YEAR),
        ),
        reads={(FORECAST_I, YEAR): -5},
    ),
    CorpusCase(
        "long-vowel-mark",
        "ー (長音) typed for 'none': not a dash, not a number",
        edit(typed(FORECAST_U, YEAR, "ー")),
        (at("not-a-number", FORECAST_U, YEAR),),
        reads={(FORECAST_U, YEAR): None},
    ),
    CorpusCase(
        "dash-not-applicable",
        "－ alone: not applicable, distinct from blank and 0",
        edit(typed(FORECAST_A, 2021, "－")),
        (),
        reads={(FORECAST_A, 2021): NA},
    ),
    CorpusCase(
        "text-in-number",
        "不明 typed into a 千円 cell",
        edit(typed(NAT, YEAR, "不明")),
        (at("not-a-number", NAT, YEAR),),
        reads={(NAT, YEAR): None},
    ),
    CorpusCase(
        "yen-in-money",
        "300円 in a 千円 cell of a year with no other figures",
        edit(typed("perf.cost.personnel_b", 2021, "300円")),
        (
            at("value-normalized", "perf.cost.personnel_b", 2021),
            at("number-stored-as-text", "perf.cost.personnel_b", 2021),
            at("unit-slip", "perf.cost.personnel_b", 2021),
        ),
        reads={("perf.cost.personnel_b", 2021): 300},
    ),
    CorpusCase(
        "choice-with-spaces",
        "' 未達成 ' picked with spaces around it",
        edit(typed(ACHIEVEMENT, None, " 未達成 ")),
        (at("value-normalized", ACHIEVEMENT),),
        reads={(ACHIEVEMENT, None): "未達成"},
    ),
    CorpusCase(
        "choice-not-in-list",
        "未達 typed over the dropdown: told once, with the value its numbers give",
        edit(typed(ACHIEVEMENT, None, "未達")),
        (at("not-in-list", ACHIEVEMENT),),
    ),
    CorpusCase(
        "required-cleared",
        "the 基本施策名 cleared",
        edit(typed("header.shisaku_name", None, None)),
        (at("required-missing", "header.shisaku_name"),),
    ),
    CorpusCase(
        "word-paste-crlf",
        "text pasted from Word: a CR LF line end, which Excel stores as _x000D_ + LF",
        rezip(replace={"xl/sharedStrings.xml": substitute("ともに、", "ともに、_x000D_\n")}),
        (at("value-normalized", "purpose.aim"),),
        reads={("purpose.aim", None): AIM.replace("ともに、", "ともに、\n")},
    ),
    CorpusCase(
        "date-in-number",
        "a date typed into a number cell",
        edit(typed(FORECAST_A, YEAR, datetime(2020, 4, 1))),
        (at("not-a-number", FORECAST_A, YEAR),),
    ),
    CorpusCase(
        "boolean-in-number",
        "TRUE typed into a number cell",
        edit(typed(FORECAST_A, YEAR, True)),
        (at("not-a-number", FORECAST_A, YEAR),),
    ),
    CorpusCase(
        "error-value-in-number",
        "#DIV/0! pasted into a number cell",
        edit(typed(FORECAST_A, YEAR, "#DIV/0!")),
        (at("not-a-number", FORECAST_A, YEAR),),
    ),
    CorpusCase(
        "formula-in-input",
        "=1+2 typed into an input cell, never calculated (no saved result)",
        edit(typed(FORECAST_A, YEAR, "=1+2")),
        (at("formula-in-input", FORECAST_A, YEAR),),
        reads={(FORECAST_A, YEAR): None},
    ),
    CorpusCase(
        "formula-in-input-libreoffice",
        "=1+2 typed into an input cell, calculated and saved by LibreOffice",
        edit(typed(FORECAST_A, YEAR, "=1+2")),
        (at("formula-in-input", FORECAST_A, YEAR),),
        libreoffice=True,
        reads={(FORECAST_A, YEAR): 3},
    ),
    # --- formulas ------------------------------------------------------------------
    CorpusCase(
        "formula-overwritten",
        "事業費計(A) overwritten with the value it computes",
        edit(computed_total(TOTAL_A, YEAR)),
        (at("formula-overwritten", TOTAL_A, YEAR),),
    ),
    CorpusCase(
        "formula-overwritten-libreoffice",
        "the same, saved again by LibreOffice",
        edit(computed_total(TOTAL_A, YEAR)),
        (at("formula-overwritten", TOTAL_A, YEAR),),
        libreoffice=True,
    ),
    CorpusCase(
        "formula-overwritten-wrong",
        "事業費計(A) overwritten with a number that does not add up",
        edit(typed(TOTAL_A, YEAR, 1)),
        (at("total-mismatch", TOTAL_A, YEAR),),  # one problem on the cell, not two
    ),
    CorpusCase(
        "formula-changed",
        "事業費計(A) summing one row too few",
        edit(typed(TOTAL_A, YEAR, f"=SUM({cell(NAT, YEAR)}:{cell('perf.cost.other', YEAR)})")),
        (at("formula-changed", TOTAL_A, YEAR),),
    ),
    # --- structure -----------------------------------------------------------------
    CorpusCase(
        "rows-inserted",
        "two rows inserted above the 実績推移 table",
        edit(insert_rows(31, 2)),
        (Expect("cells-moved", S, moved(FORECAST_A, 2016, rows=2)),),
        reads={(ACTUAL_A, YEAR): 76423, (TOTAL_A, YEAR): 1918138},
    ),
    CorpusCase(
        "rows-inserted-libreoffice",
        "the same, saved again by LibreOffice",
        edit(insert_rows(31, 2)),
        (Expect("cells-moved", S, moved(FORECAST_A, 2016, rows=2)),),
        libreoffice=True,
        reads={(ACTUAL_A, YEAR): 76423, (TOTAL_A, YEAR): 1918138},
    ),
    CorpusCase(
        "row-deleted",
        "the 政策名 row deleted: its three fields are gone, the rest moved up",
        edit(delete_rows(3, 1)),
        (
            # no cell: on a sheet whose rows moved the template's address holds another item
            Expect("name-broken", S),
            Expect("cells-moved", S, moved("purpose.target", rows=-1)),
        ),
        reads={("header.policy_name", None): None, (ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "cost-row-deleted",
        "the unused 地方債 row of the costs deleted: the totals cannot be restored (a guess at"
        " the template's address would sum その他 twice)",
        edit(delete_row_of("perf.cost.bonds", YEAR)),
        COST_ROW_DELETED,
    ),
    CorpusCase(
        "cost-row-deleted-libreoffice",
        "the same, saved again by LibreOffice",
        edit(delete_row_of("perf.cost.bonds", YEAR)),
        COST_ROW_DELETED,
        libreoffice=True,
    ),
    CorpusCase(
        "name-deleted",
        "one defined name deleted: read from the template's address",
        edit(drop_name("header.lead_dept")),
        (at("name-missing", "header.lead_dept"),),
        reads={("header.lead_dept", None): "福祉総務課"},
    ),
    CorpusCase(
        "name-broken",
        "one defined name pointing at #REF!",
        edit(break_name("header.manager")),
        (at("name-broken", "header.manager"),),
        reads={("header.manager", None): "伊形 研一郎"},
    ),
    CorpusCase(
        "all-names-deleted",
        "every xs_ name deleted (the sheet copied into a new book): one problem, not 450",
        edit(drop_all_names()),
        (Expect("name-missing"),),
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "sheet-renamed",
        "the sheet renamed after the department (Excel rewrites the names)",
        edit(rename_sheet("施策12(福祉総務課)")),
        (Expect("sheet-renamed", "施策12(福祉総務課)"),),
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "sheet-renamed-libreoffice",
        "the same, saved again by LibreOffice",
        edit(rename_sheet("施策12(福祉総務課)")),
        (Expect("sheet-renamed", "施策12(福祉総務課)"),),
        libreoffice=True,
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "sheet-renamed-names-stale",
        "the sheet renamed by a tool that left the names pointing at the old name",
        edit(rename_sheet("Sheet1", update_names=False)),
        (Expect("sheet-missing", S), Expect("sheet-added", "Sheet1")),
    ),
    CorpusCase(
        "sheet-hidden",
        "the sheet hidden behind a memo sheet (Excel keeps one sheet visible)",
        edit(add_sheet("メモ"), hide_sheet()),
        (Expect("sheet-hidden", S), Expect("sheet-added", "メモ")),
    ),
    CorpusCase(
        "sheet-hidden-libreoffice",
        "the same, saved again by LibreOffice",
        edit(add_sheet("メモ"), hide_sheet()),
        (Expect("sheet-hidden", S), Expect("sheet-added", "メモ")),
        libreoffice=True,
    ),
    CorpusCase(
        "sheet-deleted",
        "the sheet deleted, a memo sheet left (Excel turns the names into #REF!)",
        edit(add_sheet("メモ"), delete_sheet()),
        (Expect("sheet-missing", S), Expect("sheet-added", "メモ")),
    ),
    CorpusCase(
        "sheet-added-in-front",
        "a memo sheet added before the form",
        edit(add_sheet("メモ", 0)),
        (Expect("sheet-added", "メモ"),),
    ),
    CorpusCase(
        "sheets-reordered",
        "a two-sheet template with its sheets swapped",
        edit_two_sheets(move_sheet("補足", -1)),
        (Expect("sheet-order", "補足"),),
        layouts=("two",),
    ),
    CorpusCase(
        "protection-removed",
        "sheet protection switched off",
        edit(unprotect()),
        (Expect("protection-removed", S),),
    ),
    CorpusCase(
        "unprotected-and-restructured",
        "protection off, then rows inserted",
        edit(unprotect(), insert_rows(31, 3)),
        (
            Expect("protection-removed", S),
            Expect("cells-moved", S, moved(FORECAST_A, 2016, rows=3)),
        ),
        libreoffice=True,
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "cells-merged",
        "政策番号 and 政策名 merged into one cell: the 政策名 is lost",
        edit(merge("C3:H3", first_unmerge=["D3:H3"])),
        (at("cells-merged", "header.policy_name"),),
        reads={("header.policy_name", None): None, ("header.policy_no", None): "4"},
    ),
    CorpusCase(
        "cells-merged-libreoffice",
        "the same, saved again by LibreOffice",
        edit(merge("C3:H3", first_unmerge=["D3:H3"])),
        (at("cells-merged", "header.policy_name"),),
        libreoffice=True,
    ),
    CorpusCase(
        "cells-unmerged",
        "the 基本施策名 range unmerged",
        edit(unmerge("D2:H2")),
        (at("cells-unmerged", "header.shisaku_name"),),
        reads={("header.shisaku_name", None): "支え合いの地域づくりと自立支援"},
    ),
    # --- which template ------------------------------------------------------------
    CorpusCase(
        "another-layout",
        "checked as another layout (--layout) than the one it was made from",
        copy_of_filled,
        (Expect("layout-mismatch"),),
        layout_id="shisaku-other",
        layouts=("other",),
    ),
    CorpusCase(
        "another-year",
        "an R2 workbook checked with --year R3",
        copy_of_filled,
        (Expect("year-mismatch"),),
        year=2021,
    ),
    CorpusCase(
        "older-version-migrated",
        "a version 1 workbook read with version 2 of the layout, which keeps a migration",
        copy_of_filled,
        (Expect("layout-migrated"),),
        layouts=("v2",),
        reads={("header.manager_name", None): "伊形 研一郎", (ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "older-version-no-migration",
        "a version 1 workbook checked with version 3, which keeps no migration from 1",
        copy_of_filled,
        (Expect("layout-version"),),
        layouts=("v3",),
    ),
    CorpusCase(
        "newer-version",
        "a workbook made by a newer layout version than this xlsxsheet knows",
        edit(set_meta("version", "9")),
        (Expect("layout-version"),),
    ),
    CorpusCase(
        "unknown-layout",
        "metadata naming a layout nobody has",
        edit(set_meta("layout", "kuzu-sheet")),
        (Expect("layout-unknown"),),
    ),
    CorpusCase(
        "metadata-removed",
        "the hidden metadata sheet and properties removed",
        edit(drop_metadata()),
        (Expect("not-xlsxsheet"),),
    ),
    CorpusCase(
        "metadata-removed-layout-given",
        "the same, checked with --layout and --year",
        edit(drop_metadata()),
        (Expect("metadata-missing"),),
        layout_id=LAYOUT_ID,
        year=YEAR,
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    # --- files ---------------------------------------------------------------------
    CorpusCase("empty-file", "0 bytes", bytes_of(lambda _s: b""), (Expect("file-empty"),)),
    CorpusCase(
        "random-bytes",
        "random bytes named .xlsx",
        bytes_of(lambda _s: random.Random(4).randbytes(5000)),
        (Expect("not-a-workbook"),),
    ),
    CorpusCase(
        "html-as-xls",
        "an HTML table a system exported as .xls",
        bytes_of(lambda _s: b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
        (Expect("not-a-workbook"),),
        suffix=".xls",
    ),
    CorpusCase(
        "zip-without-workbook",
        "a zip of other files named .xlsx",
        zip_of({"readme.txt": "提出します".encode()}),
        (Expect("zip-no-workbook"),),
    ),
    CorpusCase(
        "docx-as-xlsx",
        "a Word document named .xlsx",
        zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}),
        (Expect("zip-no-workbook"),),
    ),
    CorpusCase(
        "ods-as-xlsx",
        "a LibreOffice .ods named .xlsx",
        zip_of(
            {
                "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
            }
        ),
        (Expect("zip-no-workbook"),),
    ),
    CorpusCase(
        "truncated",
        "the first half of the workbook (an interrupted copy)",
        bytes_of(lambda s: s.filled.read_bytes()[: s.filled.stat().st_size // 2]),
        (Expect("file-corrupt"),),
    ),
    CorpusCase(
        "legacy-xls",
        "saved by LibreOffice as Excel 97-2003 .xls: values read, error says how to convert",
        xls_by_libreoffice,
        (Expect("legacy-xls"),),
        suffix=".xls",
        made_by_libreoffice=True,
        reads={(ACTUAL_A, YEAR): 76423, (TOTAL_A, YEAR): 1918138},
    ),
    CorpusCase(
        "encrypted",
        "a password-encrypted workbook (an OLE2 file with EncryptedPackage)",
        bytes_of(lambda _s: b""),  # replaced in build_corpus by write_cfb
        (Expect("workbook-encrypted"),),
    ),
    CorpusCase(
        "word-97-as-xls",
        "a Word 97 document named .xls",
        bytes_of(lambda _s: b""),  # replaced in build_corpus by write_cfb
        (Expect("not-a-workbook"),),
        suffix=".xls",
    ),
    CorpusCase(
        "xlsm-with-macros",
        "a macro-enabled workbook with a VBA project: read, never run",
        rezip(
            replace={"[Content_Types].xml": _macro_types},
            add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really a VBA project"},
        ),
        (Expect("macro-workbook"),),
        suffix=".xlsm",
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "xxe-external-entity",
        "an external entity declared in xl/workbook.xml",
        rezip(replace={"xl/workbook.xml": after_xml_declaration(XXE)}),
        (Expect("xml-dtd"),),
    ),
    CorpusCase(
        "billion-laughs",
        "nested entities declared in xl/sharedStrings.xml",
        rezip(replace={"xl/sharedStrings.xml": after_xml_declaration(LAUGHS)}),
        (Expect("xml-dtd"),),
    ),
    CorpusCase(
        "zip-bomb",
        "a 64 MB part of zeros that compresses to 64 KB",
        rezip(add={"xl/media/image1.png": bytes(64 * 1024 * 1024)}),
        (Expect("zip-bomb"),),
    ),
    CorpusCase(
        "dimension-whole-grid",
        "a sheet recording A1:XFD1048576 as its used range",
        rezip(
            replace={
                "xl/worksheets/sheet1.xml": substitute(
                    r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>'
                )
            }
        ),
        (Expect("dimension-huge", S),),
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "cell-in-last-row-and-column",
        "a stray value in XFD1048576: the reader must not walk the whole grid",
        edit(far_cell()),
        (Expect("dimension-huge", S), Expect("text-outside-form", S, "XFD1048576")),
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "vanished",
        "a file listed for a batch that is gone when its turn comes",
        vanished,
        (Expect("file-missing"),),
    ),
    # --- unusual but fine ----------------------------------------------------------
    CorpusCase(
        "xlsx-named-xls",
        "a real .xlsx whose name ends in .xls",
        copy_of_filled,
        (),
        suffix=".xls",
        reads={(ACTUAL_A, YEAR): 76423},
    ),
    CorpusCase(
        "clean-libreoffice",
        "the filled template saved again by LibreOffice, unchanged",
        copy_of_filled,
        (),
        libreoffice=True,
        reads={(ACTUAL_A, YEAR): 76423, (TOTAL_A, YEAR): 1918138},
    ),
]

_CFB_STREAMS = {
    "encrypted": {
        "EncryptionInfo": b"\x04\x00\x04\x00" + bytes(200),
        "EncryptedPackage": bytes(3000),
    },
    "word-97-as-xls": {"WordDocument": bytes(1000), "1Table": bytes(1000)},
}


# --- layouts the cases need besides the bundled one -------------------------------------


def _layout_data() -> dict[str, Any]:
    return yaml.safe_load((bundled_templates_dir() / f"{LAYOUT_ID}.yaml").read_text("utf-8"))


def _rename_field(data: dict[str, Any], old: str, new: str) -> None:
    for sheet in data["sheets"]:
        for block in sheet["blocks"]:
            for row in block.get("rows", []):
                for form_cell in row:
                    if form_cell.get("field") == old:
                        form_cell["field"] = new


def _write_layout(folder: Path, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{data['layout']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def write_layouts(out: Path) -> dict[str, Path]:
    """Variants of the real layout: another id, a second sheet, versions 2 and 3."""
    other = _layout_data()
    other["layout"] = "shisaku-other"
    other["title"] = "別の様式"
    two = _layout_data()
    two["layout"] = "shisaku-two-sheets"
    two["sheets"].append(
        {
            "id": "notes",
            "name": "補足",
            "columns": [20, 60],
            "blocks": [
                {
                    "type": "form",
                    "id": "notes",
                    "rows": [
                        [
                            {"text": "補足事項", "span": 1},
                            {"field": "memo", "label": "補足事項", "type": "text", "span": 1},
                        ]
                    ],
                }
            ],
        }
    )
    v2 = _layout_data()
    v2["version"] = 2
    _rename_field(v2, "manager", "manager_name")
    v2["migrations"] = [{"from": 1, "rename": {"header.manager": "header.manager_name"}}]
    v3 = copy.deepcopy(v2)
    v3["version"] = 3
    v3["migrations"] = [{"from": 2}]
    return {
        "other": _write_layout(out / "layouts-other", other),
        "two": _write_layout(out / "layouts-two", two),
        "v2": _write_layout(out / "layouts-v2", v2),
        "v3": _write_layout(out / "layouts-v3", v3),
    }


# --- building ---------------------------------------------------------------------------


def make_sources(out: Path, soffice: str | None = None) -> Sources:
    """The real templates, filled with the example document."""
    out.mkdir(parents=True, exist_ok=True)
    layouts = write_layouts(out)
    filled = out / "filled.xlsx"
    make_template(default_registry().get(LAYOUT_ID), filled, None, DOC)
    two_layout = LayoutRegistry([bundled_templates_dir(), layouts["two"]]).get("shisaku-two-sheets")
    two_sheets = out / "filled-two-sheets.xlsx"
    make_template(two_layout, two_sheets, None, {**DOC, "layout": "shisaku-two-sheets"})
    result = read_file(filled)
    _FILLED_VALUES.update(result.inputs | result.computed)
    return Sources(filled, two_sheets, layouts, soffice)


def build_case(case: CorpusCase, sources: Sources, out_dir: Path, work_dir: Path) -> CorpusCase:
    """Make one case's file in out_dir (scratch files in work_dir); returns it with `path` set."""
    target = out_dir / f"{case.name}{case.suffix}"
    if case.name in _CFB_STREAMS:
        write_cfb(target, _CFB_STREAMS[case.name])
    elif case.libreoffice:
        if sources.soffice is None:
            raise RuntimeError(f"case {case.name} needs LibreOffice (soffice)")
        work = work_dir / "libreoffice" / case.name
        work.mkdir(parents=True, exist_ok=True)
        before = work / f"{case.name}{case.suffix}"
        case.make(sources, before)
        saved = recalculate(before, work / "saved", soffice=sources.soffice)
        shutil.move(saved, target)
    else:
        case.make(sources, target)
    case.path = target
    case.layout_dirs = tuple(sources.layouts[key] for key in case.layouts)
    return case


def build_corpus(
    out_dir: Path, soffice: str | None = None, *, libreoffice: bool = True
) -> list[CorpusCase]:
    """Build every case into out_dir/cases (LibreOffice cases only when `libreoffice` and a
    soffice is given); the templates and scratch files go to out_dir/work.

    Returns fresh copies of the cases with `path` set, in the order of CASES.
    """
    out_dir = Path(out_dir)
    work, cases = out_dir / "work", out_dir / "cases"
    cases.mkdir(parents=True, exist_ok=True)
    sources = make_sources(work / "sources", soffice)
    built = []
    for case in CASES:
        if case.needs_soffice and not (libreoffice and soffice):
            continue
        built.append(build_case(copy.copy(case), sources, cases, work))
    return built
