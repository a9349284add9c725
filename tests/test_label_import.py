"""`xlsxsheet import`: seed 000 (国立市 施策マネジメントシート) rebuilt as the city's own
workbook is found by its labels, reproduces the seed's figures, and imports to the same
document whatever the sheet looks like (title rows, 方眼紙 margin, 全角 labels, 和暦 headings,
a cover sheet, merged labels, numbers typed as text)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from seed_workbooks import (
    REPAIRS_000,
    RESTORED_000,
    SEEDS,
    city_000,
    non_empty,
    seed_lines,
)

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.cli import main
from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.label_import.importer import import_workbook, write_import
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan.document import document_values
from xlsxsheet.plan.workbook_plan import cached_plan
from xlsxsheet.reading.return_reader import read_file

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds (../shared/seeds) are absent")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shisaku-management-R2.yaml"
R2 = 2020


@pytest.fixture(scope="module")
def layout():
    return default_registry().get("shisaku-management")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, layout) -> Any:
    """The plain rebuild of seed 000, imported and written."""
    folder = tmp_path_factory.mktemp("import000")
    source = city_000(folder / "施策12_R2.xlsx")
    result = import_workbook(source, layout, R2)
    write_import(result, folder / "out.xlsx", layout)
    return result


def test_repairs_only_move_cells_and_restore_merged_labels() -> None:
    lines = seed_lines("000")
    for index, cells in REPAIRS_000.items():
        restored = [c for c in non_empty(cells) if c not in RESTORED_000]
        assert restored == non_empty(lines[index].split("\t")), index


def test_the_seeds_cost_figures(imported) -> None:
    read = read_file(imported.output)
    total_a = [read.value(("perf.cost.total_a", y)) for y in (2016, 2017, 2020)]
    total = [read.value(("perf.cost.total", y)) for y in (2016, 2017, 2020)]
    assert total_a == [2408885, 2396388, 1918138]
    assert total == [2621267, 2612527, 2091755]


def test_the_typed_totals_are_compared_with_the_layouts(imported) -> None:
    by_key = {(t.field, t.year): t for t in imported.totals}
    assert by_key[("perf.cost.total_a", 2016)].typed == 2408885
    assert by_key[("perf.cost.total", 2020)].computed == 2091755
    assert all(t.agrees for t in imported.totals), [t for t in imported.totals if not t.agrees]


def test_1a_actual_and_its_judgements(imported) -> None:
    checked = check_file(imported.output)
    read = checked.read
    assert read.value(("perf.outcome.d1.a.actual", R2)) == 12.8
    assert read.value(("perf.outcome.d1.a.achievement", None)) == "未達成"
    assert read.value(("perf.outcome.d1.a.yoy", None)) == "低下"
    # the rules agree with what the city wrote: no judgement is reported wrong
    assert [p for p in checked.problems if p.severity in ("error", "warning")] == []


def test_the_year_table_and_grades_are_the_example_documents(imported, layout) -> None:
    """Every value of the 実績推移 table, the grades and the header: as examples/ has them."""
    plan = cached_plan(layout, R2, dict(layout.default_params()))
    expected = document_values(plan, load_document(EXAMPLE))
    got = document_values(plan, imported.document)
    wanted = ("perf.", "evaluation.achievement_grade", "evaluation.trend_grade", "result.overall")
    keys = [k for k in plan.slots if k[0].startswith(wanted) and not plan.slots[k].field.computed]
    expected_values = {k: _plain(expected.get(k)) for k in keys}
    assert {k: _plain(got.get(k)) for k in keys} == expected_values
    # sections 1 and 2: the level labels typed at the start of the name (`ア 人口(…)`)
    tables = [
        k
        for k in plan.slots
        if k[0].startswith(("indicators.target.", "indicators.outcome.", "plan."))
        and k[0].endswith((".name", ".unit", ".aim"))
    ]
    assert {k: got.get(k) for k in tables} == {k: expected.get(k) for k in tables}
    header = {k: got.get(k) for k in plan.slots if k[0].startswith("header.")}
    assert header == {k: _plain(expected.get(k)) for k in header}


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def test_every_field_is_accounted_for(imported, layout) -> None:
    plan = cached_plan(layout, R2, dict(layout.default_params()))
    single = [k for k, s in plan.slots.items() if s.unit is None]
    assert len(imported.items) == len(single)
    placed = imported.of("placed")
    assert placed and all(i.sheet and i.cell and i.source_path and i.reason for i in placed)
    source = next(i for i in placed if i.field == "perf.cost.national" and i.year == 2016)
    assert (source.sheet, source.cell) == ("Sheet1", "F86")
    assert source.source_path == "施策コスト > 事業費 > 財源内 > 国庫支出金 > H28年度"
    assert source.reason == "別名「財源内」"


VARIATIONS = {
    "title rows and a margin column": {"title_rows": 3, "margin": True},
    "full-width labels and 令和/平成 headings": {"full_width_labels": True, "era_headings": True},
    "a cover sheet first": {"cover": True},
    "merged label cells": {"merge_labels": (49, 93)},
    "numbers typed as text": {"numbers_as_text": True},
    "all at once": {
        "title_rows": 2,
        "margin": True,
        "full_width_labels": True,
        "era_headings": True,
        "cover": True,
        "merge_labels": (49, 93),
    },
}


@pytest.mark.parametrize("variation", list(VARIATIONS), ids=list(VARIATIONS))
def test_variations_import_to_the_same_document(
    tmp_path: Path, layout, imported, variation: str
) -> None:
    source = city_000(tmp_path / "city.xlsx", **VARIATIONS[variation])
    result = import_workbook(source, layout, R2)
    assert result.document == imported.document
    assert len(result.of("placed")) == len(imported.of("placed"))


def test_era_headings_are_said(tmp_path: Path, layout) -> None:
    source = city_000(tmp_path / "city.xlsx", era_headings=True)
    result = import_workbook(source, layout, R2)
    item = next(
        i for i in result.of("placed") if i.field == "perf.target.a.actual" and i.year == 2019
    )
    assert item.typed == 75984
    assert "年度見出し「平成31年度」" in item.reason


def test_a_field_the_workbook_lacks_is_missing_not_filled(tmp_path: Path, layout) -> None:
    source = city_000(tmp_path / "city.xlsx")
    book = openpyxl.load_workbook(source)
    sheet = book.active
    sheet["J59"] = None  # 1ア 実績値 R2
    sheet.delete_rows(85)  # the 事務事業数 row
    book.save(source)
    result = import_workbook(source, layout, R2)
    actual = next(i for i in result.items if i.field == "perf.outcome.d1.a.actual" and i.year == R2)
    assert (actual.status, actual.cell) == ("missing", "J59")
    assert result.document["perf"]["outcome"]["d1"]["a"]["actual"][str(R2)] is None
    projects = [i for i in result.items if i.field == "perf.projects.count"]
    assert {i.status for i in projects} == {"missing"}
    assert "ラベル「事務事業数 > H28年度」が見つかりません" in projects[0].reason
    assert set(result.document["perf"]["projects"]["count"].values()) == {None}


def test_a_wrong_city_sum_is_reported(tmp_path: Path, layout) -> None:
    source = city_000(tmp_path / "city.xlsx")
    book = openpyxl.load_workbook(source)
    book.active["F91"] = 2408000  # 事業費計(A) H28, typed wrong
    book.save(source)
    result = import_workbook(source, layout, R2)
    write_import(result, tmp_path / "out.xlsx", layout)
    wrong = [t for t in result.totals if not t.agrees]
    assert [(t.field, t.year, t.cell, t.typed, t.computed) for t in wrong] == [
        ("perf.cost.total_a", 2016, "F91", 2408000, 2408885)
    ]
    assert "市の入力 2408000、様式の計算 2408885、不一致" in result.text()


def test_two_places_for_one_field_is_a_conflict(tmp_path: Path, layout) -> None:
    source = city_000(tmp_path / "city.xlsx")
    book = openpyxl.load_workbook(source)
    copy = book.copy_worksheet(book.active)
    copy["F86"] = 1  # 国庫支出金 H28 differs on the copy
    book.save(source)
    result = import_workbook(source, layout, R2)
    item = next(i for i in result.items if i.field == "perf.cost.national" and i.year == 2016)
    assert item.status == "conflict"
    assert "'Sheet1'!F86" in item.reason and f"'{copy.title}'!F86" in item.reason
    assert result.document["perf"]["cost"]["national"]["2016"] is None
    assert not result.ok


def test_the_input_file_is_never_written(tmp_path: Path, layout) -> None:
    source = city_000(tmp_path / "city.xlsx")
    before = source.read_bytes()
    result = import_workbook(source, layout, R2)
    write_import(result, tmp_path / "out.xlsx", layout)
    assert source.read_bytes() == before


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_imports_a_file_and_the_result_checks(tmp_path: Path) -> None:
    source = city_000(tmp_path / "施策12_R2.xlsx", title_rows=3, margin=True)
    out = tmp_path / "施策12_R2_xlsxsheet.xlsx"
    code, stdout, _ = run(
        "import", str(source), "--layout", "shisaku-management", "--year", "R2", "-o", str(out)
    )
    assert code == 0, stdout
    assert stdout.splitlines()[0] == "施策12_R2.xlsx: 様式 shisaku-management R2年度 として取り込み"
    assert "○ 基本施策番号: 'Sheet1'!C8" in stdout
    code, stdout, _ = run("check", str(out))
    assert code == 0, stdout


def test_cli_json_and_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "過去分"
    folder.mkdir()
    city_000(folder / "a.xlsx")
    city_000(folder / "b.xlsx", cover=True)
    out = tmp_path / "取込"
    code, stdout, _ = run(
        "import",
        str(folder),
        "--layout",
        "shisaku-management",
        "--year",
        "R2",
        "-o",
        str(out),
        "--format",
        "json",
    )
    assert code == 0, stdout
    data = json.loads(stdout)
    assert [Path(d["source"]).name for d in data] == ["a.xlsx", "b.xlsx"]
    assert sorted(p.name for p in out.iterdir()) == [
        "a_shisaku-management_R2年度.xlsx",
        "b_shisaku-management_R2年度.xlsx",
    ]
    first = next(f for f in data[1]["fields"] if f["field"] == "perf.cost.total_a")
    assert first["sheet"] == "施策12" and first["status"] == "placed"


def test_cli_never_overwrites_unasked(tmp_path: Path) -> None:
    source = city_000(tmp_path / "city.xlsx")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep")
    code, _, err = run(
        "import", str(source), "--layout", "shisaku-management", "--year", "R2", "-o", str(out)
    )
    assert code == 2  # a usage mistake (README: exit codes)
    assert f"出力先 {out} はすでにあります。上書きするには --force を付けてください" in err
    assert out.read_bytes() == b"keep"


def test_cli_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    source = tmp_path / "memo.xlsx"
    source.write_text("これはブックではありません", encoding="utf-8")
    code, _, err = run(
        "import",
        str(source),
        "--layout",
        "shisaku-management",
        "--year",
        "R2",
        "-o",
        str(tmp_path / "out.xlsx"),
    )
    assert code == 1
    assert "Traceback" not in err and err.startswith("エラー: ")  # click in Japanese
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "  fields:\n    header.nope: {label: 基本施策名, pattern: '(x)'}\n",
            "fields の「header.nope」はこのレイアウトの項目ではありません",
        ),
        (
            "  fields:\n    header.shisaku_no: {label: 基本施策名, pattern: 'x'}\n",
            "pattern に値を取り出す括弧 ( ) がありません",
        ),
        (
            "  fields:\n    header.shisaku_no: {label: 基本施策名, pattern: '(x'}\n",
            "pattern は正規表現として読めません",
        ),
        (
            "  aliases:\n    財源内訳: 3\n",
            "aliases の「財源内訳」には別の書き方を文字列のリストで書いてください",
        ),
        ("  alias: {}\n", "未知のキー「alias」があります"),
    ],
)
def test_a_malformed_import_entry_is_a_layout_error(
    tmp_path: Path, entry: str, message: str
) -> None:
    text = (ROOT / "templates" / "shisaku-management.yaml").read_text(encoding="utf-8")
    text = text[: text.index("\nimport:\n")] + "\nimport:\n" + entry
    path = tmp_path / "shisaku-management.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutError) as raised:
        load_layout(path)
    assert message in str(raised.value)
    assert "shisaku-management.yaml" in str(raised.value)


def test_the_report_prints_on_a_japanese_windows_console(imported) -> None:
    """The text report encodes in cp932 (a Japanese Windows console without UTF-8)."""
    imported.text().encode("cp932")


def test_cli_a_folder_goes_on_past_a_file_it_cannot_read(tmp_path: Path) -> None:
    folder = tmp_path / "過去分"
    folder.mkdir()
    city_000(folder / "a.xlsx")
    (folder / "b.xlsx").write_text("壊れたファイル", encoding="utf-8")
    out = tmp_path / "取込"
    code, stdout, err = run(
        "import", str(folder), "--layout", "shisaku-management", "--year", "R2", "-o", str(out)
    )
    assert code == 1
    assert stdout.startswith("a.xlsx: 様式 shisaku-management R2年度 として取り込み")
    assert "b.xlsx: 取り込めません: " in err
    assert [p.name for p in out.iterdir()] == ["a_shisaku-management_R2年度.xlsx"]


def test_cli_one_file_into_a_folder(tmp_path: Path) -> None:
    source = city_000(tmp_path / "施策12.xlsx")
    out = tmp_path / "取込"
    out.mkdir()
    code, _, _ = run(
        "import", str(source), "--layout", "shisaku-management", "--year", "R2", "-o", str(out)
    )
    assert code == 0
    assert [p.name for p in out.iterdir()] == ["施策12_shisaku-management_R2年度.xlsx"]
