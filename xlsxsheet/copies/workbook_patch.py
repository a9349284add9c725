"""The workbook part of a package: its sheets and their parts, a sheet added at the end (so no
sheet index moves), recalculation on open, and the calculation chain dropped when needed."""

from __future__ import annotations

import re
from html import unescape
from xml.sax.saxutils import escape, quoteattr

from xlsxsheet.copies.package_patch import (
    CT_WORKSHEET,
    REL_TYPE,
    Package,
    rel_prefix,
    relative,
    rels_of,
    resolve,
    root_prefix,
    splice_before_close,
)

OFFICE_DOCUMENT = REL_TYPE + "officeDocument"
AFTER_CALC_PR = (
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


def workbook_part(pkg: Package) -> str:
    """The part the package's officeDocument relationship names (xl/workbook.xml)."""
    for _, rel_type, target in pkg.relationships("_rels/.rels"):
        if rel_type == OFFICE_DOCUMENT or rel_type.endswith("/officeDocument"):
            return resolve("", target)
    return "xl/workbook.xml"


def sheet_parts(pkg: Package, book: str | None = None) -> dict[str, str]:
    """Each sheet's name → its part, in the workbook's order (`book`: the workbook part)."""
    book = workbook_part(pkg) if book is None else book
    text = pkg.text(book)
    targets = {rid: resolve(book, target) for rid, _, target in pkg.relationships(rels_of(book))}
    found = {}
    start, end = _sheets_section(text)
    for tag in _SHEET_TAG.findall(text, start, end):
        name = _NAME.search(tag)
        rid = _RID.search(tag)
        if name and rid and rid.group(1) in targets:
            found[unescape(name.group(1))] = targets[rid.group(1)]
    return found


_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_NAME = re.compile(r'\bname="([^"]*)"')
_RID = re.compile(r'\b\w+:id="([^"]*)"')
_SHEET_ID = re.compile(r"<(?:\w+:)?sheet\b[^>]*?\bsheetId=\"(\d+)\"")


def _sheets_section(text: str) -> tuple[int, int]:
    """The span of the workbook's <sheets> element (the whole text where it is not found): the
    <sheet> entries are there, and the defined names after it can be most of the part."""
    p = root_prefix(text, "workbook")
    start = text.find(f"<{p}sheets>")
    end = text.find(f"</{p}sheets>", start)
    return (start, end) if 0 <= start < end else (0, len(text))


def free_sheet_name(pkg: Package, wanted: str, parts: dict[str, str] | None = None) -> str:
    """`wanted`, or `wanted(2)`, `wanted(3)`… when the workbook has a sheet of that name."""
    taken = {name.lower() for name in (sheet_parts(pkg) if parts is None else parts)}
    name, n = wanted, 2
    while name.lower() in taken:
        name, n = f"{wanted}({n})", n + 1
    return name


def add_sheet(pkg: Package, name: str, sheet_xml: str, book: str | None = None) -> str:
    """Add a worksheet part named `name` after every other sheet; its part name."""
    book = workbook_part(pkg) if book is None else book
    part = pkg.free_name("xl/worksheets/sheet%d.xml")
    pkg.write_text(part, sheet_xml)
    pkg.add_override(part, CT_WORKSHEET)
    rid = pkg.add_relationship(rels_of(book), REL_TYPE + "worksheet", relative(book, part))
    text = pkg.text(book)
    ids = [int(n) for n in _SHEET_ID.findall(text, *_sheets_section(text))]
    p = root_prefix(text, "workbook")
    text, r = rel_prefix(text, "workbook")
    entry = f'<{p}sheet name={quoteattr(name)} sheetId="{max(ids, default=0) + 1}" {r}:id="{rid}"/>'
    close = text.find(f"</{p}sheets>")
    text = text[:close] + entry + text[close:]
    pkg.write_text(book, text)
    return part


def set_print_titles(pkg: Package, name: str, rows: str, book: str | None = None) -> None:
    """Print the rows `rows` (`$1:$1`) of sheet `name` at the top of each of its pages: the
    sheet's `_xlnm.Print_Titles` name, added to the workbook's defined names."""
    book = workbook_part(pkg) if book is None else book
    text = pkg.text(book)
    p = root_prefix(text, "workbook")
    tags = _SHEET_TAG.findall(text, *_sheets_section(text))
    names = [unescape(found.group(1)) if (found := _NAME.search(tag)) else "" for tag in tags]
    if name not in names:
        return
    index = names.index(name)  # localSheetId: the sheet's place among all, hidden ones too
    quoted = "'" + name.replace("'", "''") + "'"
    entry = (
        f'<{p}definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
        f"{escape(quoted)}!{rows}</{p}definedName>"
    )
    element = f"<{p}definedNames>{entry}</{p}definedNames>"
    names_close = text.find(f"</{p}definedNames>")
    empty = re.search(r"<" + re.escape(p) + r"definedNames\s*/>", text)
    if names_close >= 0:
        text = text[:names_close] + entry + text[names_close:]
    elif empty is not None:
        text = text[: empty.start()] + element + text[empty.end() :]
    else:
        text = _insert_after_sheets(text, p, element)
    pkg.write_text(book, text)


# what may come between </sheets> and <definedNames> in a workbook part
_BEFORE_DEFINED_NAMES = ("functionGroups", "externalReferences")


def _insert_after_sheets(text: str, p: str, element: str) -> str:
    """`text` with `element` where <definedNames> goes: after </sheets> and what follows it."""
    at = text.find(f"</{p}sheets>") + len(f"</{p}sheets>")
    for name in _BEFORE_DEFINED_NAMES:
        match = re.compile(
            r"<" + re.escape(p) + name + r"\b(?:[^>]*?/>|.*?</" + re.escape(p) + name + ">)", re.S
        ).search(text, at)
        if match:
            at = match.end()
    return text[:at] + element + text[at:]


def full_calc_on_load(pkg: Package, book: str | None = None) -> None:
    """Ask Excel to recalculate every formula when it opens the copy."""
    book = workbook_part(pkg) if book is None else book
    text = pkg.text(book)
    p = root_prefix(text, "workbook")
    calc = re.search(r"<" + re.escape(p) + r"calcPr\b[^>]*?/?>", text)
    if calc:
        tag = calc.group(0)
        if re.search(r'\bfullCalcOnLoad="', tag):
            tag = re.sub(r'\bfullCalcOnLoad="[^"]*"', 'fullCalcOnLoad="1"', tag)
        else:
            end = len(tag) - (2 if tag.endswith("/>") else 1)
            tag = tag[:end] + ' fullCalcOnLoad="1"' + tag[end:]
        text = text[: calc.start()] + tag + text[calc.end() :]
    else:
        element = f'<{p}calcPr fullCalcOnLoad="1"/>'
        for name in AFTER_CALC_PR:
            match = re.search(r"<" + re.escape(p) + name + r"\b", text)
            if match:
                text = text[: match.start()] + element + text[match.start() :]
                break
        else:
            text = splice_before_close(text, "workbook", element)
    pkg.write_text(book, text)


def drop_calc_chain(pkg: Package, book: str | None = None) -> None:
    """Remove the calculation chain (Excel rebuilds it; a stale one makes Excel repair the file)."""
    book = workbook_part(pkg) if book is None else book
    for _, rel_type, target in pkg.relationships(rels_of(book)):
        if rel_type.endswith("/calcChain"):
            part = resolve(book, target)
            pkg.remove(part)
            pkg.remove_override(part)
            pkg.remove_relationship(rels_of(book), part)
