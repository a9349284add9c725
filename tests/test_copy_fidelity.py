"""The corrected copy and the marked copy keep everything the department put in its workbook.

The corpus (tests/fidelity_support.py) is built from the bundled example with the parts Excel
writes; for each return both copies are compared with it part by part and cell by cell, opened
and recalculated by LibreOffice, and the corrected copy is checked again.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from fidelity_support import (
    NATIONAL,
    OWN_NOTE,
    SHEET_PART,
    TOTAL,
    Made,
    excel_return,
    libreoffice_return,
    macro_return,
)
from libreoffice_support import require_soffice
from python_calamine import CalamineWorkbook

from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.copies.corrected import CHANGED_FILL, write_fixed
from xlsxsheet.copies.department_words import for_department
from xlsxsheet.copies.marked import FILLS, write_annotated
from xlsxsheet.external.libreoffice import recalculate

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
M = "{" + NS["m"] + "}"
# the parts a copy may change: what its edits, notes, styles and the added sheet must touch
MAY_TOUCH = {
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    SHEET_PART,
    "xl/worksheets/_rels/sheet1.xml.rels",
    "xl/comments1.xml",
    "xl/drawings/vmlDrawing1.vml",
    "xl/threadedComments/threadedComment1.xml",  # xlsxsheet's reply in the thread
    "xl/persons/person.xml",  # …by the person xlsxsheet
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Made, CheckResult, Path, Path]]:
    folder = tmp_path_factory.mktemp("fidelity")
    made = [excel_return(folder), macro_return(folder)]
    made.append(libreoffice_return(folder, require_soffice()))
    out = folder / "copies"
    built = []
    for m in made:
        checked = check_file(m.path)
        fixed = write_fixed(checked, out / f"{m.kind}_修正版{m.path.suffix}")
        marked = write_annotated(
            m.path, checked.problems, out / f"{m.kind}_点検結果{m.path.suffix}"
        )
        built.append((m, checked, fixed, marked))
    return built


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


KINDS = ["excel", "xlsm", "libreoffice"]


def _one(corpus: list, kind: str) -> tuple[Made, CheckResult, Path, Path]:
    return next(entry for entry in corpus if entry[0].kind == kind)


def _changed_cells(checked: CheckResult) -> set[str]:
    return {c.cell for c in checked.changes}


def _marked_cells(checked: CheckResult) -> set[str]:
    return {
        p.cell
        for p in checked.problems
        if p.severity in FILLS and p.cell and p.sheet == "施策マネジメントシート"
    }


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("copy", ["fixed", "marked"])
def test_untouched_parts_are_byte_identical(corpus: list, kind: str, copy: str) -> None:
    made, _, fixed, marked = _one(corpus, kind)
    before, after = members(made.path), members(fixed if copy == "fixed" else marked)
    assert set(before) <= set(after)
    touched = {n for n in before if before[n] != after[n]}
    assert touched <= MAY_TOUCH, touched - MAY_TOUCH
    assert SHEET_PART in touched and "xl/styles.xml" in touched
    added = set(after) - set(before)
    assert len([n for n in added if n.startswith("xl/worksheets/sheet")]) == 1
    assert added <= MAY_TOUCH | {n for n in added if n.startswith("xl/worksheets/sheet")}
    if kind == "xlsm":
        assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]


def _root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def _cells(root: ET.Element) -> dict[str, ET.Element]:
    return {c.get("r"): c for c in root.iter(M + "c")}


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("copy", ["fixed", "marked"])
def test_a_touched_sheet_differs_only_in_the_changed_cells(
    corpus: list, kind: str, copy: str
) -> None:
    made, checked, fixed, marked = _one(corpus, kind)
    edited = _changed_cells(checked) if copy == "fixed" else _marked_cells(checked)
    old = _root(members(made.path)[SHEET_PART])
    new = _root(members(fixed if copy == "fixed" else marked)[SHEET_PART])
    assert old.attrib == new.attrib
    old_children = [c for c in old if c.tag != M + "sheetData"]
    new_children = [c for c in new if c.tag != M + "sheetData"]
    if not any(c.tag == M + "legacyDrawing" for c in old_children):
        assert [c.tag for c in new_children].count(M + "legacyDrawing") == 1
        new_children = [c for c in new_children if c.tag != M + "legacyDrawing"]
    assert [ET.tostring(c) for c in old_children] == [ET.tostring(c) for c in new_children]
    old_rows = old.find("m:sheetData", NS).findall("m:row", NS)
    new_rows = new.find("m:sheetData", NS).findall("m:row", NS)
    assert [r.attrib for r in old_rows] == [r.attrib for r in new_rows]
    old_cells, new_cells = _cells(old), _cells(new)
    assert set(old_cells) == set(new_cells)
    differing = {r for r in old_cells if ET.tostring(old_cells[r]) != ET.tostring(new_cells[r])}
    assert differing >= edited
    results = {
        c.address: checked.read.computed[k]
        for k, c in checked.read.cells.items()
        if k in checked.read.computed
    }
    for ref in differing - edited:  # a formula the changes feed: only its cached result is new
        assert copy == "fixed" and ref in results
        old_cell, new_cell = old_cells[ref], new_cells[ref]
        assert old_cell.get("s") == new_cell.get("s")
        assert ET.tostring(old_cell.find("m:f", NS)) == ET.tostring(new_cell.find("m:f", NS))
        assert float(new_cell.find("m:v", NS).text) == pytest.approx(results[ref])
    if copy == "fixed" and kind == "excel":
        assert len(differing - edited) >= 2  # the totals of (A)+(B) for R1 and R2 at least
    for ref in edited:
        assert old_cells[ref].get("s") != new_cells[ref].get("s")  # own style + the mark
        if copy == "marked":  # values untouched: only the style attribute differs
            assert [ET.tostring(c) for c in old_cells[ref]] == [
                ET.tostring(c) for c in new_cells[ref]
            ]


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_relationships_drawings_extensions_threads_and_notes_are_kept(
    corpus: list, kind: str
) -> None:
    made, checked, fixed, marked = _one(corpus, kind)
    before = members(made.path)
    for copy in (fixed, marked):
        after = members(copy)
        for name in (n for n in before if n.endswith(".rels")):
            old = set(re.findall(r"<Relationship [^>]*>", before[name].decode()))
            new = set(re.findall(r"<Relationship [^>]*>", after[name].decode()))
            assert old <= new, name
        for name in (n for n in before if "drawings/drawing" in n):
            assert after[name] == before[name]
        comments = after["xl/comments1.xml"].decode()
        if made.has_note:
            own = re.search(r'<comment ref="' + TOTAL + r'".*?</comment>', comments, re.S).group(0)
            text = "".join(re.findall(r"<t[^>]*>(.*?)</t>", own, re.S))
            assert OWN_NOTE in text
            assert text.index(OWN_NOTE) < text.index("xlsxsheet")  # the department's first
            assert after["xl/drawings/vmlDrawing1.vml"].count(b"<x:Visible/>") == 1  # still shown
        if made.has_thread and (copy == fixed or NATIONAL in _marked_cells(checked)):
            _the_thread_is_kept_with_xlsxsheets_reply(before, after, _said(checked, copy == fixed))
        elif made.has_thread:  # a marked copy that does not mark J72: its thread as it was
            for name in ("xl/threadedComments/threadedComment1.xml", "xl/persons/person.xml"):
                assert after[name] == before[name]
        if made.has_extensions:
            assert after[SHEET_PART].count(b"<x14:sparkline>") == 1
            assert b'type="dataBar"' in after[SHEET_PART] and b"iconSet" in after[SHEET_PART]
        if kind != "libreoffice":
            assert after["docMetadata/LabelInfo.xml"] == before["docMetadata/LabelInfo.xml"]
            assert after["customXml/item1.xml"] == before["customXml/item1.xml"]
    book = openpyxl.load_workbook(fixed)
    sheet = book["施策マネジメントシート"]
    for change in checked.changes:
        note = sheet[change.cell].comment  # on the thread's cell: Excel's placeholder
        assert note is not None and change.comment() in note.text


def _said(checked: CheckResult, fixed: bool) -> list[str]:
    """What xlsxsheet's reply on NATIONAL (44,000千円, a number stored as text) says: in the
    corrected copy the change, in the marked copy each problem marked there (the warning)."""
    if fixed:
        return [next(c for c in checked.changes if c.cell == NATIONAL).comment()]
    said = [
        for_department(p.message)
        for p in checked.problems
        if p.cell == NATIONAL and p.severity in FILLS and p.sheet == "施策マネジメントシート"
    ]
    assert any("文字列として保存されています" in text for text in said)
    return said


def _the_thread_is_kept_with_xlsxsheets_reply(
    before: dict[str, bytes], after: dict[str, bytes], said: list[str]
) -> None:
    """The thread on NATIONAL: every comment and person as the department's Excel wrote them,
    xlsxsheet's reply (saying each of `said`) after the last reply (as a person of its own), and
    Excel's placeholder note with the same reply as its last line."""
    thread = "xl/threadedComments/threadedComment1.xml"
    old_elements = re.findall(
        r"<threadedComment\b.*?</threadedComment>", before[thread].decode(), re.S
    )
    new_elements = re.findall(
        r"<threadedComment\b.*?</threadedComment>", after[thread].decode(), re.S
    )
    assert new_elements[: len(old_elements)] == old_elements and len(new_elements) == 3
    reply = new_elements[-1]
    top = re.search(r' id="([^"]+)"', old_elements[0]).group(1)
    assert f'parentId="{top}"' in reply and f'ref="{NATIONAL}"' in reply
    for text in said:
        assert escape(text) in reply
    persons = after["xl/persons/person.xml"].decode()
    for person in re.findall(r"<person\b[^>]*/>", before["xl/persons/person.xml"].decode()):
        assert person in persons
    own = re.search(r'<person displayName="xlsxsheet" id="([^"]+)"', persons).group(1)
    assert f'personId="{own}"' in reply
    old_note = re.search(
        r'<comment ref="' + NATIONAL + r'".*?</comment>', before["xl/comments1.xml"].decode(), re.S
    ).group(0)
    new_note = re.search(
        r'<comment ref="' + NATIONAL + r'".*?</comment>', after["xl/comments1.xml"].decode(), re.S
    ).group(0)
    text = "".join(re.findall(r"<t[^>]*>(.*?)</t>", new_note, re.S))
    assert new_note.startswith(old_note[: old_note.index("</text>")])  # Excel's text first
    replied = text[text.rindex(escape("返信:\n    xlsxsheet: ")) :]
    assert all(escape(line) in replied for line in said) and text.endswith(escape(said[-1]))


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_the_corrected_values_are_numbers_formulas_and_cached_results(
    corpus: list, kind: str
) -> None:
    made, checked, fixed, _ = _one(corpus, kind)
    by_cell = {c.cell: c for c in checked.changes}
    total = next(c for c in checked.changes if c.formula).cell
    national = next(c for c in checked.changes if c.old == "44,000千円").cell
    other = next(c for c in checked.changes if c.old == "３，５６０").cell
    book = openpyxl.load_workbook(fixed)
    sheet = book["施策マネジメントシート"]
    source = openpyxl.load_workbook(made.path)["施策マネジメントシート"]
    assert sheet[national].value == 44000 and sheet[other].value == 3560
    assert sheet[total].value == by_cell[total].new
    for ref in (total, national, other):
        new, old = sheet[ref], source[ref]
        assert new.fill.fgColor.rgb == CHANGED_FILL
        assert [repr(s) for s in (new.font, new.border, new.alignment, new.protection)] == [
            repr(s) for s in (old.font, old.border, old.alignment, old.protection)
        ]
        assert new.number_format == old.number_format
    expected = next(
        v for k, v in checked.read.computed.items() if checked.read.cells[k].address == total
    )
    values = (
        CalamineWorkbook.from_path(str(fixed))
        .get_sheet_by_name("施策マネジメントシート")
        .to_python()
    )
    row, col = openpyxl.utils.cell.coordinate_to_tuple(total)
    assert values[row - 1][col - 1] == expected  # the cached result a previewer shows
    assert b'fullCalcOnLoad="1"' in members(fixed)["xl/workbook.xml"]
    history = list(book.worksheets[-1].iter_rows(values_only=True))
    assert book.sheetnames[-1] == "修正履歴" and len(history) == 1 + len(checked.changes)


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_recalculates_the_copies_to_xlsxsheets_values(
    corpus: list, kind: str, tmp_path: Path
) -> None:
    soffice = require_soffice()
    made, checked, fixed, marked = _one(corpus, kind)
    again = openpyxl.load_workbook(
        recalculate(fixed, tmp_path / "fixed", soffice=soffice), data_only=True
    )
    sheet = again["施策マネジメントシート"]
    compared = 0
    for key, value in checked.read.computed.items():
        cell = checked.read.cells.get(key)
        if cell is None or not isinstance(value, int | float) or isinstance(value, bool):
            continue
        assert sheet[cell.address].value == pytest.approx(value), (key, cell.address)
        compared += 1
    assert compared >= 10
    source = openpyxl.load_workbook(
        recalculate(made.path, tmp_path / "source", soffice=soffice), data_only=True
    )
    copy = openpyxl.load_workbook(
        recalculate(marked, tmp_path / "marked", soffice=soffice), data_only=True
    )
    for name in source.sheetnames:
        old = [[c.value for c in row] for row in source[name].iter_rows()]
        new = [[c.value for c in row] for row in copy[name].iter_rows()]
        assert old == new, name
    assert copy.sheetnames == [*source.sheetnames, "点検結果"]


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_check_on_the_corrected_copy_finds_no_error_and_no_added_sheet(
    corpus: list, kind: str
) -> None:
    _, _, fixed, marked = _one(corpus, kind)
    for copy in (fixed, marked):
        again = check_file(copy)
        assert not [p for p in again.problems if p.code == "sheet-added"]
    again = check_file(fixed)
    errors = [p.code for p in again.problems if p.severity == "error"]
    assert errors == (["macro-workbook"] if kind == "xlsm" else [])
    assert again.changes == []
