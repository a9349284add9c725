"""One verdict for a vetted package: readable by every command, or by none.

The fast reader scans the parts it needs with patterns and never parses them; openpyxl (which
`fix` and the openpyxl engine use) parses every XML part and refuses a malformed one. So that
`check`, `read`, `collect`, `rollover` and `fix` agree, :func:`verify_package` refuses, before
either reader runs, what openpyxl would refuse and the scan would not see:

- an XML part (``*.xml``, ``*.rels``, ``[Content_Types].xml``) that is not well-formed
  (garbage after the root element, mismatched tags, a character reference past Unicode...),
  checked with expat; parts that returns of one template share byte for byte (styles, theme,
  properties, a sheet's parts around its cells) are checked once for those bytes;
- a sheet relationship to a comments, table, drawing or pivot table part that is missing;
- a ``cellXfs`` without any ``xf``, or a cell whose style index is past its end.

Each is a :class:`~xlsxsheet.core.errors.WorkbookError` ``file-corrupt`` naming the part, in
Japanese. CRC-32s are checked when safe_open inflates the parts (every part is read whole).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from xml.parsers import expat

from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.reading.safe_open import FileFacts
from xlsxsheet.reading.sheet_bounds import check_merges

__all__ = ["verify_merges", "verify_package"]

ReadPart = Callable[[str], bytes]  # a part's bytes by name

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_FOLLOWED = ("/comments", "/table", "/drawing", "/pivotTable")
_SHEET_RELS = re.compile(r"^(.*/)?_rels/([^/]+)\.rels$")
_RELATIONSHIP = re.compile(rb"<Relationship\b([^>]*)>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_XF = re.compile(rb"<xf\b")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']""")


def verify_package(facts: FileFacts, read: ReadPart | None = None) -> None:
    """Raise WorkbookError (file-corrupt) for a part every reader must refuse; see the module."""
    if facts.format == "xls":
        return
    read = read or _reader(facts)
    names = facts.names
    members = set(names)
    for name in names:
        if name.endswith("/") or not (
            name.lower().endswith(_XML_SUFFIXES) or name == "[Content_Types].xml"
        ):
            continue
        data = read(name)
        error = _well_formed(data, name)
        if error is not None:
            raise _corrupt(facts.path, name, f"XMLの書式が壊れています: {error}")
        if name.endswith(".rels"):
            _check_targets(facts.path, name, data, members)
        if _described(name) and not _openpyxl_takes(name, data):
            raise _corrupt(facts.path, name, "Excel の書式に合わない要素か値があります")
    _check_styles(facts, read)


def verify_merges(facts: FileFacts) -> None:
    """Refuse a sheet whose merged ranges cover too many cells (sheet_bounds), before openpyxl
    makes an object for each. The fast reader checks the ranges it parses itself."""
    read = _reader(facts)
    for name in facts.names:
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            check_merges(facts.path, name, read(name))


def _reader(facts: FileFacts) -> ReadPart:
    """Parts safe_open kept, else read (and CRC-checked) from the zip."""
    opened: list[zipfile.ZipFile] = []

    def read(name: str) -> bytes:
        data = facts.parts.get(name)
        if data is not None:
            return data
        try:
            if not opened:
                opened.append(zipfile.ZipFile(facts.path))
            return opened[0].read(name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as exc:
            raise _corrupt(facts.path, name, "部品を読めません") from exc

    return read


def _corrupt(path: Path, part: str, what: str) -> WorkbookError:
    return WorkbookError(
        str(path),
        "file-corrupt",
        f"{path.name} は壊れています(部品 {part}: {what})。"
        "Excelで開いて保存し直すか、元のブックから作り直して提出し直してください。",
    )


# --- well-formedness -------------------------------------------------------------------------

_VERIFIED: OrderedDict[bytes, None] = OrderedDict()
_VERIFIED_KEPT = 64
_VERIFIED_BYTES = 1024 * 1024  # parts up to this size are remembered when well-formed


def _well_formed(data: bytes, name: str = "") -> str | None:
    """None when `data` is a well-formed XML document, else where and what is wrong (Japanese).

    A large part is checked in pieces: the part without the insides of its long lists
    (_CONTAINERS: a sheet's rows, merged ranges and input rules, the defined names, the shared
    strings), the same bytes in every return of a template, then each inside a few items at a
    time. Pieces are remembered once checked, by their shape (see _shape): returns of a
    template share most of their rows, names and strings but for their figures and row
    numbers, so only what differs is parsed. When a piece fails, the
    whole inside is parsed again, for the exact place. A part with comments, CDATA, processing
    instructions or another encoding is parsed whole.
    """
    if (
        len(data) < _SPLIT_BYTES
        or (b"!" in data and b"<!" in data)  # "!" and "?" are rare: a fast first look
        or data.find(b"?>", data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0) >= 0
    ):
        return _remembered(data)
    encoding = _ENCODING.match(data, 0, 200)
    if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        return _remembered(data)
    found = []
    lists = _SHEET_LISTS if name.startswith("xl/worksheets/") else _CONTAINERS.get(name, ())
    after = 0  # the lists come in this order (the schema's): each is looked for after the last
    for container, item in lists:
        start = data.find(b"<" + container, after)
        if start < 0 or data[start + len(container) + 1 : start + len(container) + 2] not in (
            b" ",
            b">",
        ):
            continue  # not there (or elsewhere): left in the skeleton, parsed with it
        open_end = data.find(b">", start)
        end = data.find(b"</" + container + b">", open_end)
        if open_end > 0 and end > open_end and data[open_end - 1 : open_end] != b"/":
            found.append((start, open_end + 1, end, item))
            after = end
    found.sort()
    skeleton, pos, insides = [], 0, []
    for start, inside_at, end, item in found:
        if start < pos:
            return _remembered(data)  # lists inside one another: parsed whole
        skeleton.append(data[pos:inside_at])
        insides.append((inside_at, end, item))
        pos = end
    skeleton.append(data[pos:])
    error = _remembered(b"".join(skeleton))
    if error is not None:
        return error
    for inside_at, end, item in insides:
        if not _pieces_well_formed(data[inside_at:end], item):
            inside = memoryview(data)[inside_at:end]
            return _parse(b"<x>", inside, b"</x>", data, inside_at) or _remembered(data)
    return None


def _pieces_well_formed(inside: bytes, item: bytes) -> bool:
    """True when each item of `inside` (and what follows the last) is well-formed content."""
    items = _shape(inside).split(item)
    known = _PIECES.setdefault(item, {})  # one set per kind of item: a piece means "+ item"
    last = items.pop()
    for piece in [piece for piece in items if piece not in known]:
        if _parse(b"<x>", piece + item, b"</x>", piece, 0) is not None:
            return False
        known[piece] = None
    if last and b"\x00" + last not in known:  # kept apart: it has no end of its own
        if _parse(b"<x>", last, b"</x>", last, 0) is not None:
            return False
        known[b"\x00" + last] = None
    if len(known) > _PIECES_KEPT:
        known.clear()
    return True


_DIGITS = bytes.maketrans(b"123456789", b"000000000")


def _shape(piece: bytes) -> bytes:
    """The key a piece is remembered under: its digits made 0. Digits in names, attribute
    values and text never decide whether XML is well-formed, so pieces of one shape (rows,
    names and ranges a few rows lower, other figures) are all well-formed or all not. Not so
    inside a character reference (&#55296; is not a character, &#50000; is): a piece holding
    one is its own key."""
    return piece if b"&#" in piece else piece.translate(_DIGITS)


_SHEET_LISTS = (
    (b"sheetData", b"</row>"),
    (b"mergeCells", b"/>"),
    (b"dataValidations", b"</dataValidation>"),
)
_CONTAINERS = {  # elements holding a long list, and how each item of the list ends, by part
    "xl/workbook.xml": ((b"definedNames", b"</definedName>"),),
    "xl/sharedStrings.xml": ((b"sst", b"</si>"),),
    "docProps/app.xml": ((b"TitlesOfParts", b"</vt:lpstr>"),),
}
_SPLIT_BYTES = 8 * 1024  # smaller parts are parsed whole
_PIECES: dict[bytes, dict[bytes, None]] = {}  # shapes of well-formed items, by how they end
_PIECES_KEPT = 50_000


def _remembered(data: bytes) -> str | None:
    """_parse of a whole part, remembered by its shape (after the XML declaration, whose
    version and encoding are not to be changed)."""
    declared = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
    key = data[:declared] + _shape(data[declared:])
    if key in _VERIFIED:
        return None
    error = _parse(b"", data, b"", data, 0)
    if error is None and len(data) <= _VERIFIED_BYTES:
        _VERIFIED[key] = None
        while len(_VERIFIED) > _VERIFIED_KEPT:
            _VERIFIED.popitem(last=False)
    return error


def _parse(
    before: bytes, data: bytes | memoryview, after: bytes, whole: bytes, offset: int
) -> str | None:
    """expat over before + data + after; an error is placed in `whole` (data at `offset`)."""
    parser = expat.ParserCreate()
    try:
        if before:
            parser.Parse(before, False)
        parser.Parse(data, not after)
        if after:
            parser.Parse(after, True)
    except expat.ExpatError as exc:
        at = max(parser.CurrentByteIndex - len(before) + offset, 0)
        line = whole.count(b"\n", 0, at) + 1
        column = at - (whole.rfind(b"\n", 0, at) + 1) + 1
        what = _MESSAGES.get(exc.code, "XMLとして読めない箇所があります")
        return f"{line}行目 {column:,}バイト目 {what}"
    return None


_E = expat.errors.codes
_MESSAGES = {
    _E[expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]: "最後の要素のあとに余分なデータがあります",
    _E[expat.errors.XML_ERROR_TAG_MISMATCH]: "開始タグと終了タグが対応していません",
    _E[expat.errors.XML_ERROR_NO_ELEMENTS]: "要素がありません",
    _E[expat.errors.XML_ERROR_UNCLOSED_TOKEN]: "タグが閉じられないまま終わっています",
    _E[expat.errors.XML_ERROR_INVALID_TOKEN]: "使えない文字か、壊れたタグがあります",
    _E[expat.errors.XML_ERROR_BAD_CHAR_REF]: "文字参照(&#…;)が使えない文字を指しています",
    _E[expat.errors.XML_ERROR_UNDEFINED_ENTITY]: "定義されていない実体参照(&…;)があります",
    _E[expat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE]: "同じ属性が二度あります",
    _E[expat.errors.XML_ERROR_SYNTAX]: "書式の誤りがあります",
    _E[expat.errors.XML_ERROR_PARTIAL_CHAR]: "文字が途中で切れています",
    _E[expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION]: "CDATA が閉じられていません",
    _E[expat.errors.XML_ERROR_MISPLACED_XML_PI]: "XML宣言の位置が正しくありません",
    _E[expat.errors.XML_ERROR_INCORRECT_ENCODING]: "文字コードの宣言と中身が合いません",
    _E[expat.errors.XML_ERROR_UNKNOWN_ENCODING]: "対応していない文字コードです",
}


# --- the package parts as openpyxl reads them -------------------------------------------------

_DESCRIBED = {
    "[Content_Types].xml": ("openpyxl.packaging.manifest", "Manifest"),
    "xl/styles.xml": ("openpyxl.styles.stylesheet", "Stylesheet"),
    "docProps/core.xml": ("openpyxl.packaging.core", "DocumentProperties"),
    "docProps/custom.xml": ("openpyxl.packaging.custom", "CustomPropertyList"),
}
_RELATIONSHIPS = ("openpyxl.packaging.relationship", "RelationshipList")


def _described(name: str) -> tuple[str, str] | None:
    return _RELATIONSHIPS if name.endswith(".rels") else _DESCRIBED.get(name)


def _openpyxl_takes(name: str, data: bytes) -> bool:
    """Whether openpyxl's own classes read the part (content types, relationships, styles,
    properties: each element and attribute checked as openpyxl checks it). Returns of a
    template share these parts byte for byte, but for what each department's Excel writes
    in docProps/core.xml (its times, its author): the answer is remembered per part, and for
    core.xml per shape (see _core_shape)."""
    if name == "docProps/core.xml" and (name, data) not in _TAKEN:
        shaped = _core_shape(data)
        if shaped is not None:
            shape, dates = shaped
            if all(_date_taken(local, text) for local, text in dates):
                found = _openpyxl_read(name, shape)
                if len(_TAKEN) >= _TAKEN_KEPT:
                    _TAKEN.clear()
                _TAKEN[(name, data)] = found  # the same return again: one lookup
                return found
    return _openpyxl_read(name, data)


def _openpyxl_read(name: str, data: bytes) -> bool:
    key = (name, data)
    found = _TAKEN.get(key)
    if found is None:
        import importlib
        import warnings

        from defusedxml.ElementTree import fromstring

        module, cls = _described(name)  # type: ignore[misc]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                getattr(importlib.import_module(module), cls).from_tree(fromstring(data))
            found = True
        except Exception:  # openpyxl raises many kinds on a value it does not take
            found = False
        if len(_TAKEN) >= _TAKEN_KEPT:
            _TAKEN.clear()
        _TAKEN[key] = found
    return found


_TAKEN: dict[tuple[str, bytes], bool] = {}
_TAKEN_KEPT = 256  # parts remembered (then forgotten all at once: memory stays bounded)

_SIMPLE_ELEMENT = re.compile(rb"<((?:[\w.-]+:)?)([\w.-]+)(\s[^>]*)?>([^<]*)</\1\2\s*>")
_PLACEHOLDER_DATE = b"2000-01-01T00:00:00Z"


@cache
def _core_fields() -> tuple[frozenset[bytes], frozenset[bytes]]:
    """The local names of DocumentProperties' text and date elements, from openpyxl itself
    (it matches child elements by local name, whatever their namespace)."""
    from openpyxl.descriptors.base import DateTime
    from openpyxl.descriptors.nested import NestedText
    from openpyxl.packaging.core import DocumentProperties

    texts, dates = set(), set()
    for local in DocumentProperties.__elements__:
        descriptor = getattr(DocumentProperties, local)
        if isinstance(descriptor, DateTime):
            dates.add(local.encode())
        elif isinstance(descriptor, NestedText):
            texts.add(local.encode())
    return frozenset(texts), frozenset(dates)


def _core_shape(data: bytes) -> tuple[bytes, list[tuple[str, str]]] | None:
    """core.xml with the text of its plain text elements (any text is a string to openpyxl)
    and of its dates (each set aside, to be checked on its own) replaced by placeholders:
    parts of one shape are all taken or all refused once their dates are. None where a value
    holds a reference (&…;) or the part is not plain enough to say."""
    texts, dates = _core_fields()
    found: list[tuple[str, str]] = []

    def placeholder(match: re.Match[bytes]) -> bytes:
        local, value = match.group(2), match.group(4)
        if b"&" in value or not value:
            return match.group(0)
        if local in dates:
            found.append((local.decode(), value.decode("utf-8", "replace")))
            value = _PLACEHOLDER_DATE
        elif local in texts:
            value = b"x"
        else:
            return match.group(0)
        return (
            match.group(0)[: match.start(4) - match.start()]
            + value
            + b"</"
            + match.group(1)
            + local
            + b">"
        )

    try:
        shape = _SIMPLE_ELEMENT.sub(placeholder, data)
    except UnicodeDecodeError:
        return None
    return shape, found


def _date_taken(local: str, text: str) -> bool:
    """Whether openpyxl's descriptor for the date element `local` takes `text`."""
    from openpyxl.packaging.core import DocumentProperties

    try:
        getattr(DocumentProperties, local).__set__(_Holder(), text)
    except Exception:  # openpyxl raises ValueError or TypeError on a value it does not take
        return False
    return True


class _Holder:
    """Somewhere for a descriptor to put the value it took."""


# --- relationships and styles ----------------------------------------------------------------


def _check_targets(path: Path, rels_name: str, data: bytes, members: set[str]) -> None:
    """A part openpyxl follows from a sheet (comments, tables, drawings, pivot tables) must be
    in the package."""
    match = _SHEET_RELS.match(rels_name)
    if match is None or "worksheets/" not in rels_name:
        return
    folder = posixpath.dirname(posixpath.dirname(rels_name))  # the part the rels belong to
    for found in _RELATIONSHIP.finditer(data):
        attrs = {
            m.group(1): (m.group(2) or m.group(3) or "") for m in _ATTR.finditer(found.group(1))
        }
        kind = attrs.get(b"Type", b"").decode("utf-8", "replace")
        if attrs.get(b"TargetMode") == b"External" or not kind.endswith(_FOLLOWED):
            continue
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        part = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        if part not in members:
            raise _corrupt(path, rels_name, f"関連付けられた部品 {part} がありません")


_TOO_LARGE: dict[int, re.Pattern[bytes]] = {}


def _check_styles(facts: FileFacts, read: ReadPart) -> None:
    """cellXfs must hold an xf for every style index a cell uses (openpyxl indexes them)."""
    if "xl/styles.xml" not in facts.names:
        return
    styles = read("xl/styles.xml")
    start = styles.find(b"<cellXfs")
    end = styles.find(b"</cellXfs>", start)
    count = len(_XF.findall(styles, start, end)) if 0 <= start < end else 0
    pattern = _TOO_LARGE.get(count)
    if pattern is None:
        pattern = _TOO_LARGE[count] = _style_at_least(count)
    for name in facts.names:
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            data = read(name)
            # cells and rows (the only elements with an s=) are inside <sheetData>
            cells_at = max(data.find(b"<sheetData"), 0)
            found = pattern.search(data, cells_at, data.rfind(b"</sheetData>") + 1 or len(data))
            if found is not None:
                what = (
                    f"セルの書式番号 {found.group(1).decode()} が書式の一覧({count} 件)にありません"
                    if count
                    else "セルの書式の一覧(cellXfs)が空です"
                )
                raise _corrupt(facts.path, name if count else "xl/styles.xml", what)


def _style_at_least(count: int) -> re.Pattern[bytes]:
    """A pattern finding a cell (<c ...>) whose s="N" has N >= count (count 0: any cell)."""
    if count == 0:
        return re.compile(rb"<c[\s/>]()")
    digits = str(count)
    alternatives = [rb"[1-9][0-9]{%d,}" % len(digits)]  # longer
    for i, ch in enumerate(digits):  # same length, larger at position i
        if ch != "9":
            alternatives.append(
                digits[:i].encode() + b"[%c-9]" % (ord(ch) + 1) + b"[0-9]" * (len(digits) - i - 1)
            )
    alternatives.append(digits.encode())
    # ` s="` starts the search (a literal: fast); only cells and rows carry an s= attribute
    return re.compile(rb' s="0*(' + b"|".join(alternatives) + rb')"')
