"""xlsxsheet's text as a reply in a cell's threaded comment (Excel 365's comments): the thread
is kept as the department wrote it, a reply by the person "xlsxsheet" is added after its last
reply, and Excel's placeholder note for older readers (LibreOffice, Excel 2016) gets the same
text as its own "返信:" line, as Excel writes a reply there."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator, Mapping
from html import unescape

from xlsxsheet.copies.package_patch import (
    Package,
    relative,
    rels_of,
    resolve,
    root_prefix,
    xml_text,
)
from xlsxsheet.copies.workbook_patch import workbook_part

THREADED_REL = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
PERSON_REL = "http://schemas.microsoft.com/office/2017/10/relationships/person"
THREADED_NS = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
CT_PERSONS = "application/vnd.ms-excel.person+xml"
PERSON = "xlsxsheet"
REPLY_HEAD = "返信:"

_ATTR = re.compile(r'([\w:]+)="([^"]*)"')


def thread_parts(pkg: Package, sheet_part: str) -> list[str]:
    """The threaded-comment parts of a sheet that the package holds."""
    return [
        part
        for _, rel_type, target in pkg.relationships(rels_of(sheet_part))
        if rel_type == THREADED_REL and pkg.has(part := resolve(sheet_part, target))
    ]


_ELEMENT = re.compile(
    r"<(?:\w+:)?threadedComment\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?threadedComment>)", re.S
)
_A1 = re.compile(r"[A-Z]+\d+")


def _elements(text: str) -> Iterator[tuple[dict[str, str], str, int]]:
    """Each threadedComment of a part: its attributes, its inside, where it ends."""
    for match in _ELEMENT.finditer(text):
        yield dict(_ATTR.findall(match.group(1))), match.group(2) or "", match.end()


def threaded_cells(pkg: Package, sheet_part: str) -> set[str]:
    """The cells of the sheet that hold a threaded comment."""
    return {
        attrs["ref"]
        for part in thread_parts(pkg, sheet_part)
        for attrs, _, _ in _elements(pkg.read(part).decode("utf-8", "replace"))
        if _A1.fullmatch(attrs.get("ref", ""))
    }


def threads_of(text: str) -> dict[str, tuple[str, int]]:
    """Each cell's thread in a threadedComments part: its first comment's id, and where its
    last element (the first comment or its last reply) ends."""
    found: dict[str, tuple[str, int]] = {}
    tops: dict[str, str] = {}  # id → ref
    for attrs, _, end in _elements(text):
        ref, parent = attrs.get("ref", ""), attrs.get("parentId")
        if parent is None and ref and ref not in found:
            tops[attrs.get("id", "")] = ref
            found[ref] = (attrs.get("id", ""), end)
        elif parent in tops and tops[parent] in found:
            found[tops[parent]] = (parent, end)
    return found


def reply_in_threads(
    pkg: Package, sheet_part: str, notes: Mapping[str, str], now: dt.datetime | None = None
) -> dict[str, str]:
    """Add each note (cell → text) whose cell has a thread as xlsxsheet's reply to it; the
    notes replied, by cell (the others are left to the sheet's ordinary notes)."""
    replied: dict[str, str] = {}
    for part in thread_parts(pkg, sheet_part):
        text = pkg.read(part).decode("utf-8")
        threads = threads_of(text)
        todo = {ref: note for ref, note in notes.items() if ref in threads and ref not in replied}
        if not todo:
            continue
        person = _person_id(pkg)
        prefix = root_prefix(text, "ThreadedComments")
        stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%S.00")
        # from the last thread in the part to the first, so that earlier places stay put
        for ref in sorted(todo, key=lambda r: threads[r][1], reverse=True):
            top, end = threads[ref]
            reply = (
                f'<{prefix}threadedComment ref="{ref}" dT="{stamp}" personId="{person}"'
                f' id="{_guid()}" parentId="{top}"><{prefix}text>{xml_text(todo[ref])}'
                f"</{prefix}text></{prefix}threadedComment>"
            )
            text = text[:end] + reply + text[end:]
            replied[ref] = todo[ref]
        pkg.write(part, text.encode("utf-8"))
    return replied


def placeholder_reply(note: str) -> str:
    """The text added to Excel's placeholder note of a thread: a reply, as Excel writes it."""
    return f"\n{REPLY_HEAD}\n    {PERSON}: {note}"


def _person_id(pkg: Package) -> str:
    """The id of the person "xlsxsheet" in the workbook's persons part (added, with the part
    where the workbook has none)."""
    book = workbook_part(pkg)
    part = _persons_part(pkg)
    if part is None:
        part = pkg.free_name("xl/persons/person%d.xml")
        pkg.write(
            part,
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<personList xmlns="{THREADED_NS}"></personList>'
            ).encode(),
        )
        pkg.add_relationship(rels_of(book), PERSON_REL, relative(book, part))
        pkg.add_override(part, CT_PERSONS)
    text = pkg.read(part).decode("utf-8")
    for match in re.finditer(r"<(?:\w+:)?person\b([^>]*)>", text):
        attrs = dict(_ATTR.findall(match.group(1)))
        if unescape(attrs.get("displayName", "")) == PERSON and attrs.get("id"):
            return attrs["id"]
    person = _guid()
    prefix = root_prefix(text, "personList")
    entry = (
        f'<{prefix}person displayName="{PERSON}" id="{person}" userId="{PERSON}"'
        ' providerId="None"/>'
    )
    close = re.search(r"</(?:\w+:)?personList\s*>", text)
    if close is None:  # <personList/>: opened
        text = re.sub(r"<((?:\w+:)?personList)\b([^>]*?)/>", rf"<\1\2>{entry}</\1>", text, count=1)
    else:
        text = text[: close.start()] + entry + text[close.start() :]
    pkg.write(part, text.encode("utf-8"))
    return person


def _guid() -> str:
    return "{" + str(uuid.uuid4()).upper() + "}"


def thread_texts(pkg: Package, sheet_part: str) -> dict[str, str]:
    """Each cell's thread as plain text, one line a comment in the thread's order ("name:
    text", the name from the workbook's persons): what a reader without threads should see
    instead of Excel's placeholder note."""
    names = _person_names(pkg)
    found: dict[str, str] = {}
    for part in thread_parts(pkg, sheet_part):
        text = pkg.read(part).decode("utf-8", "replace")
        threads: dict[str, list[str]] = {}  # the first comment's id → its lines
        cells: dict[str, str] = {}  # the first comment's id → its cell
        for attrs, inside, _ in _elements(text):
            body = re.search(r"<(?:\w+:)?text\b[^>]*>(.*?)</(?:\w+:)?text>", inside, re.S)
            said = unescape(body.group(1)) if body else ""
            who = names.get(attrs.get("personId", ""), "")
            line = f"{who}: {said}" if who else said
            parent = attrs.get("parentId")
            if parent is None:
                threads[attrs.get("id", "")] = [line]
                cells[attrs.get("id", "")] = attrs.get("ref", "")
            elif parent in threads:
                threads[parent].append(line)
        for top, lines in threads.items():
            if cells[top] and cells[top] not in found:
                found[cells[top]] = "\n".join(lines)
    return found


def _persons_part(pkg: Package) -> str | None:
    """The workbook's persons part (xl/persons/person.xml), if it has one."""
    book = workbook_part(pkg)
    for _, rel_type, target in pkg.relationships(rels_of(book)):
        if rel_type == PERSON_REL and pkg.has(part := resolve(book, target)):
            return part
    return None


def _person_names(pkg: Package) -> dict[str, str]:
    """The display name of each person id in the workbook's persons part."""
    part = _persons_part(pkg)
    if part is None:
        return {}
    names: dict[str, str] = {}
    text = pkg.read(part).decode("utf-8", "replace")
    for match in re.finditer(r"<(?:\w+:)?person\b([^>]*)>", text):
        attrs = dict(_ATTR.findall(match.group(1)))
        if attrs.get("id"):
            names[attrs["id"]] = unescape(attrs.get("displayName", ""))
    return names
