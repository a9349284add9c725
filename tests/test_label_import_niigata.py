"""`xlsxsheet import` of 新潟's 進捗管理表 (seed 004) rebuilt line by line from the seed's text
(one text line a row, one tab a cell), the extraction's damage repaired by the explicit list
`REPAIRS_004` (tests/seed_workbook_004.py): the R6 counts per 施策 and every 指標's years."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from seed_workbook_004 import DROPPED_004, REPAIRS_004, city_004, repair
from seed_workbooks import SEEDS, non_empty, seed_rows

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.fiscal_year import parse_fiscal_year
from xlsxsheet.label_import.importer import import_workbook, write_import
from xlsxsheet.label_import.label_text import year_forms
from xlsxsheet.layout.registry import default_registry

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds (../shared/seeds) are absent")

ROOT = Path(__file__).resolve().parents[1]
R6 = 2024
KEYS = ("s1", "s2", "s3", "s4", "s5", "total")
# SHEETS.md's R6 counts (A B C - 計), and what the seed's text itself holds where it lost cells:
# - 施策① No.1's second 指標 lost its 実績 and 評価 rows: its R6 A is not there (3 → 2 A);
# - 施策③ No.3's two 実施なし 指標 have no R6 評価 in the text (the seed's 集計 counts them `-`);
# - 施策④ No.6 (少年を除く刑法犯再犯者率) has no R6 実績 nor 評価 (the 集計 counts it `-`).
SHEETS_R6 = {
    "s1": (3, 2, 3, 0, 8),
    "s2": (3, 1, 0, 0, 4),
    "s3": (0, 2, 0, 2, 4),
    "s4": (0, 2, 2, 1, 5),
    "s5": (1, 0, 1, 0, 2),
    "total": (7, 7, 6, 3, 23),
}
TEXT_R6 = {
    "s1": (2, 2, 3, 0, 7),
    "s2": (3, 1, 0, 0, 4),
    "s3": (0, 2, 0, 0, 2),
    "s4": (0, 2, 2, 0, 4),
    "s5": (1, 0, 1, 0, 2),
    "total": (6, 7, 6, 0, 19),
}
# the example's grid values the text does not hold (the rows and R6 評価 above): (施策, index)
LOST = {("s1", 1): "grade", ("s3", 2): "grade", ("s3", 3): "grade", ("s4", 13): "grade"}
# 施策⑤ No.3's 指標 cell is empty in the text (the example writes `-`)
EMPTY_INDICATOR = {("s5", 2)}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Any:
    layout = default_registry().get("shinchoku-shihyo")
    folder = tmp_path_factory.mktemp("import004")
    result = import_workbook(city_004(folder / "進捗管理表_R6.xlsx"), layout, R6)
    write_import(result, folder / "out.xlsx", layout)
    return result


def test_the_repairs_only_move_cells() -> None:
    """A repair keeps every text of its line (but the listed drops and the merged `-` the
    extraction repeated on the rows it covers)."""
    rows = seed_rows("004")
    for index, ops in REPAIRS_004.items():
        fixed, merged = repair(rows[index], ops)
        kept = [c for i, c in enumerate(fixed) if i not in merged]
        dropped = [c for i, c in enumerate(fixed) if i in merged]
        assert all(c == "-" for c in dropped), index
        want = non_empty(rows[index])
        for text in [*DROPPED_004.get(index, []), *dropped]:
            want.remove(text)
        assert non_empty(kept) == want, index


def test_r6_counts_per_shisaku(imported) -> None:
    read = check_file(imported.output).read
    got = {
        k: tuple(read.value((f"summary.{k}.{c}", None)) for c in ("a", "b", "c", "v4", "total"))
        for k in KEYS
    }
    assert got == TEXT_R6
    differs = {k for k in KEYS if TEXT_R6[k] != SHEETS_R6[k]}
    assert differs == {"s1", "s3", "s4", "total"}  # only where the text lost cells


def _years(values: dict | None) -> dict[int, str]:
    out = {}
    for year, value in (values or {}).items():
        if value in (None, ""):
            continue
        text = str(value).replace(",", "")
        out[year if isinstance(year, int) else parse_fiscal_year(str(year))] = (
            str(float(text)) if re.fullmatch(r"-?\d+(\.\d+)?", text) else text
        )
    return out


def _fold(text: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def test_every_indicators_years_equal_the_example(imported) -> None:
    """目標 / 実績 / 評価 of every 指標, year by year, as examples/shinchoku-shihyo-R6.yaml has
    them (which adds what the text lost, `LOST`); the records per 施策 and their 指標 names."""
    example = load_document(ROOT / "examples" / "shinchoku-shihyo-R6.yaml")["torikumi"]
    for key in ("s1", "s2", "s3", "s4", "s5"):
        got, want = imported.document["torikumi"][key], example[key]
        assert len(got) == len(want), key
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            for grid in ("target", "actual", "grade"):
                if LOST.get((key, i)) == grid:
                    assert _years(g.get(grid)) != _years(w.get(grid))
                    continue
                assert _years(g.get(grid)) == _years(w.get(grid)), (key, i, grid)
            if (key, i) in EMPTY_INDICATOR:
                assert g.get("indicator") is None and w.get("indicator") == "-"
            elif not str(w.get("indicator")).endswith("欠落)"):
                assert _fold(g.get("indicator")) == _fold(w.get("indicator")), (key, i)


VARIATIONS = {
    "title rows and a margin column": {"title_rows": 3, "margin": True},
    "a cover sheet first": {"cover": True},
    "full-width labels": {"full_width_labels": True},
    "Reiwa year headings": {"era_headings": True},
    "numbers typed as text": {"numbers_as_text": True},
    "merged label cells": {"merge_labels": True},
    "all at once": {
        "title_rows": 2,
        "margin": True,
        "cover": True,
        "full_width_labels": True,
        "era_headings": True,
        "numbers_as_text": True,
        "merge_labels": True,
    },
}


@pytest.mark.parametrize("variation", list(VARIATIONS), ids=list(VARIATIONS))
def test_variations_import_to_the_same_document(tmp_path: Path, imported, variation: str) -> None:
    """The seed's lines with a variation import to the same 取組 records, place as many
    values, and count the same R6 grades per 施策 in the written workbook."""
    layout = default_registry().get("shinchoku-shihyo")
    options = VARIATIONS[variation]
    source = city_004(tmp_path / "進捗管理表_R6.xlsx", **options)
    assert shows(source, options) == {k for k, v in options.items() if v}
    result = import_workbook(source, layout, R6)
    assert result.document["torikumi"] == imported.document["torikumi"]
    assert len(result.of("placed")) == len(imported.of("placed"))
    assert by_position(result) == by_position(imported)  # every heading found as in the plain
    write_import(result, tmp_path / "out.xlsx", layout)
    read = check_file(result.output).read
    got = {
        k: tuple(read.value((f"summary.{k}.{c}", None)) for c in ("a", "b", "c", "v4", "total"))
        for k in KEYS
    }
    assert got == TEXT_R6


def by_position(result: Any) -> int:
    """How many values were read by their column's place, not its heading."""
    return sum(1 for i in result.of("placed") if i.reason.startswith("見出しのない列"))


def test_a_heading_with_its_year_in_reiwa_is_found_by_it(tmp_path: Path) -> None:
    """`令和6年度の取組状況` is the template's `R6の取組状況` with its year written in 令和:
    the column is found by its heading (not by its place beside 指標)."""
    layout = default_registry().get("shinchoku-shihyo")
    result = import_workbook(city_004(tmp_path / "city.xlsx", era_headings=True), layout, R6)
    status = [i for i in result.of("placed") if i.field == "torikumi.s1.status"]
    assert status and all(i.cell.startswith("N") for i in status)
    assert {i.reason for i in status} == {"表の見出し一致"}


@pytest.mark.parametrize(
    ("label", "forms"),
    [
        ("R6の取組状況", ["令和6年度の取組状況", "R6年度の取組状況"]),
        ("令和６年度の取組状況", ["R6の取組状況", "R6年度の取組状況"]),
        (
            "R1年度の実績",
            [
                "R1の実績",
                "令和元年度の実績",
                "令和1年度の実績",
                "平成31年度の実績",
                "H31の実績",
                "H31年度の実績",
            ],
        ),
        ("R6", []),  # a year heading alone: read as a year (header_year), not a label
        ("取組状況", []),
        ("Rの取組状況", []),
    ],
    ids=[
        "short",
        "long, full-width",
        "令和元年 and 平成31年",
        "a year alone",
        "no year",
        "no number",
    ],
)
def test_the_forms_of_a_label_beginning_with_a_year(label: str, forms: list[str]) -> None:
    assert year_forms(label) == forms


def shows(source: Path, options: dict[str, Any]) -> set[str]:
    """The variations the workbook shows, seen in its cells (the first heading row, the
    first 取組's cells), so that a variation the builder ignored fails the test."""
    book = openpyxl.load_workbook(source)
    sheet = book["進捗管理表"]
    top, left = options.get("title_rows", 0), int(options.get("margin", False))
    heading = [c.value for c in sheet[top + 7]][left:]
    first = sheet.cell(top + 8, left + 1)
    checks = {
        "title_rows": sheet.cell(1, left + 1).value
        == "新潟市地域福祉計画 進捗管理表(市作成の様式)",
        "margin": sheet.column_dimensions["A"].width == 1.5 and sheet["A7"].value is None,
        "cover": book.sheetnames == ["表紙", "進捗管理表"],
        "full_width_labels": heading[0] == "Ｎｏ．"
        and sheet.cell(top + 8, left + 6).value == "目\u3000標",
        "era_headings": "令和2年度" in heading
        or "令和２年度" in heading,  # full-width too, with `full_width_labels`
        "numbers_as_text": first.value == "1",
        # No. 1 merged over its four rows, `指標` over the grid label's column
        "merge_labels": first.coordinate in _merged(sheet, 4)
        and heading[4] == "指標"
        and sheet.cell(top + 7, left + 5).coordinate in _merged(sheet, 1, 2),
    }
    return {k for k, ok in checks.items() if ok}


def _merged(sheet: Any, rows: int, cols: int = 1) -> set[str]:
    """The top-left cells of the merged ranges `rows` high and `cols` wide."""
    return {
        g.start_cell.coordinate
        for g in sheet.merged_cells.ranges
        if (g.max_row - g.min_row + 1, g.max_col - g.min_col + 1) == (rows, cols)
    }
