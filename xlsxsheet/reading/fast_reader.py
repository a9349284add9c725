"""Read a vetted .xlsx straight from its XML parts: the WorkbookContent openpyxl would give, faster.

openpyxl builds a styled object for every cell and merged range of a sheet; checking a return
needs none of that. This reader takes only what :class:`~xlsxsheet.reading.workbook_reader.WorkbookContent`
holds — cell values and formula texts, defined names, sheet states and protection, merged ranges,
metadata — by scanning the bytes of each part for the few elements it needs (non-empty ``<c>``
cells, ``<mergeCell>``, ``<sheetProtection>``, ``<definedName>``, ``<si>``, ``<xf>``), and decides
every value the way openpyxl's ``load_workbook(data_only=False)`` does: the same int/float split
of the stored number text, the same date styles and 1900/1904 epochs, the same shared-formula
translation, the same handling of merged cells, empty strings and error values.

It handles the serialisation Excel, LibreOffice, openpyxl and xlsxwriter write (unprefixed
elements in the main namespace, UTF-8, attributes in double quotes). Anything else — a namespace
prefix, CDATA, a comment, an unknown entity, a sheet that is not a worksheet or chartsheet, a
part that does not end where it should — makes :func:`read_ooxml` return None, and the caller
reads the file with openpyxl instead, so the result never depends on which path ran.

Only files already vetted by :func:`xlsxsheet.reading.safe_open.inspect_file` (sizes, DTDs) come here;
the scan never expands entities beyond the five XML ones and character references.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import warnings
import zipfile
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

from defusedxml.ElementTree import fromstring as safe_fromstring
from openpyxl.formula.tokenizer import TokenizerError
from openpyxl.formula.translate import Translator
from openpyxl.packaging.custom import CustomPropertyList
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from xlsxsheet.core.cells import MAX_COLS, MAX_ROWS, RawCell, covered_cells
from xlsxsheet.core.cells import unescape_text as unescape
from xlsxsheet.core.names import META_SHEET
from xlsxsheet.reading.content import NameTarget, WorkbookContent, parse_name_target
from xlsxsheet.reading.safe_open import FileFacts
from xlsxsheet.reading.sheet_bounds import check_merged_cells

__all__ = ["read_ooxml"]

MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_WORKBOOK_TYPES = tuple(
    f"application/vnd.ms-excel.{kind}.main+xml"
    if "macro" in kind
    else f"application/vnd.openxmlformats-officedocument.spreadsheetml.{kind}.main+xml"
    for kind in ("template.macroEnabled", "sheet.macroEnabled", "template", "sheet")
)
_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_WORKSHEET_REL = "/worksheet"
_CHARTSHEET_REL = "chartsheet"
_RESERVED_GLOBALS = {"_xlnm.Print_Titles", "_xlnm.Print_Area", "_xlnm._FilterDatabase"}
_INVALID_TITLE = re.compile(r"[\\*?:/\[\]]")

# --- the byte patterns ---------------------------------------------------------------------
_ATTR = re.compile(rb'([\w:.-]+)="([^"]*)"')
_ELEMENT = {
    tag: re.compile(rb"<" + tag + rb"\b([^>]*?)(/?)>")
    for tag in (b"Override", b"Relationship", b"sheet", b"definedName", b"numFmt", b"xf")
}
_DEFINED_NAME = re.compile(rb"<definedName\b([^>]*?)(?:/>|>(.*?)</definedName>)", re.S)
_FAST_DEFINED_NAME = re.compile(
    rb'<definedName name="([^"&\r\t\n]*)"( localSheetId="[0-9]+")?>([^<\r]*)</definedName>'
)
_CELL = re.compile(rb"<c\s([^>]*[^/])>(.*?)</c>", re.S)
_FAST_CELL = re.compile(  # r, s, t; then a lone <v> (group 5) or anything else (group 6)
    # Possessive (no backtracking: no shorter match of a part could let the rest match), so
    # that an empty cell (<c r="B1" s="1"/>, most of a template's cells) fails at once.
    rb'<c r="([A-Z]{1,3}+)([0-9]++)"(?: s="([0-9]++)")?+(?: t="([a-zA-Z]++)")?+>'
    rb"(?:<v>([^<]*+)</v>|(.*?))</c>",
    re.S,
)
_PLAIN_INLINE = re.compile(rb'<is><t(?: xml:space="preserve")?>([^<]*)</t></is>')
_PLAIN_FORMULA = re.compile(rb"<f>([^<]*)</f>(?:<v>([^<]*)</v>|<v/>)?", re.S)
_FORMULA = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_VALUE = re.compile(rb"<v(?:\s[^>]*)?>(.*?)</v>", re.S)
_SI = re.compile(rb"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)
_FAST_SI = re.compile(
    rb'<si>(?:<t>([^<]+)</t>|<t xml:space="preserve">([^<]+)</t>|(.*?))</si>', re.S
)
_T = re.compile(rb"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_RUN = re.compile(rb"<r\b[^>]*>(.*?)</r>", re.S)
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>|<rPh\b[^>]*/>", re.S)
_FAST_PROPERTY = re.compile(
    rb'<property fmtid="[^"]*" pid="[0-9]+" name="([^"&]*)"><vt:lpwstr>([^<]+)</vt:lpwstr></property>'
)
_MARKUP_DECLARATION = re.compile(rb"<!")  # twice as fast as `in`, which stops at every "<"
_MERGE = re.compile(rb"<mergeCell\b([^>]*?)/?>")
_FAST_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)"/>')
_PROTECTION = re.compile(rb"<sheetProtection\b([^>]*?)/?>")
_REF = re.compile(r"^([A-Za-z]{1,3})(\d+)$")  # openpyxl refuses $F$72 as a cell's r
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);|&")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class _Fallback(Exception):
    """The part is written in a way this scanner does not handle; openpyxl reads the file."""


def read_ooxml(facts: FileFacts) -> WorkbookContent | None:
    """The workbook's content, or None when the file needs the openpyxl reader."""
    try:
        with _Archive(facts) as archive:
            return _Book(facts, archive).read()
    except (
        _Fallback,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        TypeError,
        IndexError,
        ArithmeticError,  # OverflowError: a number or character reference past any limit
    ):
        # Anything unexpected, including a broken part: the openpyxl reader reads the file and,
        # if it cannot either, raises the error the user sees.
        return None


class _Archive:
    """The file's parts: those safe_open already read whole, else read from the zip (opened
    only if some part is not among them)."""

    def __init__(self, facts: FileFacts) -> None:
        self.facts = facts
        self.zip: zipfile.ZipFile | None = None

    def __enter__(self) -> _Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.zip is not None:
            self.zip.close()

    def namelist(self) -> list[str]:
        if self.facts.names:
            return list(self.facts.names)
        return self._zip().namelist()

    def read(self, name: str) -> bytes:
        data = self.facts.parts.get(name)
        if data is None:
            data = self._zip().read(name)
        return data

    def _zip(self) -> zipfile.ZipFile:
        if self.zip is None:
            self.zip = zipfile.ZipFile(self.facts.path)
        return self.zip


class _Book:
    def __init__(self, facts: FileFacts, archive: _Archive) -> None:
        self.facts, self.archive = facts, archive
        self.members = set(archive.namelist())

    def part(self, name: str, root: bytes) -> bytes:
        """A part's bytes, refused unless it is plain UTF-8 XML whose root is `root`."""
        data = self.archive.read(name)
        _check_part(data, root)
        return data

    def read(self) -> WorkbookContent:
        types = self.archive.read("[Content_Types].xml")
        parts = _TYPES.get(types)
        if parts is None:
            _check_part(types, b"Types")
            parts = _remember(_TYPES, types, _main_parts(types))
        workbook_part, strings_part = parts
        book = self.archive.read(workbook_part)
        rels_name = _relationships_part(workbook_part)
        key = (rels_name, book, self.archive.read(rels_name), tuple(sorted(self.members)))
        skeleton = _SKELETONS.get(key)
        if skeleton is None:
            skeleton = _remember(_SKELETONS, key, self.skeleton(book, rels_name))
        epoch, sheets, names = skeleton
        strings = self.shared_strings(strings_part) if strings_part else []
        cell_strings = [unescape(text) if "_x" in text else text for text in strings]
        date_styles, timedelta_styles = self.styles()

        content = WorkbookContent(
            path=self.facts.path,
            sheet_names=[name for name, *_ in sheets],
            sheet_states={name: state for name, state, _, is_ws in sheets if is_ws},
            names=dict(names),  # a copy: NameTargets are immutable, dicts not
            metadata={},
            format=self.facts.format,
            has_macros=self.facts.has_macros,
            dimensions=dict(self.facts.dimensions),
        )
        meta_cells: dict[tuple[int, int], RawCell] = {}
        cached: dict[tuple[str, int, int], Any] = {}
        for name, _state, target, is_worksheet in sheets:
            if not is_worksheet:
                continue
            sheet = _Sheet(
                name,
                self.part(target, b"worksheet"),
                strings,
                epoch,
                None if name == META_SHEET else cell_strings,
            )
            sheet.date_styles, sheet.timedelta_styles = date_styles, timedelta_styles
            sheet.path = self.facts.path
            cells, merged, protected = sheet.read(cached)
            content.protected[name] = protected
            if name == META_SHEET:
                meta_cells = cells
                continue
            content.cells[name] = cells
            content.merged[name] = merged
        content.metadata = self.custom_properties() | _sheet_metadata(meta_cells)
        content._cached = {
            key: value
            for key, value in cached.items()
            if key[0] in content.cells and key[1:] in content.cells[key[0]]
        }
        return content

    def skeleton(
        self, book: bytes, rels_name: str
    ) -> tuple[dt.datetime, list[tuple[str, str, str, bool]], dict[str, NameTarget]]:
        """What the workbook part and its relationships say: the date epoch, the sheets (name,
        state, part, is a worksheet) and the defined names. Returns of one template share
        these parts byte for byte: worked out once for them (_SKELETONS)."""
        _check_part(book, b"workbook")
        epoch = _epoch(book)
        rels = self.relationships(rels_name)
        sheets: list[tuple[str, str, str, bool]] = []
        for attrs in _elements(_section(book, b"sheets"), b"sheet"):
            rel_id = attrs.get("r:id")
            if rel_id is None and any(":id" in key for key in attrs):
                raise _Fallback("relationship id under another prefix")
            if not rel_id:
                continue  # openpyxl drops sheets without a relationship, with a warning
            rel_type, target = rels[rel_id]
            if target not in self.members:
                continue
            if _CHARTSHEET_REL in rel_type:
                sheets.append((attrs.get("name", ""), "", target, False))
            elif rel_type.endswith(_WORKSHEET_REL):
                state = attrs.get("state", "visible")
                if state not in ("visible", "hidden", "veryHidden"):
                    raise _Fallback("unknown sheet state")
                sheets.append((attrs.get("name", ""), state, target, True))
            else:
                raise _Fallback("dialog or macro sheet")
        _check_titles([name for name, *_ in sheets])
        return epoch, sheets, _defined_names(book)

    def relationships(self, rels_name: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part), resolved as openpyxl does."""
        data = self.part(rels_name, b"Relationships")
        parent = posixpath.split(posixpath.dirname(rels_name))[0]
        result = {}
        for attrs in _elements(data, b"Relationship"):
            if attrs.get("TargetMode") == "External":
                continue
            if "Target" not in attrs or "Id" not in attrs:
                raise _Fallback("relationship without a target or an id")  # openpyxl refuses
            target = attrs["Target"]
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(parent, target))
            result[attrs["Id"]] = (attrs.get("Type", ""), target)
        return result

    def shared_strings(self, part: str) -> list[str]:
        if part not in self.members:
            raise _Fallback("shared strings part missing")
        data = self.part(part, b"sst")
        strings = []
        for plain, preserved, other in _FAST_SI.findall(data):
            if other or not (plain or preserved):
                text = _rich_text(_SI.match(b"<si>" + other + b"</si>").group(1))  # type: ignore[union-attr]
            else:
                text = _recurring_text(plain or preserved)
            strings.append(text.replace("x005F_", "") if "x005F_" in text else text)
        if len(strings) != data.count(b"<si>") + data.count(b"<si "):
            raise _Fallback("shared string items of another shape")
        return strings

    def styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """The cell style indexes openpyxl reads as dates, and as durations."""
        if "xl/styles.xml" not in self.members:
            return frozenset(), frozenset()
        data = self.archive.read("xl/styles.xml")
        found = _STYLES.get(data)
        if found is None:
            _check_part(data, b"styleSheet")
            found = _remember(_STYLES, data, _date_styles(data))
        return found

    def custom_properties(self) -> dict[str, str]:
        if "docProps/custom.xml" not in self.members:
            return {}
        data = self.archive.read("docProps/custom.xml")
        simple = _FAST_PROPERTY.findall(data)
        if len(simple) == data.count(b"<property "):
            return {
                name.decode().removeprefix("xlsxsheet."): _text(value)
                for name, value in simple
                if name.startswith(b"xlsxsheet.")
            }
        root = safe_fromstring(data, forbid_dtd=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            props = CustomPropertyList.from_tree(root).props
        return {
            prop.name.removeprefix("xlsxsheet."): str(prop.value)
            for prop in props
            if prop.name.startswith("xlsxsheet.")
        }


def _main_parts(types: bytes) -> tuple[str, str | None]:
    """The workbook part and the shared strings part (if any) the content types name."""
    overrides = {
        attrs.get("ContentType", ""): attrs.get("PartName", "")
        for attrs in _elements(types, b"Override")
    }
    workbook_part = next((overrides[t] for t in _WORKBOOK_TYPES if t in overrides), None)
    if not workbook_part:
        raise _Fallback("workbook part named by a default content type")
    strings_part = overrides.get(_SHARED_STRINGS_TYPE)
    return workbook_part[1:], strings_part[1:] if strings_part else None


def _relationships_part(part: str) -> str:
    folder = posixpath.dirname(part)
    return posixpath.join(folder, "_rels", posixpath.basename(part) + ".rels")


def _date_styles(data: bytes) -> tuple[frozenset[int], frozenset[int]]:
    """The cell style indexes openpyxl reads as dates, and as durations."""
    custom = {
        int(attrs["numFmtId"]): attrs.get("formatCode", "")
        for attrs in _elements(_section(data, b"numFmts"), b"numFmt")
    }
    dates, durations = set(), set()
    for index, attrs in enumerate(_elements(_section(data, b"cellXfs"), b"xf")):
        number_format = int(attrs.get("numFmtId", 0))
        code = (
            custom[number_format] if number_format in custom else builtin_format_code(number_format)
        )
        date, duration = _format_kind(code)
        if date:
            dates.add(index)
        if duration:
            durations.add(index)
    return frozenset(dates), frozenset(durations)


@lru_cache(maxsize=1024)
def _format_kind(code: str | None) -> tuple[bool, bool]:
    """(date, duration) for a number format, as openpyxl decides them."""
    return is_date_format(code), is_timedelta_format(code)


class _Sheet:
    """One worksheet part: its non-empty cells, merged ranges and protection flag."""

    date_styles: frozenset[int] = frozenset()
    timedelta_styles: frozenset[int] = frozenset()
    path: Path = Path()

    def __init__(
        self,
        name: str,
        data: bytes,
        strings: list[str],
        epoch: dt.datetime,
        cell_strings: list[str] | None = None,
    ) -> None:
        self.name, self.data, self.strings, self.epoch = name, data, strings, epoch
        # The reader turns _xHHHH_ escapes in cell texts into characters (not in the metadata
        # sheet, nor in the saved results of formulas): cell_strings are the strings so turned.
        self.cell_strings = cell_strings
        self.shared: dict[str, Translator] = {}

    def read(
        self, cached: dict[tuple[str, int, int], Any]
    ) -> tuple[dict[tuple[int, int], RawCell], list[tuple[int, int, int, int]], bool]:
        data = self.data
        start = data.find(b"<sheetData")
        end = data.rfind(b"</sheetData>")
        cells: dict[tuple[int, int], RawCell] = {}
        if start >= 0 and end > start:
            self.cells(data, start, end, cells, cached)
        elif data.find(b"<c ", max(start, 0)) >= 0 or data.find(b"<row", max(start, 0)) >= 0:
            raise _Fallback("cells outside a <sheetData> element")
        tail = data[end:] if end >= 0 else data
        merged = self.merged(tail, cells)
        protection = _PROTECTION.search(tail)
        protected = False
        if protection is not None:
            flag = _attrs(protection.group(1)).get("sheet")
            protected = flag is not None and flag not in ("false", "f", "0", "")
        return cells, merged, protected

    def cells(
        self,
        data: bytes,
        start: int,
        end: int,
        cells: dict[tuple[int, int], RawCell],
        cached: dict[tuple[str, int, int], Any],
    ) -> None:
        """Every non-empty cell; the common shapes (r, s, t attributes; a lone <v>) inline."""
        name = self.name
        strings = self.strings if self.cell_strings is None else self.cell_strings
        dates = {str(style).encode() for style in self.date_styles}
        if 0 in self.date_styles:
            dates.add(b"")  # a cell without s="" has style 0
        columns = _COLUMNS
        matches = _FAST_CELL.findall(data, start, end)
        new = tuple.__new__  # RawCell without its keyword-handling constructor: one per cell
        for letters, digits, style, kind, raw, inner in matches:
            row = int(digits) - 1
            col = columns.get(letters)
            if col is None:
                col = _column(letters)
            if not inner:  # a lone <v> (raw), or nothing
                if not raw:
                    continue
                if kind == b"s":
                    cells[(row, col)] = new(RawCell, (name, row, col, strings[int(raw)], None))
                    continue
                if (kind == b"" or kind == b"n") and style not in dates:
                    if b"." in raw or b"e" in raw or b"E" in raw:
                        cells[(row, col)] = new(RawCell, (name, row, col, float(raw), None))
                    else:
                        cells[(row, col)] = new(RawCell, (name, row, col, int(raw), None))
                    continue
                inner = b"<v>" + raw + b"</v>"
            elif kind == b"inlineStr":
                plain = _PLAIN_INLINE.fullmatch(inner)  # <is><t>text</t></is>, as we write
                if plain is not None:
                    value = _recurring_text(plain.group(1))
                    if self.cell_strings is not None and "_x" in value:
                        value = unescape(value)
                    cells[(row, col)] = new(RawCell, (name, row, col, value, None))
                    continue
            elif (kind == b"" or kind == b"n" or kind == b"str") and style not in dates:
                plain = _PLAIN_FORMULA.fullmatch(inner)  # <f>text</f><v>result</v>, as we write
                if plain is not None:
                    body, saved = plain.groups()
                    text = "=" + _recurring_text(body) if body else "="
                    if self.cell_strings is not None and "_x" in text:
                        text = unescape(text)
                    cells[(row, col)] = new(RawCell, (name, row, col, None, text))
                    value = _text(saved) if saved else None
                    if value:
                        if kind == b"str":
                            cached[(name, row, col)] = value
                        elif "." in value or "E" in value or "e" in value:
                            cached[(name, row, col)] = float(value)
                        else:
                            cached[(name, row, col)] = int(value)
                    continue
            attrs = {"r": (letters + digits).decode()}
            if style:
                attrs["s"] = style.decode()
            if kind:
                attrs["t"] = kind.decode()
            self.cell(attrs, inner, cells, cached)
        found = len(matches)
        if found != data.count(b"</c>", start, end):
            # some cell has other attributes or another order: read them all the general way
            cells.clear()
            cached.clear()
            self.shared.clear()
            found = 0
            for match in _CELL.finditer(data, start, end):
                found += 1
                self.cell(_attrs(match.group(1)), match.group(2), cells, cached)
            if found != data.count(b"</c>", start, end):
                raise _Fallback("a cell element the scanner does not recognise")

    def cell(
        self,
        attrs: dict[str, str],
        inner: bytes,
        cells: dict[tuple[int, int], RawCell],
        cached: dict[tuple[str, int, int], Any],
    ) -> None:
        ref = attrs.get("r")
        if not ref:
            raise _Fallback("cell without a reference")
        row, col = _position(ref)
        kind = attrs.get("t", "n")
        style = int(attrs.get("s") or 0)
        if b"<f" in inner:
            formula = _FORMULA.search(inner)
            if formula is not None:
                text = self.formula(formula, ref)
                if self.cell_strings is not None and "_x" in text:
                    text = unescape(text)
                cells[(row, col)] = RawCell(self.name, row, col, None, text)
                stored = self.value(kind, style, inner, ref)
                if stored is not None:
                    cached[(self.name, row, col)] = stored
                return
        value = self.value(kind, style, inner, ref)
        if value is not None:
            if self.cell_strings is not None and isinstance(value, str) and "_x" in value:
                value = unescape(value)
            cells[(row, col)] = RawCell(self.name, row, col, value)

    def value(self, kind: str, style: int, inner: bytes, ref: str) -> Any:
        """The typed value of a cell as openpyxl's WorksheetReader.parse_cell gives it."""
        if kind == "inlineStr":
            start = inner.find(b"<is")
            if start < 0:
                return None
            end = inner.rfind(b"</is>")
            return _rich_text(inner[start:end] if end > start else b"")
        match = _VALUE.search(inner)
        raw = _text(match.group(1)) if match is not None else None
        if not raw:
            return None
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if style in self.date_styles:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.timedelta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind in ("str", "e"):
            return raw
        if kind == "d":
            return from_ISO8601(raw)
        raise _Fallback(f"cell type {kind!r}")

    def formula(self, match: re.Match[bytes], ref: str) -> str:
        """The formula text as openpyxl gives it: '=' + text, shared formulas translated."""
        attrs = _attrs(match.group(1))
        body = match.group(2)
        text = "=" + (_text(body) if body else "")
        kind = attrs.get("t")
        if kind == "array":
            return text
        if kind == "shared":
            index = attrs.get("si")
            if index in self.shared:
                return self.shared[index].translate_formula(ref)
            if text != "=":
                try:
                    self.shared[index] = Translator(text, ref)
                except TokenizerError as exc:  # openpyxl's reader refuses the file too
                    raise _Fallback("shared formula openpyxl cannot tokenize") from exc
            return text
        if kind == "dataTable":
            return "=TABLE(" + ",".join(attrs.get(k, "") for k in ("r1", "r2") if k in attrs) + ")"
        return text

    def merged(
        self, tail: bytes, cells: dict[tuple[int, int], RawCell]
    ) -> list[tuple[int, int, int, int]]:
        """Merged ranges (0-based, sorted); the covered cells but the first lose their value.

        Returns of one template share their merged ranges: the ranges and the cells they hide
        are worked out once for the same bytes.
        """
        start = tail.find(b"<mergeCells")
        end = tail.find(b"</mergeCells>", start) if start >= 0 else -1
        section = tail[start : end + 13] if end >= 0 else tail
        found = _MERGES.get(section)
        if found is None:
            ranges = sorted(self._ranges(section))
            if any(r1 > r2 or c1 > c2 for r1, c1, r2, c2 in ranges):
                raise _Fallback("merged range written last cell first (J5:F3)")
            check_merged_cells(self.path, self.name, ranges)  # before a cell set is made
            huge = [r for r in ranges if (r[2] - r[0] + 1) * (r[3] - r[1] + 1) > _HIDDEN_LIMIT]
            # the first cell of each keeps its value
            hidden = covered_cells(
                tuple(r for r in ranges if r not in huge) if huge else tuple(ranges)
            )
            found = _remember(_MERGES, section, (ranges, hidden, huge))
        ranges, hidden, huge = found
        if cells:
            for key in hidden & cells.keys():
                del cells[key]
            for r1, c1, r2, c2 in huge:
                for key in [
                    (r, c)
                    for r, c in cells
                    if r1 <= r <= r2 and c1 <= c <= c2 and (r, c) != (r1, c1)
                ]:
                    del cells[key]
        return list(ranges)

    def _ranges(self, tail: bytes) -> set[tuple[int, int, int, int]]:
        ranges = set()
        fast = _FAST_MERGE.findall(tail)
        if len(fast) == tail.count(b"<mergeCell "):
            columns = _COLUMNS
            for l1, d1, l2, d2 in fast:
                c1 = columns.get(l1)
                c2 = columns.get(l2)
                ranges.add(
                    (
                        int(d1) - 1,
                        _column(l1) if c1 is None else c1,
                        int(d2) - 1,
                        _column(l2) if c2 is None else c2,
                    )
                )
        else:
            for match in _MERGE.finditer(tail):
                ref = _attrs(match.group(1)).get("ref", "")
                min_col, min_row, max_col, max_row = range_boundaries(ref)
                if None in (min_col, min_row, max_col, max_row):
                    raise _Fallback("merged range of whole rows or columns")
                ranges.add((min_row - 1, min_col - 1, max_row - 1, max_col - 1))
        return ranges


_HIDDEN_LIMIT = 10_000  # cells of a merged range listed one by one; a larger one is searched


# --- small helpers --------------------------------------------------------------------------


def _check_part(data: bytes, root: bytes) -> None:
    """Refuse what the scanner cannot read exactly: another encoding, a prefix, CDATA..."""
    head = data[:400]
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise _Fallback("byte order mark")
    if head.startswith(b"<?xml"):
        decl_end = head.find(b"?>")
        decl = head[:decl_end].lower()
        if b"encoding" in decl and b"utf-8" not in decl:
            raise _Fallback("not UTF-8")
        rest = head[decl_end + 2 :].lstrip()
    else:
        rest = head.lstrip()
    if not rest.startswith(b"<" + root) or rest[len(root) + 1 : len(root) + 2] not in b" \t\r\n>/":
        raise _Fallback("root element prefixed or unexpected")
    if b"!" in data and _MARKUP_DECLARATION.search(data):  # "!" is rare: a fast first look
        raise _Fallback("CDATA, comment or DTD")
    if root in (b"workbook", b"worksheet", b"sst", b"styleSheet"):
        root_tag = rest[: rest.find(b">")]
        if b'xmlns="' + MAIN_NS + b'"' not in root_tag:
            raise _Fallback("not the transitional main namespace")
    end = data[-512:].rstrip()  # the end, without copying a whole sheet
    if len(end) < 64 and len(data) > 512:
        end = data.rstrip()
    if not end.endswith(b"</" + root + b">"):
        raise _Fallback("part does not end with its root element (or the root is empty)")


def _section(data: bytes, tag: bytes) -> bytes:
    """The bytes between <tag ...> and </tag> (empty if absent)."""
    start = data.find(b"<" + tag)
    if start < 0:
        return b""
    end = data.find(b"</" + tag + b">", start)
    return data[start:end] if end > 0 else b""


def _elements(data: bytes, tag: bytes) -> list[dict[str, str]]:
    return [_attrs(m.group(1)) for m in _ELEMENT[tag].finditer(data)]


def _attrs(data: bytes) -> dict[str, str]:
    if b"'" in data:
        pairs = _ATTR.findall(data)
        if len(pairs) != data.count(b"="):
            raise _Fallback("attribute in single quotes")
    else:
        pairs = _ATTR.findall(data)
    return {key.decode(): _text(value, attribute=True) for key, value in pairs}


def _text(raw: bytes, attribute: bool = False) -> str:
    """Character data as an XML parser gives it: line ends normalised, references expanded.

    In an attribute value a literal tab or line end also becomes a space.
    """
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if attribute and ("\n" in text or "\t" in text):
        text = text.replace("\n", " ").replace("\t", " ")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if _CONTROL.search(text):
        raise _Fallback("character not allowed in XML")
    return text


def _entity(match: re.Match[str]) -> str:
    ref = match.group(1)
    if ref is None:
        raise _Fallback("bare ampersand or unknown entity")
    try:
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
    except (ValueError, OverflowError) as exc:  # past U+10FFFF (expat refuses it too)
        raise _Fallback("character reference past Unicode") from exc
    return _NAMED_ENTITIES[ref]


_TEXTS: dict[bytes, str] = {}
_TEXTS_KEPT = 20_000  # texts remembered (at most _TEXT_BYTES each), forgotten all at once
_TEXT_BYTES = 200


def _recurring_text(raw: bytes) -> str:
    """_text of a cell's text or formula, remembered when short: the labels, choices and
    formulas of a template recur in every return."""
    text = _TEXTS.get(raw)
    if text is None:
        text = _text(raw)
        if len(raw) <= _TEXT_BYTES:
            if len(_TEXTS) >= _TEXTS_KEPT:
                _TEXTS.clear()
            _TEXTS[raw] = text
    return text


def _rich_text(inner: bytes | None) -> str:
    """The text of an <si> or <is>: the plain <t>, then the runs' <t>s; phonetic runs left out."""
    if not inner:
        return ""
    if b"<rPh" in inner:
        inner = _PHONETIC.sub(b"", inner)
    if b"<r>" not in inner and b"<r " not in inner:
        texts = _T.findall(inner)
        if len(texts) > 1:
            raise _Fallback("several plain texts")
        return _text(texts[0]) if texts else ""
    runs = [_T.search(run) for run in _RUN.findall(inner)]
    plain = _T.findall(_RUN.sub(b"", inner))
    parts = [_text(plain[-1])] if plain and plain[-1] else []
    parts += [_text(t.group(1)) for t in runs if t is not None and t.group(1)]
    return "".join(parts)


_COLUMNS: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    """Column letters (any case) -> 0-based index, remembered."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + (ch - 64)
    _COLUMNS[letters] = col - 1
    return col - 1


def _position(ref: str) -> tuple[int, int]:
    """A1 -> 0-based (row, col), as openpyxl's coordinate_to_tuple reads it."""
    match = _REF.match(ref)
    if match is None:
        raise _Fallback(f"cell reference {ref!r}")
    letters, digits = match.groups()
    return int(digits) - 1, _column(letters.encode())


def _epoch(book: bytes) -> dt.datetime:
    props = _ELEMENT_WORKBOOK_PR.search(book)
    if props is None:
        return WINDOWS_EPOCH
    flag = _attrs(props.group(1)).get("date1904")
    return MAC_EPOCH if flag is not None and flag not in ("false", "f", "0", "") else WINDOWS_EPOCH


_ELEMENT_WORKBOOK_PR = re.compile(rb"<workbookPr\b([^>]*?)/?>")


def _check_titles(names: list[str]) -> None:
    """openpyxl refuses some titles and renames duplicates; leave those files to it."""
    seen: set[str] = set()
    for name in names:
        if not name or _INVALID_TITLE.search(name) or name.lower() in seen:
            raise _Fallback("sheet title openpyxl would refuse or rename")
        seen.add(name.lower())


# Returns of one plan share their content types, workbook part (450 defined names for the
# 施策マネジメントシート), its relationships and their styles byte for byte: what is read from
# them is kept, under those bytes.
_TYPES: OrderedDict[bytes, tuple[str, str | None]] = OrderedDict()
_SKELETONS: OrderedDict[Any, Any] = OrderedDict()
_STYLES: OrderedDict[bytes, tuple[frozenset[int], frozenset[int]]] = OrderedDict()
_MERGES: OrderedDict[bytes, Any] = OrderedDict()
_KEPT = 16


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> Any:
    cache[key] = value
    while len(cache) > _KEPT:
        cache.popitem(last=False)
    return value


def _defined_names(book: bytes) -> dict[str, NameTarget]:
    """The workbook-scoped names (openpyxl's book.defined_names), last one of a name wins."""
    section = _section(book, b"definedNames")
    texts: dict[str, str] = {}
    fast = _FAST_DEFINED_NAME.findall(section)
    if len(fast) == section.count(b"<definedName "):
        for name, local, body in fast:
            if not local:
                texts[name.decode()] = body.decode() if b"&" not in body else _text(body)
            else:
                int(local[15:-1])
    else:
        for match in _DEFINED_NAME.finditer(section):
            attrs = _attrs(match.group(1))
            if "localSheetId" in attrs:
                int(attrs["localSheetId"])
                continue
            name = attrs.get("name")
            if name is None:
                continue
            body = match.group(2)
            texts[name] = _text(body) if body else ""
    for reserved in _RESERVED_GLOBALS:
        texts.pop(reserved, None)
    targets = _NAME_TARGETS
    found = {}
    for name, text in texts.items():
        # most names read the same in every return of a layout, whatever its table lengths
        target = targets.get((name, text))
        if target is None:
            if len(targets) >= _NAME_TARGETS_KEPT:
                targets.clear()
            target = targets[(name, text)] = _name_target(name, text)
        found[name] = target
    return found


_NAME_TARGETS: dict[tuple[str, str], NameTarget] = {}  # NameTargets are immutable: shared
_NAME_TARGETS_KEPT = 20_000
_NAME_COLUMNS: dict[str, int] = {}
_SIMPLE_REF = re.compile(r"^(?:'([^']+)'|([^'!\s=]+))!\$([A-Z]{1,3})\$([0-9]+)$")


def _name_target(name: str, text: str) -> NameTarget:
    """parse_name_target, with the one shape xlsxsheet's names have ('Sheet'!$F$42) inline."""
    match = _SIMPLE_REF.match(text)
    if match is None or "#REF!" in text:
        return parse_name_target(name, text)
    quoted, plain, letters, digits = match.groups()
    col = _NAME_COLUMNS.get(letters)
    if col is None:
        col = _NAME_COLUMNS[letters] = _column(letters.encode())
    row = int(digits) - 1
    if row >= MAX_ROWS or col >= MAX_COLS or row < 0:
        return NameTarget(name, text, None, None, None)  # past the grid, as parse_name_target
    return NameTarget(name, text, quoted or plain, row, col)


def _sheet_metadata(cells: dict[tuple[int, int], RawCell]) -> dict[str, str]:
    """key/value pairs of the hidden metadata sheet (columns A and B, from row 2)."""
    rows: dict[int, dict[int, Any]] = {}
    for (row, col), raw in cells.items():
        if col <= 1 and row >= 1:
            rows.setdefault(row, {})[col] = raw.formula if raw.formula is not None else raw.value
    meta: dict[str, str] = {}
    for row in sorted(rows):
        key, value = rows[row].get(0), rows[row].get(1)
        if key:
            meta[str(key)] = "" if value is None else str(value)
    return meta
