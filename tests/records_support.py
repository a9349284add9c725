"""Helpers for records-table tests: insert rows the way a department does.

- :func:`insert_rows_openpyxl` inserts rows with openpyxl and then does what Excel does on an
  insertion that openpyxl leaves undone: merged ranges, defined names and formulas below the
  insertion move down, and ranges that span it grow.
- :func:`insert_rows_libreoffice` has a real LibreOffice (headless, a Basic macro in a private
  profile) insert the rows into the protected sheet, type values into them, and save the
  workbook as .xlsx again.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import openpyxl

_REF = re.compile(r"(?<![A-Za-z_])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\d(])")


def _shift_refs(text: str, at_row: int, count: int) -> str:
    """A1 references in a formula or name: rows at or below `at_row` (1-based) move down."""

    def move(m: re.Match[str]) -> str:
        row = int(m.group(4))
        if row >= at_row:
            row += count
        return f"{m.group(1)}{m.group(2)}{m.group(3)}{row}"

    return _REF.sub(move, text)


def _refers_to(text: str, sheet: str, home: str) -> bool:
    quoted = "'" + sheet.replace("'", "''") + "'!"
    if quoted in text or f"{sheet}!" in text:
        return True
    return home == sheet and "!" not in text


def insert_rows_openpyxl(
    src: Path, dst: Path, sheet: str, at_row: int, count: int, values: dict[str, Any]
) -> Path:
    """Insert `count` rows before sheet row `at_row` (1-based) and type `values` (A1 → value)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(src)
    ws = book[sheet]
    ws.insert_rows(at_row, count)
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row >= at_row:
            merged.shift(0, count)
        elif merged.max_row >= at_row:
            merged.expand(down=count)
    for name in list(book.defined_names):
        defined = book.defined_names[name]
        if defined.attr_text and _refers_to(defined.attr_text, sheet, ""):
            defined.attr_text = _shift_refs(defined.attr_text, at_row, count)
    for other in book.worksheets:
        for row in other.iter_rows():
            for cell in row:
                text = cell.value
                if (
                    isinstance(text, str)
                    and text.startswith("=")
                    and _refers_to(text, sheet, other.title)
                ):
                    cell.value = _shift_refs(text, at_row, count)
    for ref, value in values.items():
        ws[ref] = value
    book.save(dst)
    return dst


_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" \
script:language="StarBasic">
Sub InsertRows(sUrl As String, sOut As String, sSheet As String, sRow As String, _
    sCount As String, sCells As String)
  On Error GoTo Failed
  Dim oArgs(0) As New com.sun.star.beans.PropertyValue
  oArgs(0).Name = "Hidden"
  oArgs(0).Value = True
  oDoc = StarDesktop.loadComponentFromURL(sUrl, "_blank", 0, oArgs())
  oSheet = oDoc.Sheets.getByName(sSheet)
  oSheet.Rows.insertByIndex(CLng(sRow), CLng(sCount))
  If sCells &lt;&gt; "" Then
    aCells = Split(sCells, "|")
    For i = LBound(aCells) To UBound(aCells)
      aPair = Split(aCells(i), "=", 2)
      oSheet.getCellRangeByName(aPair(0)).setFormula(aPair(1))
    Next i
  End If
  Dim oSave(0) As New com.sun.star.beans.PropertyValue
  oSave(0).Name = "FilterName"
  oSave(0).Value = "Calc MS Excel 2007 XML"
  oDoc.storeToURL(sOut, oSave())
  oDoc.close(True)
  StarDesktop.terminate()
  Exit Sub
Failed:
  n = FreeFile()
  Open ConvertFromURL(sOut) &amp; ".error.txt" For Output As #n
  Print #n, "Error " &amp; Err &amp; ": " &amp; Error$
  Close #n
  StarDesktop.terminate()
End Sub
</script:module>
"""


def insert_rows_libreoffice(
    soffice: str,
    profile: Path,
    src: Path,
    dst: Path,
    sheet: str,
    at_row: int,
    count: int,
    values: dict[str, Any],
) -> Path:
    """LibreOffice inserts `count` rows before sheet row `at_row` (1-based) of the protected
    sheet, types `values` (A1 → text as typed) and saves as .xlsx to `dst`."""
    work = dst.parent / "lo-work"
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, work / "in.xlsx")
    out = work / "out.xlsx"
    env = f"-env:UserInstallation={profile.as_uri()}"
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    if not module.is_file():
        subprocess.run(
            [soffice, env, "--headless", "--terminate_after_init"],
            capture_output=True,
            timeout=180,
            check=False,
        )
    module.write_text(_module_xml(), "utf-8")
    cells = "|".join(f"{ref}={value}" for ref, value in values.items())
    args = ",".join(
        f'"{a}"'
        for a in (
            (work / "in.xlsx").as_uri(),
            out.as_uri(),
            sheet,
            str(at_row - 1),
            str(count),
            cells,
        )
    )
    subprocess.run(
        [
            soffice,
            env,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"macro:///Standard.Module1.InsertRows({args})",
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    error = Path(str(out) + ".error.txt")
    if error.exists():
        raise AssertionError(f"LibreOffice could not insert the rows: {error.read_text()}")
    if not out.is_file():
        raise AssertionError("LibreOffice wrote no workbook")
    shutil.move(out, dst)
    return dst


def _module_xml() -> str:
    """The Basic module as its XML file: quotes in the Basic code become &quot;."""
    lines = _MODULE.split("\n")
    return "\n".join(lines[:3] + [line.replace('"', "&quot;") for line in lines[3:]])


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example_workbook(stem: str, folder: Path) -> Path:
    """The filled workbook of a bundled example (examples/<stem>.yaml), written to `folder`."""
    from xlsxsheet.core.data_files import load_document
    from xlsxsheet.layout.registry import default_registry
    from xlsxsheet.writing.make_template import make_template

    doc = load_document(EXAMPLES / f"{stem}.yaml")
    out = folder / f"{stem}.xlsx"
    make_template(default_registry().get(doc["layout"]), out, None, doc)
    return out


def formula_cells_agree(path: Path, soffice: str, folder: Path) -> list[str]:
    """Recalculate `path` in LibreOffice; every computed cell's value against xlsxsheet's.

    Returns the disagreements ('sheet'!A1 label: LibreOffice value != xlsxsheet value).
    """
    from xlsxsheet.external.libreoffice import recalculate
    from xlsxsheet.reading.return_reader import read_file

    result = read_file(path)
    recalculated = recalculate(path, folder / "recalculated", soffice=soffice)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(recalculated, data_only=True)
    wrong = []
    for key, cell in result.cells.items():
        if not cell.slot.field.computed:
            continue
        got = book[cell.sheet][cell.address].value
        want = result.computed.get(key)
        same = got == want or (
            isinstance(got, int | float)
            and isinstance(want, int | float)
            and abs(got - want) < 1e-9
        )
        if not same and not (got in (None, "") and want in (None, "")):
            wrong.append(f"'{cell.sheet}'!{cell.address} {cell.slot.label}: {got!r} != {want!r}")
    return wrong
