"""Templates written without xlsxwriter, from the fixed parts of one workbook it wrote.

Most of a template's parts depend only on its layout, year and params: the styles, each
sheet's views, columns, protection and page setup, the document properties and the hidden
metadata sheet. What a document's records and values change is each sheet's cells, rows,
merged ranges and dropdowns, the defined names and the shared strings. Painting all of it
through xlsxwriter costs 10–50 ms a workbook, and a records layout's returns each have tables
of their own lengths, so each needs a workbook painted anew.

A :class:`Base` keeps the fixed parts of a workbook :func:`~xlsxsheet.writing.template_writer.write_template`
wrote; :meth:`Base.write` writes any plan of the same layout, year and params by making the
changing parts the way xlsxwriter makes them, byte for byte. A base is kept only if its own
plan and values, written this way, give back xlsxwriter's workbook exactly (the timestamps
aside), so a change in xlsxwriter's output turns this path off rather than writing something
else. A plan whose cells meet the styles in another order than the base's (xlsxwriter numbers
styles in the order the sheets first use them) gets a base of its own.
``tests/test_template_xml.py`` holds the path to xlsxwriter's bytes on every example and on
documents with tables of many lengths.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlsxwriter.utility import quote_sheetname

from xlsxsheet.core.cells import column_letter
from xlsxsheet.core.memo import derived
from xlsxsheet.plan.workbook_plan import PlanCell, SheetPlan, WorkbookPlan
from xlsxsheet.rules.formulas import formula_of
from xlsxsheet.rules.recompute import recompute
from xlsxsheet.writing.print_ranges import print_area, print_titles
from xlsxsheet.writing.template_writer import (
    _number_format,
    _row_heights,
    body_cells,
    field_names,
    table_names,
    validation_options,
    write_template,
)

__all__ = ["Base", "Unsupported", "write"]

Key = tuple[str, int | None]
StyleKey = tuple[str, str | None]  # (style, number format): one xlsxwriter format
_ERROR_CODES = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")
_MAX_STRING = 32767  # xlsxwriter truncates longer strings (Excel's limit)
_DEFAULT_ROW_PIXELS = 20
# Formulas xlsxwriter writes as dynamic arrays or rewrites with a _xlfn. prefix (its
# re_dynamic_function and _prepare_formula; "SINGLE(" is matched there without \b too).
_REWRITTEN = re.compile(
    r"\b(?:ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA"
    r"|MAKEARRAY|MAP|RANDARRAY|REDUCE|SCAN|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL"
    r"|TOROW|UNIQUE|VSTACK|WRAPCOLS|WRAPROWS|XLOOKUP)\(|SINGLE\("
)
_SHEET = re.compile(
    rb'^(.*?<dimension ref=")[^"]*("/>.*?<sheetData>).*(</sheetData>(?:<sheetProtection[^>]*/>)?)'
    rb'(?:<mergeCells count="[0-9]+">.*?</mergeCells>)?'
    rb'(?:<dataValidations count="[0-9]+">.*?</dataValidations>)?'
    rb"(.*)$",
    re.S,
)
_NAMES = re.compile(rb"<definedNames>.*?</definedNames>", re.S)
_SST_HEAD = re.compile(rb'^(.*?<sst xmlns="[^"]*" count=")[0-9]+(" uniqueCount=")[0-9]+(">)', re.S)
_SI = re.compile(rb"<si>.*?</si>", re.S)
_STRING_CELL = re.compile(rb'( t="s"><v>)([0-9]+)(</v>)')
_TIMESTAMP = re.compile(rb'(<dcterms:(?:created|modified) xsi:type="dcterms:W3CDTF">)[^<]*(<)')
_SST_PART = "xl/sharedStrings.xml"
_WORKBOOK_PART = "xl/workbook.xml"


class Unsupported(Exception):
    """This plan or these values need xlsxwriter itself (write_template writes the file)."""


@dataclass(frozen=True)
class _Frame:
    """A sheet part with its changing pieces taken out."""

    head: bytes  # up to the dimension's ref
    middle: bytes  # from the end of the dimension to <sheetData>
    protection: bytes  # </sheetData> and the sheet protection
    tail: bytes  # print options, margins, page setup, header and footer


class _Strings:
    """The shared string table, as xlsxwriter's SharedStrings fills it: in the order strings
    are written, each text once; `count` counts every string written."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def add(self, text: str) -> int:
        self.count += 1
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def xml(self, head: re.Match[bytes]) -> bytes:
        return b"".join(
            (
                head.group(1),
                str(self.count).encode(),
                head.group(2),
                str(len(self.index)).encode(),
                head.group(3),
                *(shared_string(text) for text in self.index),
                b"</sst>",
            )
        )


def shared_string(text: str) -> bytes:
    """The <si> element of a shared string, as xlsxwriter's SharedStrings writes it."""
    text = _escape_control_characters(text)
    if text.startswith("<r>") and text.endswith("</r>"):
        raise Unsupported("a string xlsxwriter would write as rich text")
    attr = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    return f"<si><t{attr}>{_escape_data(text)}</t></si>".encode()


class _Styles:
    """xlsxwriter's style numbers: given in the order the sheets first use each format (row
    by row, sheet by sheet). Learning, it numbers them so; else it checks they come in the
    base's order."""

    def __init__(self, order: list[StyleKey] | None) -> None:
        self.learning = order is None
        self.order: list[StyleKey] = [] if order is None else order
        self.number = {key: i + 1 for i, key in enumerate(self.order)}
        self.seen = 0

    def of(self, key: StyleKey) -> int:
        number = self.number.get(key)
        if number is None:
            if not self.learning:
                raise _OtherStyles
            self.order.append(key)
            number = self.number[key] = len(self.order)
        if number > self.seen:
            if number != self.seen + 1:
                raise _OtherStyles
            self.seen = number
        return number

    def check_all_used(self) -> None:
        if self.seen != len(self.order):
            raise _OtherStyles


class _OtherStyles(Exception):
    """The plan meets the formats in another order than the base: it needs a base of its own."""


# --- XML text, escaped as xlsxwriter's XMLwriter escapes it ----------------------------------

_ESCAPES = re.compile('["&<>\n]')
_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")


def _escape_data(data: Any) -> Any:
    if not isinstance(data, str) or not _ESCAPES.search(data):
        return data
    return data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    if not _ESCAPES.search(text):
        return text
    text = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return text.replace(">", "&gt;").replace("\n", "&#xA;")


def _escape_control_characters(text: str) -> str:
    """Control characters as _xHHHH_, and a literal _xHHHH_ kept literal (as Excel does)."""
    text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def _preserve_whitespace(text: str) -> bool:
    return _EDGE_SPACE.search(text) is not None


def _utf16_len(text: str) -> int:
    """Length in UTF-16 units, as Excel's limits count (a character above U+FFFF is two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# --- one sheet -------------------------------------------------------------------------------


class _Sheet:
    """A worksheet as xlsxwriter's Worksheet builds it from template_writer's calls."""

    def __init__(self, strings: _Strings) -> None:
        self.strings = strings
        self.table: dict[int, dict[int, tuple[StyleKey, str]]] = {}
        self.heights: dict[int, int] = {}  # row -> height in pixels (set_row)
        self.merges: list[str] = []
        self.validations: list[str] = []

    def set_row(self, row: int, height: float) -> None:
        self.heights[row] = int(height * 4.0 / 3.0 + 0.5)

    def put(self, row: int, col: int, style: StyleKey, rest: str) -> None:
        """A cell: its format and its XML after the s attribute (' t="s"><v>3</v></c>')."""
        cells = self.table.get(row)
        if cells is None:
            cells = self.table[row] = {}
        cells[col] = (style, rest)

    def blank(self, row: int, col: int, style: StyleKey) -> None:
        self.put(row, col, style, "/>")

    def merge(self, cell: PlanCell, style: StyleKey) -> None:
        """merge_range(…, "", format): the range, and every cell of it blank."""
        self.merges.append(
            f'<mergeCell ref="{_a1(cell.row, cell.col)}:{_a1(cell.last_row, cell.last_col)}"/>'
        )
        blank = (style, "/>")
        table = self.table
        cols = range(cell.col, cell.last_col + 1)
        for row in range(cell.row, cell.last_row + 1):
            cells = table.get(row)
            if cells is None:
                cells = table[row] = {}
            for col in cols:
                cells[col] = blank

    def write(self, cell: PlanCell, value: Any, style: StyleKey) -> None:
        """template_writer._write."""
        merged = (cell.last_row, cell.last_col) != (cell.row, cell.col)
        if merged:
            self.merge(cell, style)
        if value is None or value == "":
            if not merged:
                self.blank(cell.row, cell.col, style)
        elif isinstance(value, bool):
            self.string(cell, str(value), style)
        elif isinstance(value, int | float):
            if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
                raise Unsupported("NaN or infinity")
            self.put(cell.row, cell.col, style, f"><v>{value:.16G}</v></c>")
        else:
            self.string(cell, str(value), style)

    def string(self, cell: PlanCell, text: str, style: StyleKey) -> None:
        if len(text) > _MAX_STRING // 2 and _utf16_len(text) > _MAX_STRING:
            raise Unsupported("a string longer than Excel allows")
        self.put(cell.row, cell.col, style, f' t="s"><v>{self.strings.add(text)}</v></c>')

    def formula(self, cell: PlanCell, formula: str, result: Any, style: StyleKey) -> None:
        """write_formula(…, format, result)."""
        if not formula or formula.startswith("{") or _REWRITTEN.search(formula):
            raise Unsupported("a formula xlsxwriter writes otherwise")
        if formula.startswith("="):
            formula = formula[1:]
        attr = ""
        if isinstance(result, bool):
            attr, result = ' t="b"', 1 if result else 0
        elif isinstance(result, str) and result:
            attr = ' t="e"' if result in _ERROR_CODES else ' t="str"'
        self.put(
            cell.row,
            cell.col,
            style,
            f"{attr}><f>{_escape_data(formula)}</f><v>{_escape_data(result)}</v></c>",
        )

    def validation(
        self,
        cell: PlanCell,
        plan: WorkbookPlan,
        memo: dict[Any, Any],
        scope: tuple[int, str],
        whole_column: bool = False,
    ) -> None:
        """template_writer._validation: a dropdown or a number check, if the field has one
        (its XML kept in `memo` by field, label and `scope`: the year and params its list's
        prompt is rendered for)."""
        slot = cell.slot
        assert slot is not None
        if slot.field.computed or (
            slot.unit is not None and slot.year is None and not whole_column
        ):
            return  # validation_options gives these none
        key = (slot.field.id, slot.label, whole_column, scope)
        found = memo.get(key, _NONE)
        if found is _NONE:
            if len(memo) >= _MAX_KEPT:
                memo.clear()
            options = validation_options(cell, plan, whole_column)
            found = memo[key] = None if options is None else _validation_xml(options)
        if found is not None:
            first, last = _a1(cell.row, cell.col), _a1(cell.last_row, cell.last_col)
            sqref = first if first == last else f"{first}:{last}"
            self.validations.append(found[0] + sqref + found[1])

    def xml(self, styles: _Styles) -> tuple[str, str, str, str]:
        """The dimension's ref, the sheet data, the merged ranges and the validations."""
        table = self.table
        rows = sorted(table.keys() | self.heights.keys())
        if not rows:
            raise Unsupported("an empty sheet")
        cols = {col for cells in table.values() for col in cells}
        if self.heights:
            cols.add(0)  # set_row checks (row, first column so far): column A
        first_row, last_row = rows[0], rows[-1]
        first_col, last_col = min(cols), max(cols)
        if (first_row, first_col) == (last_row, last_col):
            ref = _a1(first_row, first_col)
        else:
            ref = f"{_a1(first_row, first_col)}:{_a1(last_row, last_col)}"
        spans: dict[int, str] = {}
        for block in {row // 16 for row in self.table}:
            cols = [
                c for row in range(block * 16, block * 16 + 16) for c in self.table.get(row, ())
            ]
            spans[block] = f"{min(cols) + 1}:{max(cols) + 1}"
        letters = _letters(last_col)
        out: list[str] = []
        for row in rows:
            tag = f'<row r="{row + 1}"'
            span = spans.get(row // 16)
            if span is not None:
                tag += f' spans="{span}"'
            height = self.heights.get(row, _DEFAULT_ROW_PIXELS)
            if height != _DEFAULT_ROW_PIXELS:
                tag += f' ht="{height * 0.75:.16g}" customHeight="1"'
            cells = self.table.get(row)
            if not cells:
                out.append(tag + "/>")
                continue
            out.append(tag + ">")
            number = str(row + 1)
            for col in sorted(cells):
                style, rest = cells[col]
                out.append(f'<c r="{letters[col]}{number}" s="{styles.of(style)}"{rest}')
            out.append("</row>")
        merges = validations = ""
        if self.merges:
            merges = f'<mergeCells count="{len(self.merges)}">{"".join(self.merges)}</mergeCells>'
        if self.validations:
            validations = (
                f'<dataValidations count="{len(self.validations)}">'
                f"{''.join(self.validations)}</dataValidations>"
            )
        return ref, "".join(out), merges, validations


def _paint(
    sheet: _Sheet, sheet_plan: SheetPlan, plan: WorkbookPlan, values: Any, computed: Any
) -> None:
    """template_writer's _paint and _table_extras, on a _Sheet."""
    for row, height in _row_heights(sheet_plan, {**values, **computed}).items():
        sheet.set_row(row, height)
    memo = derived(plan.layout).setdefault("validation_xml", {})
    scope = (plan.year, repr(sorted(plan.params.items())))
    for cell in sheet_plan.cells:
        slot = cell.slot
        if slot is None:
            sheet.write(cell, cell.text, (cell.style, None))
            continue
        style = (cell.style, _number_format(slot))
        formula = formula_of(slot, plan)
        if formula is not None:
            if (cell.last_row, cell.last_col) != (cell.row, cell.col):
                sheet.merge(cell, style)
            result = computed.get(slot.key)
            sheet.formula(cell, formula, result if result is not None else "", style)
        else:
            value = computed.get(slot.key) if slot.field.computed else values.get(slot.key)
            sheet.write(cell, value, style)
        sheet.validation(cell, plan, memo, scope)
    for body in body_cells(sheet_plan, plan):
        sheet.validation(body, plan, memo, scope, whole_column=True)


_NONE = object()
_MAX_KEPT = 20_000  # validations kept per layout (by field and label): about 4 MB

_VALIDATE = {"list": "list", "integer": "whole", "decimal": "decimal"}
_ERROR_STYLE = {"stop": "", "warning": ' errorStyle="warning"'}


def _validation_xml(options: dict[str, Any]) -> tuple[str, str]:
    """The <dataValidation> xlsxwriter writes for template_writer's options, before and after
    its cell range."""
    known = {"validate", "criteria", "source", "minimum", "maximum", "input_title"}
    known |= {"input_message", "error_title", "error_message", "error_type"}
    kind = _VALIDATE.get(options["validate"])
    if kind is None or set(options) - known or options.get("criteria", "between") != "between":
        raise Unsupported("a validation of another kind")
    for key, limit in (
        ("input_title", 32),
        ("error_title", 32),
        ("input_message", 255),
        ("error_message", 255),
    ):
        if options.get(key) and _utf16_len(options[key]) > limit:
            raise Unsupported("xlsxwriter refuses this validation")
    if kind == "list":
        formula = ",".join(str(v) for v in options["source"])
        if _utf16_len(formula) > 255:
            raise Unsupported("xlsxwriter refuses this validation")
        formulas = "<formula1>" + _escape_data('"' + formula + '"') + "</formula1>"
    else:
        low, high = options["minimum"], options["maximum"]
        if not isinstance(low, int | float) or not isinstance(high, int | float):
            raise Unsupported("a validation of another kind")
        formulas = f"<formula1>{low}</formula1><formula2>{high}</formula2>"
    attrs = f'<dataValidation type="{kind}"' + _ERROR_STYLE[options.get("error_type", "stop")]
    attrs += ' allowBlank="1" showInputMessage="1" showErrorMessage="1"'
    for key, name in (
        ("error_title", "errorTitle"),
        ("error_message", "error"),
        ("input_title", "promptTitle"),
        ("input_message", "prompt"),
    ):
        if key in options:
            attrs += f' {name}="{_escape_attribute(options[key])}"'
    return f'{attrs} sqref="', f'">{formulas}</dataValidation>'


def _a1(row: int, col: int) -> str:
    letters = _LETTERS[col] if col < len(_LETTERS) else column_letter(col)
    return f"{letters}{row + 1}"


def _letters(last_col: int) -> list[str]:
    if last_col < len(_LETTERS):
        return _LETTERS
    return [column_letter(c) for c in range(last_col + 1)]


_LETTERS = [column_letter(c) for c in range(702)]  # A … ZZ


# --- the workbook ----------------------------------------------------------------------------


def _defined_names(plan: WorkbookPlan) -> tuple[list[str], str]:
    """The names and the <definedNames> element xlsxwriter writes for the plan."""
    names: list[tuple[str, int, str]] = []
    for sheet_plan in plan.sheets:
        for name, formula in field_names(sheet_plan) + table_names(sheet_plan, plan):
            names.append((name, -1, formula.lstrip("=")))
    for index, sheet_plan in enumerate(plan.sheets):
        quoted = quote_sheetname(sheet_plan.name)
        if max(sheet_plan.rows - 1, 0) >= 1048575:
            raise Unsupported("a print area of whole columns")
        names.append(("_xlnm.Print_Area", index, f"{quoted}!{print_area(sheet_plan)}"))
        titles = print_titles(sheet_plan)
        if titles:
            names.append(("_xlnm.Print_Titles", index, f"{quoted}!{titles}"))
    names.sort(key=lambda n: n[0].replace("_xlnm.", "").lower() + "::" + n[2].lstrip("'").lower())
    xml = ["<definedNames>"]
    for name, sheet, formula in names:
        local = f' localSheetId="{sheet}"' if sheet != -1 else ""
        xml.append(
            f'<definedName name="{_escape_attribute(name)}"{local}>{_escape_data(formula)}</definedName>'
        )
    xml.append("</definedNames>")
    return [n[0] for n in names], "".join(xml)


@dataclass
class Base:
    """The fixed parts of one layout, year and params' templates, from an xlsxwriter workbook."""

    layout: Any
    parts: list[tuple[zipfile.ZipInfo, bytes]]
    by_name: dict[str, bytes]
    frames: dict[str, _Frame]  # sheet part name -> frame
    sheet_parts: list[str]  # the plan's sheets' part names, in order
    other_sheets: list[tuple[str, list[str]]]  # the other sheets (metadata): part, its strings
    names: list[str]  # the defined names, sorted as written
    styles: list[StyleKey]  # the formats in the order the sheets first use them
    sst_head: re.Match[bytes]

    @classmethod
    def learn(cls, plan: WorkbookPlan, path: Path, values: Mapping[Key, Any]) -> Base:
        """The base of the workbook write_template(plan, path, values) wrote, once writing the
        same plan and values with it gives the same workbook (else Unsupported)."""
        with zipfile.ZipFile(path) as archive:
            parts = [(info, archive.read(info)) for info in archive.infolist()]
        by_name = {info.filename: data for info, data in parts}
        sst = by_name.get(_SST_PART)
        head = _SST_HEAD.match(sst or b"")
        if sst is None or head is None or _WORKBOOK_PART not in by_name:
            raise Unsupported("a workbook of another shape")
        strings = [_si_text(si) for si in _SI.findall(sst)]
        sheet_parts = [f"xl/worksheets/sheet{i}.xml" for i in range(1, len(plan.sheets) + 1)]
        frames = {}
        for name in sheet_parts:
            match = _SHEET.match(by_name.get(name, b""))
            if match is None:
                raise Unsupported("a sheet of another shape")
            frames[name] = _Frame(*match.groups())
        others = []
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/sheet") and info.filename not in frames:
                found = [strings[int(m.group(2))] for m in _STRING_CELL.finditer(data)]
                others.append((info.filename, found))
        names, _ = _defined_names(plan)
        base = cls(plan.layout, parts, by_name, frames, sheet_parts, others, names, [], head)
        styles = _Styles(None)
        made = base._parts(plan, dict(values), styles)
        base.styles = styles.order
        for name, data in made.items():
            if _TIMESTAMP.sub(b"", data) != _TIMESTAMP.sub(b"", by_name.get(name, b"")):
                raise Unsupported(f"{name} would differ from xlsxwriter's")
        return base

    def write(self, plan: WorkbookPlan, path: Path, values: Mapping[Key, Any]) -> Path:
        """Write the template of `plan` filled with `values`: write_template's workbook."""
        made = self._parts(plan, values, _Styles(self.styles))
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info, data in self.parts:
                out.writestr(copy_entry(info), made.get(info.filename, data))
        return path

    def _parts(
        self, plan: WorkbookPlan, values: Mapping[Key, Any], styles: _Styles
    ) -> dict[str, bytes]:
        names, names_xml = _defined_names(plan)
        if names != self.names:
            raise _OtherStyles  # another set of names: another base
        computed, _ = recompute(plan, values)
        strings = _Strings()
        made: dict[str, bytes] = {}
        sheets = []
        for part, sheet_plan in zip(self.sheet_parts, plan.sheets, strict=True):
            sheet = _Sheet(strings)
            _paint(sheet, sheet_plan, plan, values, computed)
            sheets.append((part, sheet))
        for part, sheet in sheets:  # styles are numbered as the sheets are written, in order
            frame = self.frames[part]
            ref, data, merges, validations = sheet.xml(styles)
            made[part] = b"".join(
                (
                    frame.head,
                    ref.encode(),
                    frame.middle,
                    data.encode(),
                    frame.protection,
                    merges.encode(),
                    validations.encode(),
                    frame.tail,
                )
            )
        styles.check_all_used()
        by_name = self.by_name
        for part, texts in self.other_sheets:
            made[part] = _renumber(by_name[part], [strings.add(text) for text in texts])
        made[_SST_PART] = strings.xml(self.sst_head)
        made[_WORKBOOK_PART] = _NAMES.sub(names_xml.encode(), by_name[_WORKBOOK_PART], count=1)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        made["docProps/core.xml"] = _TIMESTAMP.sub(
            rb"\g<1>" + now + rb"\g<2>", by_name["docProps/core.xml"]
        )
        return made


def _renumber(data: bytes, indexes: list[int]) -> bytes:
    """A sheet part with its string cells' indexes replaced, in order."""
    found = iter(indexes)
    return _STRING_CELL.sub(lambda m: m.group(1) + str(next(found)).encode() + m.group(3), data)


def _si_text(si: bytes) -> str:
    """The text of an <si> xlsxwriter wrote (plain text, escaped)."""
    match = re.fullmatch(rb"<si><t(?: xml:space=\"preserve\")?>(.*)</t></si>", si, re.S)
    if match is None:
        raise Unsupported("a shared string of another shape")
    text = match.group(1).decode()
    if "_x" in text:
        raise Unsupported("an escaped control character")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def copy_entry(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A zip entry like `info` (name, time, compression, attributes), to write anew."""
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type = info.compress_type
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    return new


# --- bases, kept -----------------------------------------------------------------------------

_BASES: OrderedDict[tuple[Any, ...], list[Base]] = OrderedDict()
_MAX_KINDS = 16  # (layout, year, params) kept
_MAX_BASES = 4  # bases of one kind (plans that meet the formats in another order)
_REFUSED: OrderedDict[tuple[Any, ...], Any] = OrderedDict()  # kinds this path cannot write


def write(plan: WorkbookPlan, path: Path, values: Mapping[Key, Any] | None = None) -> Path:
    """write_template(plan, path, values), from a kept base where there is one."""
    values = dict(values or {})
    path = Path(path)
    kind = (id(plan.layout), plan.year, repr(sorted(plan.params.items())))
    bases = [b for b in _BASES.get(kind, ()) if b.layout is plan.layout]
    for base in bases:
        try:
            return base.write(plan, path, values)
        except _OtherStyles:
            continue
        except Unsupported:
            return write_template(plan, path, values)
    write_template(plan, path, values)
    if _REFUSED.get(kind) is plan.layout:
        return path
    try:
        base = Base.learn(plan, path, values)
    except (Unsupported, _OtherStyles):
        _REFUSED[kind] = plan.layout
        while len(_REFUSED) > _MAX_KINDS:
            _REFUSED.popitem(last=False)
        return path
    _BASES[kind] = [base, *bases][:_MAX_BASES]
    _BASES.move_to_end(kind)
    while len(_BASES) > _MAX_KINDS:
        _BASES.popitem(last=False)
    return path
