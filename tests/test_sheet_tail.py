"""The <legacyDrawing> of a copy's notes goes among the sheet's own top-level elements, where
the schema puts it: never inside one (a data bar's <cfRule> holds an <extLst> of its own, as
Excel writes it), before <tableParts>/<extLst>, inside no mc:AlternateContent; the id of an
existing one is found, not that of a <legacyDrawingHF>."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from fidelity_support import EXTENSIONS, SHEET_PART, X14, Parts, _mistakes, filled
from libreoffice_support import require_soffice

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.copies.sheet_tail import add_legacy_drawing, legacy_drawing_id
from xlsxsheet.external.libreoffice import recalculate

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
M = "{" + MAIN + "}"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# CT_Worksheet's children from <sheetData> on, in schema order
ORDER = [
    "sheetData", "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter",
    "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr",
    "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
    "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
    "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF",
    "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
]  # fmt: skip
DATA_BAR = (
    '<conditionalFormatting sqref="F77:J77"><cfRule type="dataBar" priority="1"><dataBar>'
    '<cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar><extLst>'
    f'<ext uri="{{B025F937-C7B1-47D3-B67F-A62EFF666E3E}}" xmlns:x14="{X14}">'
    "<x14:id>{6A4F4E7B-1D35-4C58-9D55-0D37C1D4A0A1}</x14:id></ext></extLst></cfRule>"
    "</conditionalFormatting>"
)


def _top_level(text: str) -> list[str]:
    return [child.tag.split("}")[-1] for child in ET.fromstring(text)]


def _in_schema_order(names: list[str]) -> bool:
    known = [ORDER.index(n) for n in names if n in ORDER]
    return known == sorted(known)


def _sheet(tail: str, p: str = "") -> str:
    q = f"{p}:" if p else ""
    ns = f'xmlns:{p}="{MAIN}"' if p else f'xmlns="{MAIN}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{q}worksheet {ns}>'
        f'<{q}sheetData><{q}row r="1"><{q}c r="A1"><{q}v>1</{q}v></{q}c></{q}row></{q}sheetData>'
        f"{tail}</{q}worksheet>"
    )


@pytest.mark.parametrize("p", ["", "x"])
def test_a_data_bars_own_extlst_is_not_its_place(p: str) -> None:
    q = f"{p}:" if p else ""
    bar = DATA_BAR.replace("<", f"<{q}").replace(f"<{q}/", f"</{q}").replace(f"<{q}x14:", "<x14:")
    bar = bar.replace(f"</{q}x14:", "</x14:")
    text = _sheet(bar + f'<{q}pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75"'
                  f' header="0.3" footer="0.3"/>' + f"<{q}extLst><{q}ext uri=\"{{x}}\"/></{q}extLst>", p)  # fmt: skip
    new = add_legacy_drawing(text, "rId7")
    names = _top_level(new)
    assert names[names.index("legacyDrawing") + 1] == "extLst" and _in_schema_order(names)
    assert new.count(bar) == 1  # the rule as it was
    assert legacy_drawing_id(new) == "rId7"


def test_table_parts_header_drawing_and_controls_come_after_it() -> None:
    controls = (
        f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="x14"><controls>'
        '<control shapeId="1025" name="Check Box 1"/></controls></mc:Choice></mc:AlternateContent>'
    )
    for tail, following in (
        ('<tableParts count="1"><tablePart/></tableParts>', "tableParts"),
        ('<legacyDrawingHF r:id="rId3" xmlns:r="urn:r"/><tableParts/>', "legacyDrawingHF"),
        (controls + "<extLst/>", "AlternateContent"),
        ('<pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/>', None),
    ):
        new = add_legacy_drawing(_sheet(tail), "rId9")
        names = _top_level(new)
        after = names[names.index("legacyDrawing") + 1 :]
        assert (after[0] if after else None) == following, tail
    assert legacy_drawing_id(_sheet('<legacyDrawingHF r:id="rId3" xmlns:r="urn:r"/>')) is None


@pytest.mark.libreoffice
def test_a_copy_of_a_sheet_with_data_bars_and_no_notes_opens_with_its_notes(
    tmp_path: Path,
) -> None:
    parts = Parts(filled(tmp_path))
    _mistakes(parts)
    text = parts.text(SHEET_PART)
    assert "<legacyDrawing" not in text and "<conditionalFormatting" not in text
    at = text.find("<dataValidations")
    at = at if at >= 0 else text.index("<pageMargins")
    end = text.rindex("</worksheet>")
    parts.put(SHEET_PART, text[:at] + DATA_BAR + text[at:end] + EXTENSIONS + text[end:])
    source = parts.save(tmp_path / "施策_データバー.xlsx")
    checked = check_file(source)
    out = write_fixed(checked, tmp_path / "修正版.xlsx")
    sheet = Parts(out).text(SHEET_PART)
    names = _top_level(sheet)
    assert names.count("legacyDrawing") == 1 and _in_schema_order(names)
    assert names[names.index("legacyDrawing") + 1] == "extLst"
    assert DATA_BAR in sheet
    again = openpyxl.load_workbook(recalculate(out, tmp_path / "lo", soffice=require_soffice()))
    ws = again["施策マネジメントシート"]
    for change in checked.changes:  # LibreOffice read the notes the drawing shows
        assert ws[change.cell].comment is not None
        assert change.comment() in ws[change.cell].comment.text
