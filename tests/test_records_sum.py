"""A records table's column added up (`aggregates: kind: sum`): the 決算事業費 of every 事務事業
under the table, as a live SUM the template writes, LibreOffice recalculates and xlsxsheet
recomputes alike; a total typed over is restored by fix; a cost typed as text is said to be
left out of that total by Excel.

The layout is the bundled 施策評価シート with one line added to its records block, as a city
would add it; the return is its bundled example (53,557 + 18,614 千円)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from records_support import formula_cells_agree

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.external.libreoffice import recalculate
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.office.fixing import fix_path
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "templates" / "shisaku-hyoka.yaml"
COUNT_ROW = "          - {id: count, label: 計, kind: count"
SUM_ROW = "          - {id: total, label: 決算事業費 合計, kind: sum, columns: [cost]}\n"
TOTAL = 53557 + 18614
SHEET = "事務事業評価"


def _layout_folder(folder: Path, row: str = SUM_ROW) -> Path:
    text = SOURCE.read_text(encoding="utf-8")
    assert COUNT_ROW in text
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shisaku-hyoka.yaml").write_text(
        text.replace(COUNT_ROW, row + COUNT_ROW, 1), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> LayoutRegistry:
    return LayoutRegistry([_layout_folder(tmp_path_factory.mktemp("layouts") / "city")])


@pytest.fixture(scope="module")
def filled(registry: LayoutRegistry, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("returns") / "施策評価.xlsx"
    doc = load_document(ROOT / "examples" / "shisaku-hyoka-R1.yaml")
    make_template(registry.get("shisaku-hyoka"), out, None, doc)
    return out


def _total_cell(path: Path, registry: LayoutRegistry) -> tuple[str, str]:
    read = read_file(path, registry)
    (key,) = [k for k in read.cells if k[0].endswith("total.cost")]
    return read.cells[key].sheet, read.cells[key].address


def test_the_template_adds_the_column_up_with_a_live_sum(
    filled: Path, registry: LayoutRegistry
) -> None:
    sheet, address = _total_cell(filled, registry)
    cell = openpyxl.load_workbook(filled)[sheet][address]
    assert sheet == SHEET
    assert isinstance(cell.value, str) and cell.value.startswith("=SUM($F$")
    assert cell.number_format == "#,##0"  # as the column it adds up (money, 千円)
    read = read_file(filled, registry)
    (key,) = [k for k in read.computed if k[0].endswith("total.cost")]
    assert read.computed[key] == TOTAL
    problems = [p for p in check_file(filled, registry).problems if p.severity != "info"]
    assert problems == []


def test_libreoffice_recalculates_the_total_to_xlsxsheets(
    filled: Path, registry: LayoutRegistry, soffice: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr("xlsxsheet.reading.return_reader.default_registry", lambda: registry)
    assert formula_cells_agree(filled, soffice, tmp_path) == []


def test_a_total_typed_over_is_said_and_fix_restores_the_sum(
    filled: Path, registry: LayoutRegistry, soffice: str, tmp_path: Path
) -> None:
    sheet, address = _total_cell(filled, registry)
    book = openpyxl.load_workbook(filled)
    book[sheet][address].value = 70000  # a clerk's own figure over the formula
    typed = tmp_path / "typed.xlsx"
    book.save(typed)
    (said,) = [p for p in check_file(typed, registry).problems if p.cell == address]
    assert said.code == "total-mismatch" and said.severity == "error"
    assert "72,171" in said.message  # the sum of the column, which fix writes back
    fixed = tmp_path / "fixed.xlsx"
    fix_path(typed, fixed, registry=registry)
    assert openpyxl.load_workbook(fixed)[sheet][address].value.startswith("=SUM(")
    recalculated = recalculate(fixed, tmp_path / "lo", soffice=soffice)
    shown = openpyxl.load_workbook(recalculated, data_only=True)[sheet][address].value
    assert shown == TOTAL
    assert [p for p in check_file(fixed, registry).problems if p.severity == "error"] == []


def test_a_cost_typed_as_text_is_said_to_be_left_out_of_the_total(
    filled: Path, registry: LayoutRegistry, tmp_path: Path
) -> None:
    read = read_file(filled, registry)
    (key,) = [
        k for k in read.cells if k[0].startswith("jigyo.cost#") and read.inputs.get(k) == 18614
    ]
    cell = read.cells[key]
    book = openpyxl.load_workbook(filled)
    book[cell.sheet][cell.address].value = "18,614"
    typed = tmp_path / "text.xlsx"
    book.save(typed)
    (said,) = [
        p
        for p in check_file(typed, registry).problems
        if p.cell == cell.address and p.code == "number-stored-as-text"
    ]
    assert "決算事業費 合計" in said.message and "SUM" in said.message


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (
            "          - {id: total, label: 合計, kind: sum, columns: [name]}\n",
            "列「name」は type: text なので合計できません",
        ),
        (
            "          - {id: total, label: 合計, kind: sum, value: ●, columns: [cost]}\n",
            "kind: sum に value は使いません",
        ),
        (
            "          - {id: total, label: 合計, kind: sum}\n",
            "kind: sum には columns(合計する列)が必要です",
        ),
    ],
)
def test_a_sum_the_layout_cannot_make_is_refused_at_its_line(
    tmp_path: Path, row: str, said: str
) -> None:
    folder = _layout_folder(tmp_path / "bad", row)
    with pytest.raises(LayoutError) as caught:
        load_layout(folder / "shisaku-hyoka.yaml")
    assert said in str(caught.value) and "行目" in str(caught.value)


@pytest.mark.libreoffice
def test_a_row_inserted_in_libreoffice_is_in_the_total(
    filled: Path, registry: LayoutRegistry, soffice: str, tmp_path: Path
) -> None:
    """LibreOffice grows the SUM's range over a row inserted inside the table: the copy's
    total, xlsxsheet's and LibreOffice's agree, with nothing to correct."""
    from openpyxl.utils import get_column_letter
    from records_support import insert_rows_libreoffice

    table = read_file(filled, registry).plan.records["jigyo"]
    at = table.first_row + 1 + 1  # between the two 事務事業 (1-based)
    letter = {k: get_column_letter(v + 1) for k, v in table.col_of.items()}
    typed = {
        f"{letter['num']}{at}": "3",
        f"{letter['name']}{at}": "再犯防止推進事業",
        f"{letter['cost']}{at}": "1000",
        f"{letter['on_plan']}{at}": "●",
        f"{letter['no_room']}{at}": "●",
    }
    out = insert_rows_libreoffice(
        soffice, tmp_path / "profile", filled, tmp_path / "lo.xlsx", table.sheet, at, 1, typed
    )
    checked = check_file(out, registry)
    assert checked.read is not None
    (key,) = [k for k in checked.read.computed if k[0].endswith("total.cost")]
    assert checked.read.computed[key] == TOTAL + 1000
    assert not [p for p in checked.problems if p.severity == "error"], checked.problems
    sheet, address = _total_cell(out, registry)
    recalculated = recalculate(out, tmp_path / "recalculated", soffice=soffice)
    shown = openpyxl.load_workbook(recalculated, data_only=True)[sheet][address].value
    assert shown == TOTAL + 1000
