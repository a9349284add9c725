"""Cells spliced into a worksheet's XML: only the edited `<c>` elements change, a missing
cell or row is inserted in order, a replaced shared-formula master leaves its dependents'
formulas as they were (checked by openpyxl reading the patched sheet)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlsxsheet.copies.sheet_patch import cell_xml, old_cell, put_cell, set_cached, unshare

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet(rows: str, prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    ns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {ns}="{MAIN}">'
        f"<{p}sheetData>{rows}</{p}sheetData></{p}worksheet>"
    )


def book(sheet_xml: str, tmp_path: Path) -> openpyxl.worksheet.worksheet.Worksheet:
    """The sheet XML inside a minimal package, read back by openpyxl."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
        "xl/styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellXfs count="5">{"<xf/>" * 5}</cellXfs></styleSheet>',
    }
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    path = tmp_path / "b.xlsx"
    path.write_bytes(data.getvalue())
    return openpyxl.load_workbook(path)["S"]


def test_only_the_edited_cell_changes(tmp_path: Path) -> None:
    text = sheet(
        '<row r="1"><c r="A1" s="2"><v>1</v></c><c r="A10"><v>5</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    new = put_cell(text, "A1", cell_xml("", "A1", 3, 44000))
    assert new == text.replace('<c r="A1" s="2"><v>1</v></c>', '<c r="A1" s="3"><v>44000</v></c>')
    assert book(new, tmp_path)["A1"].value == 44000 and book(new, tmp_path)["A10"].value == 5


@pytest.mark.parametrize("prefix", ["", "x"])
def test_a_missing_cell_and_row_are_inserted_in_order(tmp_path: Path, prefix: str) -> None:
    p = f"{prefix}:" if prefix else ""
    text = sheet(
        f'<{p}row r="2"><{p}c r="A2"><{p}v>1</{p}v></{p}c><{p}c r="C2"><{p}v>3</{p}v></{p}c></{p}row><{p}row r="5"/>',
        prefix,
    )
    new = put_cell(text, "B2", cell_xml(p, "B2", 0, "中"))
    new = put_cell(new, "D4", cell_xml(p, "D4", 0, None, "A2+C2", 4))
    new = put_cell(new, "A5", cell_xml(p, "A5", 0, 2.5))
    new = put_cell(new, "A9", cell_xml(p, "A9", 0, True))
    ws = book(new, tmp_path)
    assert [c.coordinate for row in ws.iter_rows() for c in row if c.value is not None] == [
        "A2",
        "B2",
        "C2",
        "D4",
        "A5",
        "A9",
    ]
    assert (ws["B2"].value, ws["D4"].value, ws["A5"].value, ws["A9"].value) == (
        "中",
        "=A2+C2",
        2.5,
        True,
    )
    assert old_cell(new, "D4").formula and not old_cell(new, "B2").formula


def test_a_replaced_shared_master_leaves_its_dependents_formulas(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><f aca="false" t="shared" si="0"'
        + (' ref="B1:B3">A1*2</f>' if r == 1 else "/>")
        + f"<v>{2 * r}</v></c></row>"
        for r in (1, 2, 3)
    )
    text = sheet(rows)
    assert old_cell(text, "B1").shared_master
    new = put_cell(unshare(text, "B1"), "B1", cell_xml("", "B1", 0, None, "A1*3", 3))
    ws = book(new, tmp_path)
    assert [ws[f"B{r}"].value for r in (1, 2, 3)] == ["=A1*3", "=A2*2", "=A3*2"]


def test_a_cached_result_is_set_without_touching_the_formula() -> None:
    text = sheet(
        '<row r="1"><c r="A1" s="4"><f>SUM(B1:C1)</f><v>10</v></c><c r="B1"><v>3</v></c></row>'
    )
    new = set_cached(text, "A1", 7)
    assert new == text.replace("<v>10</v>", "<v>7</v>")
    assert set_cached(text, "A1", 10.0) == text  # the same number: nothing rewritten
    assert set_cached(text, "B1", 9) == text  # no formula: not a result
    assert 't="str"' in set_cached(text, "A1", "達成")
    # LibreOffice writes t="n" on a number: the same result leaves that cell as it was too
    saved = text.replace('<c r="A1" s="4">', '<c r="A1" s="4" t="n">')
    assert set_cached(saved, "A1", 10) == saved
    assert set_cached(saved, "A1", 7) == saved.replace("<v>10</v>", "<v>7</v>").replace(
        ' t="n"', ""
    )
