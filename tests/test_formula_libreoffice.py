"""LibreOffice computes every formula form exactly as xlsxsheet does, blanks and guards included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from formula_cases import CASES, ERROR

from xlsxsheet.external.libreoffice import recalculate
from xlsxsheet.layout.formula import FormulaValueError, parse_formula

pytestmark = pytest.mark.libreoffice
ROWS = [(text, inputs, value) for text, _excel, rows in CASES for inputs, value in rows]


def _shown(value: Any) -> Any:
    return None if value == "" else value


def test_libreoffice_agrees_on_every_form(soffice: str, tmp_path: Path) -> None:
    path = tmp_path / "forms.xlsx"
    with xlsxwriter.Workbook(str(path)) as workbook:
        sheet = workbook.add_worksheet("式")
        for row, (text, inputs, _value) in enumerate(ROWS, start=2):
            cells = {"a": f"A{row}", "b": f"B{row}", "c": f"C{row}", "d": f"D{row}", "z": f"E{row}"}
            cells["s.x.d"] = cells["d"]
            for ref, column in zip("abcd", range(4), strict=True):
                value = inputs.get(ref, inputs.get("s.x.d") if ref == "d" else None)
                if isinstance(value, int | float):
                    sheet.write_number(row - 1, column, value)
                elif value is not None:
                    sheet.write_string(row - 1, column, value)
            sheet.write_formula(row - 1, 4, '=""', None, "")
            sheet.write_formula(
                row - 1, 5, parse_formula(text).to_excel(cells.__getitem__), None, 0
            )
    recalculated = openpyxl.load_workbook(recalculate(path, tmp_path / "out"), data_only=True)["式"]
    compared = 0
    for row, (text, inputs, value) in enumerate(ROWS, start=2):
        try:
            ours = parse_formula(text).evaluate(inputs)
        except FormulaValueError:
            ours = ERROR
        assert ours == value, text
        assert _shown(recalculated.cell(row, 6).value) == ours, (text, inputs)
        compared += 1
    assert compared == len(ROWS) > 40
