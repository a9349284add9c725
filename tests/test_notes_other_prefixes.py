"""Notes added to a return whose VML part another tool wrote: openpyxl (and others) bind the
VML, Office and Excel namespaces to ns0:, ns1:, ns2:, not Excel's v:, o:, x:. The copies added
their notes with v:/o:/x: undeclared: the part was not XML, LibreOffice showed every note
open over the numbers, and Excel would offer to repair the file.

The return is the bundled 施策マネジメントシート saved by openpyxl with a 課's note on a total
it typed over (a cell both copies note) and another note elsewhere."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from libreoffice_support import pdf_pages_and_text
from openpyxl.comments import Comment

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.copies.marked import write_annotated
from xlsxsheet.office.fixing import fix_path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shisaku-management-R2.xlsx"
VML = "urn:schemas-microsoft-com:vml"
EXCEL = "urn:schemas-microsoft-com:office:excel"
OWN_NOTE = "補正予算分を含みます(福祉総務課)"


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = openpyxl.load_workbook(EXAMPLE)
    sheet = book.worksheets[0]
    total = next(
        c
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=SUM(")
    )
    total.value = 1  # typed over the formula: both copies note this cell
    total.comment = Comment(OWN_NOTE, "福祉総務課")
    sheet["A1"].comment = Comment("様式は企画課から受領", "福祉総務課")
    ((_, ref),) = book.defined_names["xs_perf_cost_bonds_y2018"].destinations
    sheet[ref.replace("$", "")].value = "１,２００"  # read as 1200: a note where there is none
    path = tmp_path_factory.mktemp("returns") / "施策12.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as z:  # what this test is about: openpyxl's own prefixes
        (vml,) = [n for n in z.namelist() if n.endswith(".vml")]
        assert b"xmlns:ns0=" in z.read(vml) and b"<v:" not in z.read(vml)
    return path


def _notes(copy: Path) -> tuple[list[ElementTree.Element], str]:
    """The Note shapes of the copy's VML (parsed: it must be XML) and its comments' text."""
    with zipfile.ZipFile(copy) as z:
        (vml,) = [n for n in z.namelist() if n.endswith(".vml")]
        root = ElementTree.fromstring(z.read(vml))
        (comments,) = [n for n in z.namelist() if n.startswith("xl/comments")]
        text = z.read(comments).decode("utf-8")
    shapes = root.findall(f"{{{VML}}}shape")
    notes = [s for s in shapes if (s.find(f"{{{EXCEL}}}ClientData") is not None)]
    return notes, text


def _copies(typed: Path, folder: Path) -> list[Path]:
    fixed = folder / "修正版.xlsx"
    checked = fix_path(typed, fixed)
    marked = write_annotated(typed, check_file(typed).problems, folder / "点検結果.xlsx")
    assert checked.changes
    return [fixed, marked]


def test_the_notes_added_are_bound_as_the_files_own(typed: Path, tmp_path: Path) -> None:
    for copy in _copies(typed, tmp_path):
        notes, comments = _notes(copy)
        refs = comments.count("<comment ")
        assert len(notes) == refs > 2, copy.name  # one shape per note, the 課's two kept
        assert OWN_NOTE in comments and "xlsxsheet" in comments
        for note in notes:  # hidden, as notes are until hovered
            assert "visibility:hidden" in note.get("style", ""), copy.name


@pytest.mark.libreoffice
def test_libreoffice_keeps_the_notes_hidden_when_printing(
    typed: Path, tmp_path: Path, soffice: str
) -> None:
    """A broken VML part made LibreOffice print every note open over the numbers."""
    for copy in _copies(typed, tmp_path):
        _pages, text = pdf_pages_and_text(copy, soffice, tmp_path / copy.stem)
        assert OWN_NOTE not in text and "xlsxsheet:" not in text, copy.name
