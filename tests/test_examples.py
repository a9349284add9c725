"""The bundled example workbooks are what their data documents make."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsxsheet.core.data_files import load_document
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WORKBOOKS = sorted(EXAMPLES.glob("*.xlsx"))


@pytest.mark.parametrize("workbook", WORKBOOKS, ids=[p.stem for p in WORKBOOKS])
def test_example_workbook_matches_its_data(workbook: Path, tmp_path: Path) -> None:
    data = workbook.with_suffix(".yaml")
    assert data.is_file(), f"{workbook.name} has no data document beside it"
    doc = load_document(data)
    fresh = tmp_path / workbook.name
    make_template(default_registry().get(doc["layout"]), fresh, None, doc)
    assert read_file(workbook).document() == read_file(fresh).document()
