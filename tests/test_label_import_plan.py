"""`xlsxsheet import` of 国立's 基本計画 (seed 002, layout kihon-keikaku) rebuilt as the city's
sheet: its indicator rows have no labels (they are found in order under each 展開方向's heading,
`import.tables` of the layout) and its year headings are `Ｈ31年` / `Ｈ35年` under `目標値`; the
title cell holds the label, number and name (`import.fields` without a label)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from seed_workbook_002 import TABLES_002, city_002
from seed_workbooks import SEEDS, seed_lines

from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.label_import.importer import import_workbook, write_import
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan.document import document_values
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds (../shared/seeds) are absent")

ROOT = Path(__file__).resolve().parents[1]
H28 = 2016
COLUMNS = ("name", "unit", "source", "base", "base_year", "mid", "final")
INDICATORS = [f"indicators.{d}.{i}" for d in ("d1", "d2") for i in ("a", "i")]


@pytest.fixture(scope="module")
def layout():
    return default_registry().get("kihon-keikaku")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, layout) -> Any:
    """examples/kihon-keikaku-H28.yaml (seed 002's content) as the layout reads it."""
    out = tmp_path_factory.mktemp("example002") / "example.xlsx"
    make_template(layout, out, None, load_document(ROOT / "examples" / "kihon-keikaku-H28.yaml"))
    return read_file(out)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, layout) -> Any:
    folder = tmp_path_factory.mktemp("import002")
    result = import_workbook(city_002(folder / "基本施策12.xlsx"), layout, H28)
    write_import(result, folder / "out.xlsx", layout)
    return result


def _indicators(read: Any) -> dict[str, Any]:
    return {f"{p}.{c}": read.value((f"{p}.{c}", None)) for p in INDICATORS for c in COLUMNS}


def test_the_repairs_only_join_the_seeds_text() -> None:
    lines = seed_lines("002")
    for (first, last), rows in TABLES_002.items():
        seed = "".join("".join(line.split()) for line in lines[first : last + 1])
        rebuilt = "".join("".join(cell.split()) for row in rows for cell in row)
        assert rebuilt == seed, (first, last)


def test_the_plans_published_figures(imported) -> None:
    """SHEETS.md: 13.6 (H26) → 14.5 (H31) → 16.0 (H35); the other rows as the plan has them."""
    read = read_file(imported.output)
    got = _indicators(read)
    assert [got[f"indicators.d1.a.{c}"] for c in ("base", "base_year", "mid", "final")] == [
        13.6,
        "H26",
        14.5,
        16.0,
    ]
    assert [got[f"indicators.d1.i.{c}"] for c in ("base", "mid", "final")] == [3413, 3600, 3900]
    assert [got[f"indicators.d2.i.{c}"] for c in ("base", "mid", "final")] == [67.4, 70.0, 73.0]
    assert got["indicators.d2.a.base"] == "平成 28(2016)年度中に実績値を把握し、目標設定予定。"
    assert got["indicators.d2.a.mid"] is None and got["indicators.d2.a.final"] is None


def _folded(values: dict[str, Any]) -> dict[str, Any]:
    """Texts as the example writes them: the PDF's spacing dropped, ％ as % (NFKC)."""
    return {
        k: "".join(unicodedata.normalize("NFKC", v).split()) if isinstance(v, str) else v
        for k, v in values.items()
    }


def test_every_indicator_equals_the_example(imported, example) -> None:
    read = read_file(imported.output)
    assert _folded(_indicators(read)) == _folded(_indicators(example))
    for key in ("header.shisaku_no", "header.shisaku_name", "header.lead_dept"):
        assert read.value((key, None)) == example.value((key, None)), key


def test_each_indicator_cell_says_where_it_came_from(imported) -> None:
    by_field = {i.field: i for i in imported.items}
    base = by_field["indicators.d1.a.base"]
    assert (base.status, base.sheet, base.cell) == ("placed", "基本施策12", "D114")
    assert base.source_path.startswith("＜展開方向１：支え合いの地域づくり＞ > 表の1行目 > 実績値")
    assert "見出しの下の位置(表の1行目)で照合" in base.reason
    mid = by_field["indicators.d2.i.mid"]
    assert mid.source_path.endswith("表の2行目 > 目標値 > Ｈ31年"), mid.source_path
    assert by_field["indicators.d2.a.mid"].status == "missing"  # the plan writes a sentence
    assert by_field["indicators.d3.a.name"].status == "missing"  # no 展開方向3 in this plan
    assert "見出し" in by_field["indicators.d3.a.name"].reason


def test_a_cover_sheet_and_unmerged_headings_give_the_same_indicators(
    tmp_path: Path, layout, imported
) -> None:
    result = import_workbook(city_002(tmp_path / "c.xlsx", merge=False, cover=True), layout, H28)
    want = document_values(read_file(imported.output).plan, imported.document)
    got = document_values(read_file(imported.output).plan, result.document)
    assert {k: v for k, v in got.items() if k[0].startswith("indicators.")} == {
        k: v for k, v in want.items() if k[0].startswith("indicators.")
    }


def test_a_row_the_sheet_lacks_is_missing_not_taken_from_elsewhere(tmp_path: Path, layout) -> None:
    """Without 展開方向2's second row, 2イ is reported missing; nothing else moves."""
    source = city_002(tmp_path / "a.xlsx")
    book = openpyxl.load_workbook(source)
    sheet = book.active
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value == "同左")
    sheet.delete_rows(row)
    book.save(source)
    result = import_workbook(source, layout, H28)
    by_field = {i.field: i for i in result.items}
    lost = by_field["indicators.d2.i.name"]
    assert lost.status == "missing"
    assert "表に2行目がありません" in lost.reason
    assert by_field["indicators.d2.a.name"].status == "placed"
    assert by_field["indicators.d1.i.final"].value == 3900


def test_the_layouts_own_template_still_imports_by_its_labels(tmp_path: Path, layout) -> None:
    """The own template prints `1` / `ア` beside each row: labels win over positions."""
    doc = load_document(ROOT / "examples" / "kihon-keikaku-H28.yaml")
    out = tmp_path / "own.xlsx"
    make_template(layout, out, None, doc)
    result = import_workbook(out, layout, H28, {"mid_year": 2019, "final_year": 2023})
    by_field = {i.field: i for i in result.items}
    assert by_field["indicators.d1.a.mid"].reason == "ラベル一致"
    assert by_field["indicators.d1.a.mid"].value == 14.5


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "  tables:\n    nope: {group: '(x)'}\n",
            "tables の「nope」はこのレイアウトの表ではありません",
        ),
        (
            "  tables:\n    indicators: {group: 'x'}\n",
            "group に値を取り出す括弧 ( ) がありません",
        ),
        (
            "  tables:\n    indicators: {group: '(x)', columns: {nope: {pattern: '(x)'}}}\n",
            "columns の「nope」は表「indicators」の列ではありません",
        ),
        (
            "  tables:\n    indicators: {group: '(x)', columns: {base: {pattern: '[x'}}}\n",
            "pattern は正規表現として読めません",
        ),
        (
            "  tables:\n    directions: {group: '(x)', columns: {name: {from_group: 2}}}\n",
            "from_group 2 に当たる括弧が group にありません",
        ),
    ],
)
def test_a_malformed_tables_entry_is_a_layout_error(
    tmp_path: Path, entry: str, message: str
) -> None:
    text = (ROOT / "templates" / "kihon-keikaku.yaml").read_text(encoding="utf-8")
    text = text[: text.index("\nimport:\n")] + "\nimport:\n" + entry
    path = tmp_path / "kihon-keikaku.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutError) as raised:
        load_layout(path)
    assert message in str(raised.value)
    assert "kihon-keikaku.yaml" in str(raised.value)


# the PDF's footnote markers after a word (`地域福祉１４団体`): the example leaves them out
FOOTNOTE_MARKERS = ("１１", "１２", "１３", "１４")


def _text(value: str | None) -> str:
    """A text without the PDF's line wrapping, spacing and footnote markers."""
    text = value or ""
    for marker in FOOTNOTE_MARKERS:
        text = text.replace(marker, "")
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_each_directions_name_aim_and_means_under_its_heading(imported, example) -> None:
    """＜展開方向１：支え合いの地域づくり＞: the name in the heading, 【目的】 and 【手段】
    below it, each up to the next heading (the indicator table's 【展開方向の…指標】)."""
    read = read_file(imported.output)
    for d in ("d1", "d2"):
        for c in ("name", "aim", "means"):
            key = (f"directions.{d}.{c}", None)
            assert _text(read.value(key)) == _text(example.value(key)), key
    means = read.value(("directions.d1.means", None))
    assert means.startswith("◆地域における福祉ニーズの把握") and means.count("◆") == 4
    assert "指標" not in means.splitlines()[-1]
    by_field = {i.field: i for i in imported.items}
    assert by_field["directions.d2.name"].value == "福祉の総合的な相談と自立支援の推進"
    assert (
        by_field["directions.d1.aim"].source_path
        == "＜展開方向１：支え合いの地域づくり＞ > 【目的】 の下"
    )
    assert by_field["directions.d3.name"].status == "missing"
