"""Tests of xlsxsheet.external.libreoffice against the real, installed LibreOffice."""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from libreoffice_support import require_tool, sha256

from xlsxsheet.external import libreoffice
from xlsxsheet.external.libreoffice import LibreOfficeError, pdf_to_png, recalculate, to_pdf

pytestmark = pytest.mark.libreoffice

SHEET = "評価"
# cell -> value LibreOffice must compute; xlsxwriter stores 0 for every formula.
EXPECTED = {
    "B1": 12,  # =SUM(A1:A3)
    "B2": 10,  # =A1*2
    "B3": "達成",  # =IF(A1>A2,"達成","未達成")
    "B4": "未達成",  # =IF(A2>A1,"達成","未達成")
    "B5": 24,  # ='評価'!B1*2, a formula depending on another formula
}


def write_workbook(path: Path, base: int = 5) -> Path:
    """Write numbers, formulas (without cached results) and Japanese text."""
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet(SHEET)
        ws.write_number("A1", base)
        ws.write_number("A2", 3)
        ws.write_number("A3", 4)
        ws.write_formula("B1", "=SUM(A1:A3)")
        ws.write_formula("B2", "=A1*2")
        ws.write_formula("B3", '=IF(A1>A2,"達成","未達成")')
        ws.write_formula("B4", '=IF(A2>A1,"達成","未達成")')
        ws.write_formula("B5", f"='{SHEET}'!B1*2")
        ws.write_string("C1", "施策の目標：子育て支援の充実")
        ws.write_string("C2", "担当課　こども未来課")
    return path


def values(path: Path) -> dict[str, object]:
    """Cached values of the formula cells and the text cells, as openpyxl sees them."""
    ws = openpyxl.load_workbook(path, data_only=True)[SHEET]
    return {ref: ws[ref].value for ref in [*EXPECTED, "C1", "C2"]}


def test_source_has_no_cached_results(tmp_path: Path) -> None:
    """Precondition for the recalc test: xlsxwriter's cached values are all 0."""
    got = values(write_workbook(tmp_path / "plan.xlsx"))
    assert all(got[ref] == 0 for ref in EXPECTED), got


def test_recalculate_forces_formula_evaluation(soffice: str, tmp_path: Path) -> None:
    src = write_workbook(tmp_path / "plan.xlsx")
    out = recalculate(src, tmp_path / "out")
    assert out == tmp_path / "out" / "plan.xlsx"
    got = values(out)
    assert {ref: got[ref] for ref in EXPECTED} == EXPECTED
    assert got["C1"] == "施策の目標：子育て支援の充実"
    assert got["C2"] == "担当課　こども未来課"
    # the formulas themselves survive the round trip
    ws = openpyxl.load_workbook(out)[SHEET]
    assert ws["B1"].value == "=SUM(A1:A3)"


def test_recalculate_never_modifies_source(soffice: str, tmp_path: Path) -> None:
    src = write_workbook(tmp_path / "plan.xlsx")
    before = sha256(src)
    recalculate(src, tmp_path / "out")
    assert sha256(src) == before
    # writing next to the source would overwrite it: refused, source intact
    with pytest.raises(ValueError, match="overwrite the input"):
        recalculate(src, tmp_path)
    assert sha256(src) == before


def test_recalculate_replaces_existing_output(soffice: str, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    recalculate(write_workbook(tmp_path / "plan.xlsx", base=5), out_dir)
    (tmp_path / "v2").mkdir()
    out = recalculate(write_workbook(tmp_path / "v2" / "plan.xlsx", base=1), out_dir)
    assert values(out)["B1"] == 8
    assert values(out)["B3"] == "未達成"


def test_japanese_file_name(soffice: str, tmp_path: Path) -> None:
    src = write_workbook(tmp_path / "施策12.xlsx")
    out = recalculate(src, tmp_path / "出力")
    assert out == tmp_path / "出力" / "施策12.xlsx"
    assert out.is_file()
    got = values(out)
    assert got["B3"] == "達成"
    assert got["C1"] == "施策の目標：子育て支援の充実"


def test_to_pdf_and_png(soffice: str, tmp_path: Path) -> None:
    src = write_workbook(tmp_path / "施策12.xlsx")
    before = sha256(src)
    pdf = to_pdf(src, tmp_path / "pdf")
    assert pdf == tmp_path / "pdf" / "施策12.pdf"
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert sha256(src) == before

    # The PDF shows recalculated values and Japanese text (needs CJK fonts).
    pdftotext = require_tool("pdftotext", "poppler-utils")
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "未達成" in text
    assert "子育て支援" in text
    assert "24" in text

    require_tool("pdftoppm", "poppler-utils")
    pngs = pdf_to_png(pdf, tmp_path / "png", dpi=40)
    assert len(pngs) >= 1
    assert pngs[0] == tmp_path / "png" / "施策12-1.png"
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_missing_input_raises_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.xlsx"
    with pytest.raises(LibreOfficeError, match="input file not found") as info:
        recalculate(missing, tmp_path / "out")
    assert str(missing) in str(info.value)
    with pytest.raises(LibreOfficeError, match="input file not found"):
        to_pdf(missing, tmp_path / "out")
    with pytest.raises(LibreOfficeError, match="input PDF not found"):
        pdf_to_png(tmp_path / "nowhere.pdf", tmp_path / "out")


def test_unreadable_input_raises_with_soffice_output(soffice: str, tmp_path: Path) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(LibreOfficeError, match="could not be loaded") as info:
        recalculate(bad, tmp_path / "out")
    assert "broken.xlsx" in str(info.value)
    assert not (tmp_path / "out" / "broken.xlsx").exists()


def test_timeout_kills_and_raises(soffice: str, tmp_path: Path) -> None:
    src = write_workbook(tmp_path / "plan.xlsx")
    started = time.monotonic()
    with pytest.raises(LibreOfficeError, match=r"timed out after 0\.05 s"):
        recalculate(src, tmp_path / "out", timeout=0.05)
    assert time.monotonic() - started < 10
    # the wrapper still works afterwards
    assert values(recalculate(src, tmp_path / "out"))["B1"] == 12


def test_concurrent_calls_do_not_clash(soffice: str, tmp_path: Path) -> None:
    sources = [write_workbook(tmp_path / f"plan{i}.xlsx", base=10 + i) for i in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        outs = list(pool.map(lambda s: recalculate(s, tmp_path / "out"), sources))
    assert [values(out)["B1"] for out in outs] == [17, 18, 19]


def test_find_soffice_env_override(
    soffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, soffice)
    assert libreoffice.find_soffice() == soffice
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(tmp_path / "no-such-soffice"))
    assert libreoffice.find_soffice() is None
    with pytest.raises(LibreOfficeError, match="LibreOffice not found"):
        recalculate(write_workbook(tmp_path / "plan.xlsx"), tmp_path / "out")
