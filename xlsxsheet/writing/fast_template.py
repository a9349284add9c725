"""Filled templates fast: paint a plan's empty template once, then fill copies of its XML.

:func:`~xlsxsheet.writing.template_writer.write_template` paints every styled cell, dropdown, merged
range and defined name through xlsxwriter for each workbook, yet all of that depends only on
the plan (layout, year, params). A :class:`Skeleton` keeps the parts of one plan's empty
template (written by ``template_xml``: xlsxwriter's workbook byte for byte) and where each
field cell and row sits in the sheet XML; :func:`fill` then writes a workbook by replacing only what the values change: the
field cells, the cached results of the formula cells, the rows a long text makes taller, the
shared strings and the creation time.

The result is the workbook ``write_template(plan, path, values)`` writes, part for part, except
that the values' shared strings come after the template's own (the same cells and the same
texts, other string indexes) and the timestamps. ``tests/test_fast_template.py`` holds it to
that on every bundled example. Whatever the skeleton does not cover — a value xlsxwriter
would refuse or truncate, a row with a format — is written by ``template_xml`` instead.

A skeleton pays when a plan serves several workbooks; :func:`fill` writes a plan's first
workbook with :mod:`xlsxsheet.writing.fast_template_xml` and makes the skeleton at the second.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlsxwriter.xmlwriter import XMLwriter

from xlsxsheet.plan.workbook_plan import WorkbookPlan
from xlsxsheet.rules.formulas import formula_of
from xlsxsheet.rules.recompute import recompute
from xlsxsheet.writing import fast_template_xml as template_xml
from xlsxsheet.writing.template_writer import _row_heights

__all__ = ["Skeleton", "fill", "skeleton_for"]

Key = tuple[str, int | None]
_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"( s="[0-9]+")?(?: t="[a-z]+")?(/>|>.*?</c>)', re.S)
_TYPE = re.compile(rb' t="[a-zA-Z]+"$')
_ROW = re.compile(rb"<row ([^>]*?)(/?)>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_FORMULA = re.compile(
    rb'^(<c r="[A-Z]{1,3}[0-9]+"(?: s="[0-9]+")?)(?: t="[a-z]+")?>(<f>.*?</f>)<v>.*?</v></c>$', re.S
)
_TIMESTAMP = re.compile(rb'(<dcterms:(?:created|modified) xsi:type="dcterms:W3CDTF">)[^<]*(<)')
_SI = re.compile(rb"<si>.*?</si>", re.S)
_SST_HEAD = re.compile(rb'<sst xmlns="[^"]*" count="([0-9]+)" uniqueCount="([0-9]+)">')
_ERROR_CODES = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")
_MAX_STRING = 32767  # xlsxwriter truncates longer strings (Excel's limit)
_DEFAULT_ROW_PIXELS = 20  # xlsxwriter leaves rows of the default height without ht
_XML = XMLwriter()


class _Unsupported(Exception):
    """The values need something the skeleton does not cover; template_xml writes the file."""


@dataclass(frozen=True)
class _Field:
    """A field cell of the empty template: where it is, and how to rewrite it."""

    key: Key
    start: int  # span of the <c> element in the sheet part
    end: int
    old: bytes  # the element as the empty template has it
    tag: bytes  # '<c r="F42" s="5"', without a type
    formula: bytes | None  # the <f> element of a live formula
    computed: bool  # a computed field (written as its value when it has no formula)
    was_text: bool  # the empty template wrote a shared string here


@dataclass
class _SheetPart:
    name: str  # part name in the zip
    data: bytes
    fields: list[_Field]
    rows: dict[int, tuple[int, int, dict[bytes, bytes]]]  # row -> span of <row ...>, attrs


@dataclass
class Skeleton:
    """The empty template of one plan, ready to be filled."""

    plan: WorkbookPlan
    parts: list[tuple[zipfile.ZipInfo, bytes]]
    sheets: dict[str, _SheetPart]  # sheet name -> part
    strings: dict[bytes, int]  # serialised <si> -> index
    string_count: int  # the sst's count attribute (string cells)
    sst_part: str
    sst: bytes
    heights: dict[str, dict[int, float]]  # sheet -> row heights of the empty template

    @classmethod
    def build(cls, plan: WorkbookPlan) -> Skeleton:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "skeleton.xlsx"
            template_xml.write(plan, path, {})
            with zipfile.ZipFile(path) as archive:
                parts = [(info, archive.read(info)) for info in archive.infolist()]
        by_name = {info.filename: data for info, data in parts}
        sst_part = "xl/sharedStrings.xml"
        sst = by_name[sst_part]
        head = _SST_HEAD.search(sst)
        if head is None:
            raise _Unsupported("unexpected shared string table")
        strings = {si: i for i, si in enumerate(_SI.findall(sst))}
        formulas = {slot.key for slot in plan.slots.values() if formula_of(slot, plan) is not None}
        sheets = {}
        for index, sheet_plan in enumerate(plan.sheets, start=1):
            name = f"xl/worksheets/sheet{index}.xml"
            sheets[sheet_plan.name] = _index_sheet(name, by_name[name], sheet_plan, formulas)
        empty, _ = recompute(plan, {})
        heights = {sp.name: _row_heights(sp, dict(empty)) for sp in plan.sheets}
        return cls(plan, parts, sheets, strings, int(head.group(1)), sst_part, sst, heights)

    def fill(self, path: Path, values: Mapping[Key, Any]) -> Path:
        """Write the template filled with `values` (by slot key) to `path`."""
        plan = self.plan
        computed, _ = recompute(plan, values)
        new_strings: dict[bytes, int] = {}
        string_cells = 0
        replaced: dict[str, bytes] = {}

        def string_index(text: str) -> int:
            nonlocal string_cells
            string_cells += 1
            si = _shared_string(text)
            index = self.strings.get(si)
            if index is None:
                index = new_strings.setdefault(si, len(self.strings) + len(new_strings))
            return index

        for sheet_plan in plan.sheets:
            part = self.sheets[sheet_plan.name]
            edits: list[tuple[int, int, bytes]] = []
            for field in part.fields:
                if field.formula is not None:
                    new = _formula_cell(field, computed.get(field.key))
                else:
                    source = computed if field.computed else values
                    new = _value_cell(field.tag, source.get(field.key), string_index)
                    if field.was_text:
                        string_cells -= 1  # the empty template's own text leaves this cell
                if new != field.old:
                    edits.append((field.start, field.end, new))
            heights = _row_heights(sheet_plan, {**values, **computed})
            if heights != self.heights[sheet_plan.name]:
                for row, height in heights.items():
                    if height != self.heights[sheet_plan.name].get(row):
                        if row not in part.rows:
                            raise _Unsupported("a row with a format or without cells grows")
                        start, end, attrs = part.rows[row]
                        edits.append((start, end, _row_tag(attrs, height)))
            if edits:
                edits.sort()
                pieces, pos = [], 0
                for start, end, new in edits:
                    pieces += [part.data[pos:start], new]
                    pos = end
                pieces.append(part.data[pos:])
                replaced[part.name] = b"".join(pieces)
        if new_strings:
            replaced[self.sst_part] = self._sst(new_strings, string_cells)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        # Deflate level 1: three times faster than xlsxwriter's 6, files about a fifth larger.
        with zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        ) as archive:
            for info, data in self.parts:
                if info.filename in replaced:
                    data = replaced[info.filename]
                elif info.filename == "docProps/core.xml":
                    data = _TIMESTAMP.sub(rb"\g<1>" + now + rb"\g<2>", data)
                archive.writestr(template_xml.copy_entry(info), data)
        return path

    def _sst(self, new_strings: dict[bytes, int], string_cells: int) -> bytes:
        sst = self.sst
        head = _SST_HEAD.search(sst)
        assert head is not None
        count = self.string_count + string_cells
        unique = len(self.strings) + len(new_strings)
        start = sst[: head.start(1)] + str(count).encode() + sst[head.end(1) : head.start(2)]
        start += str(unique).encode() + sst[head.end(2) : head.end()]
        end = sst.rindex(b"</sst>")
        return start + sst[head.end() : end] + b"".join(new_strings) + sst[end:]


_SKELETONS: OrderedDict[tuple[Any, ...], Skeleton | None] = OrderedDict()
_MAX_SKELETONS = 32
_BY_PLAN: OrderedDict[int, tuple[WorkbookPlan, Skeleton | None]] = OrderedDict()


def skeleton_for(plan: WorkbookPlan) -> Skeleton:
    """The skeleton of a plan, built once per (layout, year, params, records shapes), kept (LRU).

    Raises _Unsupported (also remembered) for a plan whose empty template it cannot index.
    """
    known = _BY_PLAN.get(id(plan))  # plans are shared (plan.cached_plan): the usual way in
    if known is not None and known[0] is plan:
        if known[1] is None:
            raise _Unsupported("this plan's template is written by template_xml")
        return known[1]
    key = (
        id(plan.layout),
        plan.year,
        repr(sorted(plan.params.items())),
        repr(sorted(getattr(plan, "shapes", {}).items())),  # records tables' bodies
    )
    skeleton = _SKELETONS.get(key)
    if key in _SKELETONS and (skeleton is None or skeleton.plan.layout is plan.layout):
        _SKELETONS.move_to_end(key)
    else:
        try:
            skeleton = Skeleton.build(plan)
        except _Unsupported:
            skeleton = None
        _SKELETONS[key] = skeleton
        while len(_SKELETONS) > _MAX_SKELETONS:
            _SKELETONS.popitem(last=False)
    _BY_PLAN[id(plan)] = (plan, skeleton)
    while len(_BY_PLAN) > _MAX_SKELETONS:
        _BY_PLAN.popitem(last=False)
    if skeleton is None:
        raise _Unsupported("this plan's template is written by template_xml")
    return skeleton


def fill(plan: WorkbookPlan, path: Path, values: Mapping[Key, Any] | None = None) -> Path:
    """write_template, the fastest way the plan allows.

    A plan's first workbook is written by template_xml (a records layout's returns mostly have
    a plan each); from its second on, from the plan's skeleton, which rewrites only the values.
    """
    values = dict(values or {})
    known = _BY_PLAN.get(id(plan))
    first = (known is None or known[0] is not plan) and _SEEN.get(id(plan)) is not plan
    if first:
        _SEEN[id(plan)] = plan
        while len(_SEEN) > _MAX_SKELETONS:
            _SEEN.popitem(last=False)
        return template_xml.write(plan, Path(path), values)
    try:
        return skeleton_for(plan).fill(Path(path), values)
    except _Unsupported:
        return template_xml.write(plan, Path(path), values)


_SEEN: OrderedDict[int, WorkbookPlan] = OrderedDict()  # plans written once, by template_xml


# --- pieces of sheet XML, as xlsxwriter writes them -----------------------------------------


def _index_sheet(name: str, data: bytes, sheet_plan: Any, formulas: set[Key]) -> _SheetPart:
    slots = {(c.row, c.col): c.slot for c in sheet_plan.cells if c.slot is not None}
    fields = []
    for match in _CELL.finditer(data):
        slot = slots.get((int(match.group(2)) - 1, _column(match.group(1))))
        if slot is None:
            continue
        old = match.group(0)
        formula = None
        if slot.key in formulas:
            shape = _FORMULA.match(old)
            if shape is None:
                raise _Unsupported("formula cell of another shape")
            formula = shape.group(2)
        tag = _TYPE.sub(b"", _open_tag(old))
        was_text = b' t="s"' in _open_tag(old)
        fields.append(
            _Field(slot.key, *match.span(), old, tag, formula, slot.field.computed, was_text)
        )
    if len(fields) != len(slots):
        raise _Unsupported("a field cell is missing from the empty template")
    rows = {}
    for match in _ROW.finditer(data):
        attrs = dict(_ATTR.findall(match.group(1)))
        if set(attrs) - {b"r", b"spans", b"ht", b"customHeight"} or match.group(2):
            continue  # a row with a format, hidden, or empty: not rewritten
        rows[int(attrs[b"r"]) - 1] = (match.start(), match.end(), attrs)
    return _SheetPart(name, data, fields, rows)


def _column(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + (ch - 64)
    return col - 1


def _open_tag(old: bytes) -> bytes:
    """'<c r="F42" s="5"' of a cell element."""
    end = old.find(b">")
    return old[: end - 1] if old[end - 1 : end] == b"/" else old[:end]


def _value_cell(tag: bytes, value: Any, string_index: Any) -> bytes:
    """A field cell holding `value`, as template_writer._write has xlsxwriter write it."""
    if value is None or value == "":
        return tag + b"/>"  # a blank cell with the field's format
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            raise _Unsupported("NaN or infinity")
        return tag + f"><v>{value:.16G}</v></c>".encode()
    text = str(value)
    if len(text.encode("utf-16-le")) // 2 > _MAX_STRING:
        raise _Unsupported("string longer than Excel allows")
    return tag + f' t="s"><v>{string_index(text)}</v></c>'.encode()


def _formula_cell(field: _Field, result: Any) -> bytes:
    """A formula cell with the cached `result`, as xlsxwriter's write_formula writes it."""
    tag = field.tag
    if result is None:
        result = ""
    if isinstance(result, bool):
        tag += b' t="b"'
        result = 1 if result else 0
    elif isinstance(result, str):
        if result in _ERROR_CODES:
            tag += b' t="e"'
        elif result:
            tag += b' t="str"'
    text = _XML._escape_data(result)
    return tag + b">" + (field.formula or b"") + f"<v>{text}</v></c>".encode()


def _row_tag(attrs: dict[bytes, bytes], height: float) -> bytes:
    """A <row> element of the given height (points), as xlsxwriter's set_row writes it."""
    pixels = int(height * 4.0 / 3.0 + 0.5)
    tag = b'<row r="' + attrs[b"r"] + b'"'
    if b"spans" in attrs:
        tag += b' spans="' + attrs[b"spans"] + b'"'
    if pixels != _DEFAULT_ROW_PIXELS:
        tag += f' ht="{pixels * 0.75:.16g}" customHeight="1"'.encode()
    return tag + b">"


def _shared_string(text: str) -> bytes:
    """template_xml.shared_string; a string it cannot write goes to template_xml whole."""
    try:
        return template_xml.shared_string(text)
    except template_xml.Unsupported as exc:
        raise _Unsupported(str(exc)) from exc
