"""Against a real spreadsheet client: LibreOffice recalculates our formulas and re-saves our files."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl

from xlsxsheet.external.libreoffice import recalculate
from xlsxsheet.reading.return_reader import read_file


def test_libreoffice_recalculation_equals_xlsxsheet(
    soffice: str, example_000_workbook: Path, tmp_path: Path
) -> None:
    recalculated = recalculate(example_000_workbook, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cached = openpyxl.load_workbook(recalculated, data_only=True)
    ours = read_file(example_000_workbook)
    compared = 0
    for key, slot in ours.plan.slots.items():
        if not slot.field.computed:
            continue
        cell = cached[slot.sheet].cell(slot.row + 1, slot.col + 1)
        assert cell.value == ours.computed[key], slot.label
        compared += 1
    assert compared == 2 * 9  # 事業費計(A) and トータルコスト over nine year columns


def test_workbook_resaved_by_libreoffice_reads_back_the_same(
    soffice: str, example_000_workbook: Path, tmp_path: Path
) -> None:
    resaved = recalculate(example_000_workbook, tmp_path)
    before = read_file(example_000_workbook)
    after = read_file(resaved)
    assert after.document() == before.document()
    assert after.flat()["fields"] == before.flat()["fields"]
