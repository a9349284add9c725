"""`xlsxsheet import` of 狛江's 進捗管理シート (seed 003, 第1章) rebuilt line by line from the
seed's text (one text line a row, one tab a cell), the extraction's damage repaired by the
explicit list `REPAIRS_003` (tests/seed_workbook_003.py): the 評価総括表 as SHEETS.md has it,
every 事業 as examples/shinchoku-pdca-R5.yaml has it, and what the sheets do not hold said."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from seed_workbook_003 import REPAIRS_003, SHEETS_003, city_003, paragraphs, sheet_rows
from seed_workbook_004 import repair
from seed_workbooks import SEEDS, non_empty, seed_rows

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.cli import main
from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.label_import.importer import import_workbook, write_import
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import default_registry

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds (../shared/seeds) are absent")

ROOT = Path(__file__).resolve().parents[1]
R5 = 2023
JUSO = "重層的支援体制整備事業実施計画"
# what the city's sheets do not hold: each 事業's 達成状況 and each 施策's 掲載頁 (the report's
# page numbers, which the 評価総括表 lists: the extraction has no page numbers)
NOT_ON_THE_SHEET = ("achieved", "report_page")


@pytest.fixture(scope="module")
def layout():
    return default_registry().get("shinchoku-pdca")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, layout) -> Any:
    folder = tmp_path_factory.mktemp("import003")
    result = import_workbook(city_003(folder / "進捗管理_R5.xlsx"), layout, R5)
    write_import(result, folder / "out.xlsx", layout)
    return result


def test_the_repairs_only_move_cells() -> None:
    """A repair keeps every text of its line, and only lines of the two sheets are repaired."""
    rows = seed_rows("003")
    for index, ops in REPAIRS_003.items():
        assert any(first <= index <= last for first, last in SHEETS_003.values()), index
        fixed, merged = repair(rows[index], ops)
        assert merged == [], index
        assert non_empty(fixed) == non_empty(rows[index]), index


def test_the_workbook_holds_the_seeds_lines_in_order(tmp_path: Path) -> None:
    """Each sheet's cells, row by row, are the texts of the seed's lines (a number as the
    number, a cell's HTML paragraphs as lines), and nothing else."""
    book = openpyxl.load_workbook(city_003(tmp_path / "city.xlsx"))
    seed = seed_rows("003")
    for name, (first, last) in SHEETS_003.items():
        sheet = book[name]
        for r, index in enumerate(range(first, last + 1)):
            got = (
                [str(v) for v in next(sheet.iter_rows(r + 1, r + 1, values_only=True)) if v]
                if sheet.max_row > r
                else []
            )
            want = [paragraphs(c) for c in seed[index] if c.strip()]
            assert non_empty(got) == non_empty(want), (name, index)


def test_paragraphs_only_take_the_html_away() -> None:
    cells = [c for row in seed_rows("003") for c in row if c.startswith("<p>")]
    assert len(cells) >= 6
    for cell in cells:
        lines = paragraphs(cell)
        assert "<p>" not in lines and "</p>" not in lines
        assert re.sub(r"\s", "", lines) == re.sub(r"\s|</?p>", "", cell)
    assert paragraphs("<p>一</p> <p>二</p>") == "一\n二"
    assert paragraphs("一 二") == "一 二"


def test_the_summary_tables(imported) -> None:
    """SHEETS.md: 地域福祉計画 A 4 (1-(1), 1-(2)-①, 1-(2)-③, 2-(3)), B 0, C 1 (3-(1)), D 0,
    合計 5; 重層的支援体制整備事業実施計画 A 7, B 1 (7 アウトリーチ等事業の実施), C 0, D 0, 合計 8."""
    read = check_file(imported.output).read

    def row(tally: str, grade: str) -> tuple:
        count = read.value((f"{tally}.{grade}.count", None))
        return count, (read.value((f"{tally}.{grade}.shisaku", None)) or "").split("\n")

    assert row("summary1", "a") == (4, ["1－(1)", "1－(2)－①", "1－(2)－③", "2－(3)"])
    assert row("summary1", "c") == (1, ["3－(1)"])
    assert [read.value((f"summary1.{g}.count", None)) for g in ("b", "d", "total")] == [0, 0, 5]
    assert row("summary2", "a") == (
        7,
        [
            "1 普及啓発",
            "2 相談支援包括化推進体制の構築",
            "3 情報共有システムの構築",
            "4 包括的相談支援事業の実施",
            "5 地域づくり事業の実施",
            "6 多機関協働事業の実施",
            "8 参加支援事業の実施",
        ],
    )
    assert row("summary2", "b") == (1, ["7 アウトリーチ等事業の実施"])
    assert [read.value((f"summary2.{g}.count", None)) for g in ("c", "d", "total")] == [0, 0, 8]
    # the 頁 the seed's 評価総括表 lists (11, 12～13, …) are the report's page numbers, which
    # the sheets do not hold: that column stays empty
    assert not any(
        (read.value((f"{t}.{g}.pages", None)) or "").strip()
        for t in ("summary1", "summary2")
        for g in "abcd"
    )


def _fold(value: Any) -> Any:
    if value is None:
        return None
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def test_every_jigyo_is_the_examples(imported) -> None:
    """Every 事業 record, field by field, as examples/shinchoku-pdca-R5.yaml has it (spaces
    and line breaks aside), but for what the sheets do not hold, which stays empty."""
    example = load_document(ROOT / "examples" / "shinchoku-pdca-R5.yaml")
    for key in ("chiiki", "juso"):
        got, want = imported.document[key], example[key]
        assert len(got) == len(want), key
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            for field in sorted(set(g) | set(w)):
                if field in NOT_ON_THE_SHEET:
                    assert g.get(field) is None, (key, i, field)
                    continue
                assert _fold(g.get(field)) == _fold(w.get(field)), (key, i, field)
    first = imported.document["chiiki"][0]
    assert (first["large"], first["large_name"]) == (
        "(1)",
        "新しい包括的な相談支援・サービス提供システムの構築",
    )
    # 1 普及啓発's 中 rows: the code and its 事業 typed in one cell, split by `rest_to`
    chu = imported.document["juso"][0]
    assert (chu["chu"], chu["plan"], chu.get("sho")) == (
        "(1)",
        "重層的支援体制整備事業の広報を行います。",
        None,
    )


def test_what_the_sheets_lack_or_mark_is_said(imported) -> None:
    assert imported.ok
    missing = {i.field: i.reason for i in imported.of("missing") if i.field.count(".") == 1}
    for key in ("chiiki", "juso"):
        assert "列「達成状況」の見出しが市のシートにありません" in missing[f"{key}.achieved"]
        assert "列「掲載頁」の見出しが市のシートにありません" in missing[f"{key}.report_page"]
    # 5 (1)'s Check cell holds a slash (the grade stands on the 施策's row): read as empty
    (slash,) = [i for i in imported.of("skipped") if i.field == "juso.check"]
    assert (slash.sheet, slash.cell, slash.typed) == (JUSO, "I38", "/")
    assert "空欄の印" in slash.reason
    # the Plan heading over 大 | 中 | 小: the Plan column is the one its sub-headings leave;
    # a 中 row's 事業 comes from its 中 cell (`rest_to`), and the report says so
    plans = [i for i in imported.of("placed") if i.field == "juso.plan"]
    assert {i.cell[0] for i in plans if "rest_to" not in i.reason} == {"D"}
    assert [i.cell for i in plans if "rest_to" in i.reason] == ["B6", "B8", "B16", "B19"]


VARIATIONS = {
    "title rows, a margin column and a cover sheet": {
        "title_rows": 3,
        "margin": True,
        "cover": True,
    },
    "full-width headings": {"full_width_labels": True},
    "numbers typed as text": {"numbers_as_text": True},
    "all at once": {
        "title_rows": 2,
        "margin": True,
        "cover": True,
        "full_width_labels": True,
        "numbers_as_text": True,
    },
}


@pytest.mark.parametrize("variation", list(VARIATIONS), ids=list(VARIATIONS))
def test_variations_give_the_same_records(tmp_path: Path, layout, imported, variation) -> None:
    source = city_003(tmp_path / "city.xlsx", **VARIATIONS[variation])
    options = VARIATIONS[variation]
    if options.get("full_width_labels"):  # the first page's headings, typed full-width
        heading = openpyxl.load_workbook(source)[JUSO][3 + options.get("title_rows", 0)]
        assert "Ｄｏ　（実行）" in {c.value for c in heading}
    result = import_workbook(source, layout, R5)
    assert result.ok
    for key in ("chiiki", "juso"):
        assert result.document[key] == imported.document[key], key


def test_the_command_line(tmp_path: Path) -> None:
    source = city_003(tmp_path / "進捗管理_R5.xlsx")
    out = tmp_path / "進捗管理_R5_xlsxsheet.xlsx"
    result = CliRunner().invoke(
        main, ["import", str(source), "--layout", "shinchoku-pdca", "--year", "R5", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"Check (評価) '{JUSO}'!I38: 「/」は空欄の印です" in result.output
    assert (
        "－ なし chiiki 達成状況: 列「達成状況」の見出しが市のシートにありません" in result.output
    )
    assert CliRunner().invoke(main, ["check", str(out)]).exit_code == 0


def test_sheet_rows_are_the_repaired_lines() -> None:
    rows = seed_rows("003")
    first, last = SHEETS_003[JUSO]
    assert sheet_rows(JUSO) == [
        repair(rows[i], REPAIRS_003.get(i, []))[0] for i in range(first, last + 1)
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  blank_marks: 3\n", "blank_marks には空欄の印を文字列のリストで書いてください"),
        (
            "  tables:\n    juso:\n      columns:\n        chu: {pattern: '^(x)', rest_to: nope}\n",
            "rest_to の「nope」には表「juso」の列を、pattern と一緒に書いてください",
        ),
        (
            "  tables:\n    juso:\n      columns:\n        chu: {rest_to: plan}\n",
            "rest_to の「plan」には表「juso」の列を、pattern と一緒に書いてください",
        ),
    ],
)
def test_a_malformed_entry_is_a_layout_error(tmp_path: Path, entry: str, message: str) -> None:
    text = (ROOT / "templates" / "shinchoku-pdca.yaml").read_text(encoding="utf-8")
    start, end = text.index("\nimport:\n"), text.index("\n# Version 2")
    path = tmp_path / "shinchoku-pdca.yaml"
    path.write_text(text[:start] + "\nimport:\n" + entry + text[end:], encoding="utf-8")
    with pytest.raises(LayoutError) as raised:
        load_layout(path)
    assert message in str(raised.value)


def test_libreoffice_recalculates_the_summary(imported, soffice: str, tmp_path: Path) -> None:
    """The written workbook's 評価総括表 formulas, recalculated by LibreOffice, give the
    seed's 件数 too (the counts are formulas over the 施策 rows, not values written in)."""
    from xlsxsheet.external.libreoffice import recalculate
    from xlsxsheet.reading.return_reader import read_file

    document = read_file(recalculate(imported.output, tmp_path, soffice=soffice)).document()
    counts = {
        tally: [document[tally][g]["count"] for g in ("a", "b", "c", "d", "total")]
        for tally in ("summary1", "summary2")
    }
    assert counts == {"summary1": [4, 0, 1, 0, 5], "summary2": [7, 1, 0, 0, 8]}
    assert document["summary2"]["b"]["shisaku"] == "7 アウトリーチ等事業の実施"
