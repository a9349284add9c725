"""`xlsxsheet import` of 調布's 施策評価シート (seed 001) rebuilt line by line as the city's sheet:
the header (施策番号 and 名称 in one title cell, 目的 over 対象 / 意図) and the まちづくり指標
table (its title typed in its heading row over No. and 指標名, `基準値 (基準年度)` one heading
over one cell `1万958 (H29)`) come out as the seed has them — read through the layout's
`import:` section, never Python that knows 調布."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from seed_workbooks import SEEDS, city_001

from xlsxsheet.core.data_files import load_document
from xlsxsheet.label_import.importer import import_workbook, write_import
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan.document import get_path
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds (../shared/seeds) are absent")

ROOT = Path(__file__).resolve().parents[1]
R1 = 2019
HEADER = ("shisaku_no", "shisaku_name", "lead_dept", "manager", "phone", "target", "intent")


@pytest.fixture(scope="module")
def layout():
    return default_registry().get("shisaku-hyoka")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, layout) -> Any:
    """examples/shisaku-hyoka-R1.yaml (seed 001's content) as the layout reads it."""
    out = tmp_path_factory.mktemp("example001") / "example.xlsx"
    make_template(layout, out, None, load_document(ROOT / "examples" / "shisaku-hyoka-R1.yaml"))
    return read_file(out)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, layout) -> Any:
    folder = tmp_path_factory.mktemp("import001")
    result = import_workbook(city_001(folder / "施策07_R1.xlsx"), layout, R1)
    write_import(result, folder / "out.xlsx", layout)
    return result


def _indicators(document: dict) -> list[dict]:
    return [
        {k: v for k, v in r.items() if v is not None} for r in get_path(document, ("indicators",))
    ]


def test_the_header_from_the_title_cell_and_the_two_rows_of_its_aim(imported, example) -> None:
    read = read_file(imported.output)
    got = {k: read.value((f"header.{k}", None)) for k in HEADER}
    assert got["shisaku_no"] == "07" and got["shisaku_name"] == "共に支え合う地域福祉の推進"
    assert got == {k: example.value((f"header.{k}", None)) for k in HEADER}
    by_field = {i.field: i for i in imported.items}
    assert by_field["header.shisaku_no"].cell == "A3"
    assert "import.fields の pattern" in by_field["header.shisaku_no"].reason
    assert by_field["header.target"].reason == "別名「対象」"


def test_the_indicator_table_equals_the_seeds(imported, example) -> None:
    read = read_file(imported.output)
    got = _indicators(read.document())
    assert got == _indicators(example.document())
    assert [(r["num"], r["base"], r["base_year"], r["target"]) for r in got] == [
        (1, 10958, "H29", 20000),
        (2, 107, "H29", 140),
        (3, "延べ500", "H27見込", "延べ600 以上"),
    ]


def test_where_the_indicator_cells_came_from(imported) -> None:
    items = [i for i in imported.items if i.field.startswith("indicators.")]
    num = next(i for i in items if i.field == "indicators.num")
    assert num.cell == "A22" and "表題「まちづくり指標" in num.reason
    base_year = next(i for i in items if i.field == "indicators.base_year")
    assert base_year.cell == "C22" and "import.tables の pattern" in base_year.reason
    assert all(i.status == "placed" for i in items)


@pytest.mark.parametrize(
    "variation",
    [
        {"title_rows": 3, "margin": True},
        {"cover": True, "numbers_as_text": True},
    ],
    ids=["title-rows-margin", "cover-numbers-as-text"],
)
def test_the_variations_give_the_same_header_and_indicators(
    tmp_path: Path, layout, imported, variation: dict
) -> None:
    result = import_workbook(city_001(tmp_path / "v.xlsx", **variation), layout, R1)
    assert _indicators(result.document) == _indicators(imported.document)
    assert result.document["header"] == imported.document["header"]
