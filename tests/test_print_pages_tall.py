"""`print.pages_tall`: a sheet a city wants on one sheet of paper prints on that many pages high
(Excel's 「次のページ数に合わせて印刷」 横 1 × 縦 N), as LibreOffice renders it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from libreoffice_support import pdf_pages_and_text

from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.writing.make_template import make_template

ROOT = Path(__file__).resolve().parents[1]
PRINT = "    print: {paper: A4, landscape: false, fit_width: true}"


def _template(folder: Path, print_line: str) -> Path:
    """The bundled 事務事業評価シート filled from its example, with the sheet's print line given."""
    text = (ROOT / "templates" / "jimu-jigyo.yaml").read_text(encoding="utf-8")
    assert PRINT in text
    folder.mkdir(parents=True)
    source = folder / "jimu-jigyo.yaml"
    source.write_text(text.replace(PRINT, print_line, 1), encoding="utf-8")
    out = folder / "事務事業評価シート.xlsx"
    make_template(
        load_layout(source), out, None, load_document(ROOT / "examples" / "jimu-jigyo-R6.yaml")
    )
    return out


@pytest.mark.libreoffice
def test_a_sheet_fitted_to_one_page_high_prints_on_one_page(tmp_path: Path, soffice: str) -> None:
    # landscape, the sheet needs three pages high; fitted, it shrinks onto one
    loose = _template(tmp_path / "loose", "    print: {landscape: true, fit_width: true}")
    fitted = _template(
        tmp_path / "fitted", "    print: {landscape: true, fit_width: true, pages_tall: 1}"
    )
    loose_pages, _ = pdf_pages_and_text(loose, soffice, tmp_path / "loose-pdf")
    fitted_pages, text = pdf_pages_and_text(fitted, soffice, tmp_path / "fitted-pdf")
    assert loose_pages > 1
    assert fitted_pages == 1 and "事務事業評価シート" in text
    sheet = openpyxl.load_workbook(fitted)["事務事業評価シート"]
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # OOXML leaves out fitToWidth / fitToHeight when they are 1 (0 would be "as many as needed")
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (None, None)


def test_pages_tall_with_page_breaks_is_refused(tmp_path: Path) -> None:
    """Excel ignores manual page breaks on a sheet fitted to pages: the layout is told so."""
    with pytest.raises(LayoutError) as caught:
        _template(tmp_path / "both", '    print: {pages_tall: 1, break_before: ["4 "]}')
    assert "pages_tall と break_before は一緒に使えません" in str(caught.value)
    assert "行目" in str(caught.value)
