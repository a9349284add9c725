"""A fiscal-year field (事業開始年度) as a 和暦 sheet shows it: a template prefilled with one
(rollover's next year, `template --data`) writes 平成10年度, read back as 1998 without a word;
what a clerk types otherwise (Ｈ１０, 1998年) is still said as read."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from libreoffice_support import pdf_pages_and_text

from xlsxsheet.api import fix
from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.data_files import load_document
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def prefilled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fiscal-year") / "事業015.xlsx"
    doc = load_document(ROOT / "examples" / "jimu-jigyo-R6.yaml")  # start_year: H10
    make_template(default_registry().get("jimu-jigyo"), out, None, doc)
    return out


def _cell(book: openpyxl.Workbook, name: str) -> openpyxl.cell.Cell:
    ((sheet, cell),) = book.defined_names[name].destinations
    return book[sheet][cell.replace("$", "")]


def test_a_carried_year_is_written_in_japanese_era_and_read_back_without_a_word(
    prefilled: Path,
) -> None:
    """It was written as the number 1998, right-aligned in a 和暦 sheet."""
    book = openpyxl.load_workbook(prefilled)
    assert _cell(book, "xs_header_start_year").value == "平成10年度"
    assert _cell(book, "xs_header_end_year").value == "未定"  # a word of the field, as given
    assert read_file(prefilled).document()["header"]["start_year"] == 1998
    assert not [p for p in check_file(prefilled).problems if p.field == "header.start_year"]


@pytest.mark.parametrize("typed", ["Ｈ１０", "H10", "平成１０年度"])
def test_a_year_typed_otherwise_is_still_said_as_read(
    prefilled: Path, tmp_path: Path, typed: str
) -> None:
    book = openpyxl.load_workbook(prefilled)
    _cell(book, "xs_header_start_year").value = typed
    path = tmp_path / "typed.xlsx"
    book.save(path)
    (said,) = [p for p in check_file(path).problems if p.field == "header.start_year"]
    assert (said.code, said.expected) == ("value-normalized", 1998)


def test_libreoffice_shows_the_year_as_written(
    prefilled: Path, soffice: str, tmp_path: Path
) -> None:
    _pages, text = pdf_pages_and_text(prefilled, soffice, tmp_path)
    assert "平成10年度" in text and "1998" not in text


def test_fix_writes_a_year_typed_as_text_digits_in_japanese_era(
    prefilled: Path, tmp_path: Path
) -> None:
    """ "1998" typed as text was written back as the number 1998 (a number on a 和暦 sheet);
    the copy now says 平成10年度, as the template does, and the copy's check is quiet."""
    book = openpyxl.load_workbook(prefilled)
    _cell(book, "xs_header_start_year").value = "1998"
    path = tmp_path / "typed.xlsx"
    book.save(path)
    checked = fix(path, tmp_path / "fixed.xlsx")
    (change,) = [c for c in checked.changes if c.field == "header.start_year"]
    assert (change.old, change.new) == ("1998", "平成10年度")
    fixed = openpyxl.load_workbook(tmp_path / "fixed.xlsx")
    assert _cell(fixed, "xs_header_start_year").value == "平成10年度"
    quiet = [
        p for p in check_file(tmp_path / "fixed.xlsx").problems if p.field == "header.start_year"
    ]
    assert quiet == []
