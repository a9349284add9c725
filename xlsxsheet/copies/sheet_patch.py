"""Splice cells into a worksheet part's XML text: only the `<c>` elements of the changed cells
are replaced (or inserted where a row held no such cell); every other byte stays as it was."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

from xlsxsheet.copies.package_patch import root_prefix, splice, xml_text
from xlsxsheet.core.cells import parse_a1


@dataclass(frozen=True)
class OldCell:
    """What a cell was: its style index and whether it held a (shared master) formula."""

    style: int
    formula: bool
    shared_master: bool
    exists: bool


def prefix_of(text: str) -> str:
    """The prefix of the worksheet's own namespace ("" or "x:")."""
    return root_prefix(text, "worksheet")


@dataclass(frozen=True)
class _Patterns:
    """The patterns of one namespace prefix ("" or "x:"), compiled once."""

    row_tag: re.Pattern[str]
    cell_tag: re.Pattern[str]
    formula: re.Pattern[str]
    cached: re.Pattern[str]


@lru_cache(maxsize=8)
def _patterns(p: str) -> _Patterns:
    q = re.escape(p)
    return _Patterns(
        row_tag=re.compile(r"<" + q + r"row\b[^>]*?(/?)>"),
        cell_tag=re.compile(r"<" + q + r"c\b[^>]*?(/?)>"),
        formula=re.compile(r"<" + q + r"f\b.*?(?:/>|</" + q + "f>)", re.S),
        cached=re.compile(r"<" + q + r"v>(.*?)</" + q + "v>", re.S),
    )


_TYPE = re.compile(r'\st="([^"]*)"')
_STYLE = re.compile(r'\bs="(\d+)"')


def _row_span(text: str, p: str, row: int) -> tuple[int, int, bool] | None:
    """(start, end, self-closing) of the <row r="row"> element."""
    head = f'<{p}row r="{row}"'
    at = text.find(head)  # as Excel, LibreOffice and xlsxwriter write it: r first
    if at >= 0 and text[at + len(head)] in " />":
        match = _patterns(p).row_tag.match(text, at)
    elif f'r="{row}"' not in text:
        return None  # no such row: no pattern to compile
    else:
        pattern = re.compile(r"<" + re.escape(p) + r'row\b[^>]*?\br="' + str(row) + r'"[^>]*?(/?)>')
        match = pattern.search(text)
    if match is None:
        return None
    if match.group(1):
        return match.start(), match.end(), True
    close = text.find(f"</{p}row>", match.end())
    return match.start(), close + len(f"</{p}row>"), False


def _cell_span(text: str, p: str, ref: str, start: int, end: int) -> tuple[int, int] | None:
    head = f'<{p}c r="{ref}"'
    at = text.find(head, start, end)
    if at >= 0 and text[at + len(head)] in " />":
        match = _patterns(p).cell_tag.match(text, at)
    elif text.find(f'r="{ref}"', start, end) < 0:
        return None  # not in the row: no pattern to compile
    else:
        pattern = re.compile(r"<" + re.escape(p) + r'c\b[^>]*?\br="' + ref + r'"[^>]*?(/?)>')
        match = pattern.search(text, start, end)
    if match is None:
        return None
    if match.group(1):
        return match.start(), match.end()
    close = text.find(f"</{p}c>", match.end(), end)
    return match.start(), close + len(f"</{p}c>")


def _cell_at(
    text: str, ref: str
) -> tuple[str, tuple[int, int, bool] | None, tuple[int, int] | None]:
    """The worksheet's prefix, the span of `ref`'s row and the span of its `<c>` (None where
    the sheet has no such row, or the row no such cell)."""
    p = prefix_of(text)
    row, _ = parse_a1(ref)
    span = _row_span(text, p, row + 1)
    cell = _cell_span(text, p, ref, span[0], span[1]) if span and not span[2] else None
    return p, span, cell


def addressed(text: str, ref: str) -> bool:
    """Whether the row of `ref` (or, where it has none, every row) carries its r="…" address,
    and every cell of that row its own."""
    p = prefix_of(text)
    row, _ = parse_a1(ref)
    span = _row_span(text, p, row + 1)
    if span is None:
        return text.count(f"<{p}row") - text.count(f"<{p}rowBreaks") == text.count(f'<{p}row r="')
    segment = text[span[0] : span[1]]
    opened = sum(segment.count(f"<{p}c{end}") for end in " />")
    return opened == segment.count(f'<{p}c r="')


def old_cell(text: str, ref: str) -> OldCell:
    """What `ref` holds in the sheet text."""
    p, span, cell = _cell_at(text, ref)
    if cell is None:
        style = 0
        if span is not None:
            row_tag = text[span[0] : text.find(">", span[0]) + 1]
            if re.search(r'\bcustomFormat="(1|true)"', row_tag):
                found = re.search(r'\bs="(\d+)"', row_tag)
                style = int(found.group(1)) if found else 0
        return OldCell(style, False, False, False)
    element = text[cell[0] : cell[1]]
    tag = element[: element.find(">") + 1]
    style = _STYLE.search(tag)
    formula = re.search(r"<" + re.escape(p) + r"f\b([^>]*)", element)
    shared = bool(formula and 't="shared"' in formula.group(1) and "ref=" in formula.group(1))
    return OldCell(int(style.group(1)) if style else 0, formula is not None, shared, True)


def cell_xml(
    p: str, ref: str, style: int, value: object, formula: str | None = None, cached: object = None
) -> str:
    """One `<c>` element as Excel writes it: a number as a number, text inline, a formula with
    its cached result."""
    attrs = f'r="{ref}"' + (f' s="{style}"' if style else "")
    if formula is not None:
        body = f"<{p}f>{xml_text(formula)}</{p}f>"
        kind, shown = _typed(cached)
        if shown is None:
            return f"<{p}c {attrs}>{body}</{p}c>"
        kind = ' t="str"' if kind == ' t="inlineStr"' else kind
        return f"<{p}c {attrs}{kind}>{body}<{p}v>{xml_text(shown)}</{p}v></{p}c>"
    kind, shown = _typed(value)
    if shown is None:
        return f"<{p}c {attrs}/>"
    if kind == ' t="inlineStr"':
        return f'<{p}c {attrs}{kind}><{p}is><{p}t xml:space="preserve">{xml_text(shown)}</{p}t></{p}is></{p}c>'
    return f"<{p}c {attrs}{kind}><{p}v>{shown}</{p}v></{p}c>"


def _typed(value: object) -> tuple[str, str | None]:
    if value is None or value == "":
        return "", None
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, int):
        return "", str(value)
    if isinstance(value, float):
        if value != value or abs(value) == float("inf"):
            return "", None
        return "", str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        from openpyxl.utils.datetime import to_excel

        return "", repr(float(to_excel(value)))
    return ' t="inlineStr"', str(value)


def put_cell(text: str, ref: str, element: str) -> str:
    """`text` with the `<c>` of `ref` replaced by `element` (inserted in its row, in column
    order, where there is none; the row inserted in row order where there is none)."""
    p = prefix_of(text)
    row, col = parse_a1(ref)
    span = _row_span(text, p, row + 1)
    if span is None:
        return _insert_row(text, p, row + 1, element)
    start, end, empty = span
    if empty:
        tag = text[start:end]
        return text[:start] + tag[:-2] + ">" + element + f"</{p}row>" + text[end:]
    cell = _cell_span(text, p, ref, start, end)
    if cell is not None:
        return splice(text, cell[0], cell[1], element)
    pattern = re.compile(r"<" + re.escape(p) + r'c\b[^>]*?\br="([A-Z]+)\d+"')
    for match in pattern.finditer(text, start, end):
        if parse_a1(match.group(1) + str(row + 1))[1] > col:
            return text[: match.start()] + element + text[match.start() :]
    close = end - len(f"</{p}row>")
    return text[:close] + element + text[close:]


def _insert_row(text: str, p: str, row: int, element: str) -> str:
    new_row = f'<{p}row r="{row}">{element}</{p}row>'
    pattern = re.compile(r"<" + re.escape(p) + r'row\b[^>]*?\br="(\d+)"')
    for match in pattern.finditer(text):
        if int(match.group(1)) > row:
            return text[: match.start()] + new_row + text[match.start() :]
    close = text.find(f"</{p}sheetData>")
    if close >= 0:
        return text[:close] + new_row + text[close:]
    empty = re.search(r"<" + re.escape(p) + r"sheetData\s*/>", text)
    if empty is None:
        raise ValueError("no sheetData")
    return text[: empty.start()] + f"<{p}sheetData>{new_row}</{p}sheetData>" + text[empty.end() :]


def _same(cached: str, shown: str, kind: str) -> bool:
    """Whether a cached `<v>` text already says `shown` (numbers compared as numbers)."""
    if kind == "":
        try:
            return float(cached) == float(shown)
        except ValueError:
            return False
    return cached == xml_text(shown)


def restyle(text: str, ref: str, style: int) -> str:
    """`text` with the `<c>` of `ref` given style `style`, its content as it was."""
    p, _span, cell = _cell_at(text, ref)
    if cell is None:
        return put_cell(text, ref, cell_xml(p, ref, style, None))
    tag_end = text.find(">", cell[0]) + 1
    tag = text[cell[0] : tag_end]
    if re.search(r'\bs="\d+"', tag):
        new_tag = re.sub(r'\bs="\d+"', f's="{style}"', tag, count=1)
    else:
        new_tag = re.sub(r'(\br="' + ref + '")', r'\1 s="' + str(style) + '"', tag, count=1)
    return splice(text, cell[0], tag_end, new_tag)


def set_cached(text: str, ref: str, value: object) -> str:
    """`text` with the cached result of the formula cell `ref` set to `value` (the formula, the
    style and every other attribute kept); unchanged when `ref` holds no formula or already
    caches `value`."""
    p, _span, cell = _cell_at(text, ref)
    if cell is None:
        return text
    element = text[cell[0] : cell[1]]
    patterns = _patterns(p)
    formula = patterns.formula.search(element)
    if formula is None:
        return text
    kind, shown = _typed(value)
    if shown is None:
        return text
    kind = ' t="str"' if kind == ' t="inlineStr"' else kind
    tag = element[: element.find(">") + 1]
    old_v = patterns.cached.search(element)
    if old_v is not None and _type_of(tag) == _type_of(kind) and _same(old_v.group(1), shown, kind):
        return text  # already cached: the cell stays as written (t="n" is the default type)
    new_tag = _TYPE.sub("", tag)
    new_tag = new_tag[:-1] + kind + ">"
    new_v = f"<{p}v>{xml_text(shown)}</{p}v>"
    body = element[len(tag) : formula.end()]
    rest = element[formula.end() :]
    if old_v is not None:
        rest = rest.replace(old_v.group(0), "", 1)
    new_element = new_tag + body + new_v + rest
    return splice(text, cell[0], cell[1], new_element)


def _type_of(text: str) -> str:
    """The cell type a `t="…"` in `text` gives, "n" (a number) where there is none."""
    found = _TYPE.search(text)
    return found.group(1) if found else "n"


def unshare(text: str, ref: str) -> str:
    """`text` with the shared formula whose master is `ref` written out in each cell that
    shares it (so that replacing the master leaves their formulas as they were)."""
    from openpyxl.formula.translate import Translator

    p, _span, cell = _cell_at(text, ref)
    if cell is None:
        return text
    element = text[cell[0] : cell[1]]
    master = re.search(
        r"<" + re.escape(p) + r'f\b([^>]*\bt="shared"[^>]*)>(.*?)</' + re.escape(p) + "f>",
        element,
        re.S,
    )
    if master is None or "ref=" not in master.group(1):
        return text
    index = re.search(r'\bsi="(\d+)"', master.group(1))
    if index is None:
        return text
    formula = "=" + unescape(master.group(2))
    translator = Translator(formula, ref)
    q = re.escape(p)
    cells = re.compile(r"<" + q + r'c\b[^>]*?\br="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</' + q + "c>)", re.S)
    shared = re.compile(r"<" + q + r"f\b([^>]*?)(?:/>|>\s*</" + q + "f>)")

    def written_out(match: re.Match[str]) -> str:
        element, at = match.group(0), match.group(1)
        found = shared.search(element)
        if at == ref or found is None:
            return element
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', found.group(1)))
        if attrs.get("t") != "shared" or attrs.get("si") != index.group(1) or "ref" in attrs:
            return element
        own = translator.translate_formula(at)[1:]
        return element[: found.start()] + f"<{p}f>{xml_text(own)}</{p}f>" + element[found.end() :]

    return cells.sub(written_out, text)
