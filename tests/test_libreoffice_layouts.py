"""For every layout, LibreOffice recalculating a fresh template and the filled example agrees with
xlsxsheet on every computed cell: blanks, guarded divisions and counts included."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.data_folders import example_documents
from xlsxsheet.external.libreoffice import recalculate
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

pytestmark = pytest.mark.libreoffice
EXAMPLES = example_documents()


def _same(libreoffice: Any, ours: Any) -> bool:
    if libreoffice == "":
        libreoffice = None
    if ours == "":  # an empty list of headings, written as a value
        ours = None
    if isinstance(ours, float) and isinstance(libreoffice, int | float):
        return libreoffice == pytest.approx(ours, rel=1e-12, abs=1e-9)
    return bool(libreoffice == ours)


def _compare(workbook: Path, out: Path) -> tuple[int, int]:
    """(computed cells compared, of them blank in both)."""
    recalculated = recalculate(workbook, out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cached = openpyxl.load_workbook(recalculated, data_only=True)
    ours = read_file(workbook)
    compared = blank = 0
    for key, slot in ours.plan.slots.items():
        if not slot.field.computed:
            continue
        value = cached[slot.sheet].cell(slot.row + 1, slot.col + 1).value
        assert isinstance(value, str) is False or not value.startswith("#"), (slot.label, value)
        assert _same(value, ours.computed.get(key)), (slot.label, value, ours.computed.get(key))
        compared += 1
        blank += ours.computed.get(key) in (None, "")
    return compared, blank


@pytest.mark.parametrize("data", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_libreoffice_agrees_on_template_and_example(
    soffice: str, data: Path, tmp_path: Path
) -> None:
    doc = load_document(data)
    layout = default_registry().get(str(doc["layout"]))
    empty = tmp_path / "empty.xlsx"
    params = doc.get("params") or {}
    make_template(
        layout, empty, None, {"layout": layout.id, "year": doc.get("year"), "params": params}
    )
    filled = tmp_path / "filled.xlsx"
    make_template(layout, filled, None, doc)
    in_empty, _ = _compare(empty, tmp_path / "out-empty")
    in_filled, _ = _compare(filled, tmp_path / "out-filled")
    # a plan (kihon-keikaku) computes nothing; a records table grows with its records
    assert in_filled >= in_empty and (in_empty > 0 or layout.id == "kihon-keikaku")


def test_the_sixth_layout_blanks_its_empty_years(soffice: str, tmp_path: Path) -> None:
    """事務事業評価シート: every 達成率 and 単位当たりコスト of a fresh template is blank in
    LibreOffice as in xlsxsheet (no #DIV/0!), and the budget year of the example too."""
    layout = default_registry().get("jimu-jigyo")
    empty = tmp_path / "empty.xlsx"
    make_template(layout, empty, None, {"layout": "jimu-jigyo", "year": "R6"})
    compared, blank = _compare(empty, tmp_path / "out")
    # 達成率 of 4 indicators and 単位当たりコスト over 4 years, and the 単位 shown beside 目標 and
    # 実績 of the 4 indicators (`unit_from`), are blank; the sums are 0
    assert blank == (4 + 1) * 4 + 4 * 2 and compared == blank + 2 * 4
    filled = tmp_path / "filled.xlsx"
    make_template(layout, filled, None, load_document(Path("examples/jimu-jigyo-R6.yaml")))
    compared, blank = _compare(filled, tmp_path / "out-filled")
    assert blank == 4 + 1  # R7 (予算): no 実績, so no 達成率 and no 単位当たりコスト
