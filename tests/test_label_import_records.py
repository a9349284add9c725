"""`xlsxsheet import` of a records table: seed 004 (新潟市 進捗管理表) laid out as the city's
sheet — 施策 ①–⑤ each with its title and headings, repeated page by page, three rows per 指標 —
is read by its labels and reproduces the seed's R6 counts per 施策."""

from __future__ import annotations

import copy
import re
import unicodedata
from pathlib import Path

import pytest
from seed_workbooks import SEEDS, rows_004, seed_lines, write_rows

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.data_files import load_document
from xlsxsheet.label_import.importer import import_workbook, write_import
from xlsxsheet.layout.registry import default_registry

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds (../shared/seeds) are absent")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shinchoku-shihyo-R6.yaml"
R6 = 2024
# SHEETS.md: R6 counts A B C - 計 per 施策, and the total
COUNTS_R6 = {
    "s1": (3, 2, 3, 0, 8),
    "s2": (3, 1, 0, 0, 4),
    "s3": (0, 2, 0, 2, 4),
    "s4": (0, 2, 2, 1, 5),
    "s5": (1, 0, 1, 0, 2),
    "total": (7, 7, 6, 3, 23),
}
# names the extraction lost, which the example document writes in brackets
LOST = re.compile(r"^\(.*欠落\)$")


@pytest.fixture(scope="module")
def layout():
    return default_registry().get("shinchoku-shihyo")


@pytest.fixture(scope="module")
def document():
    return load_document(EXAMPLE)


def counts(path: Path) -> dict[str, tuple]:
    read = check_file(path).read
    return {
        key: tuple(read.value((f"summary.{key}.{c}", None)) for c in ("a", "b", "c", "v4", "total"))
        for key in COUNTS_R6
    }


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_the_city_sheet_holds_the_seeds_text(document) -> None:
    """Every text and number of the rebuilt sheet is in the seed's text (but the names the
    extraction lost); the rows are laid out as the seed's pages are."""
    seed = _fold("\n".join(seed_lines("004")))
    for row in rows_004(document):
        for value in row:
            if value in ("", None) or (isinstance(value, str) and LOST.match(value)):
                continue
            if isinstance(value, int | float):
                assert f"{value:,}" in seed or str(value) in seed, value
            else:
                for line in str(value).split("\n"):
                    assert _fold(line) in seed, line


def test_r6_counts_per_shisaku(tmp_path: Path, layout, document) -> None:
    source = write_rows(rows_004(document), tmp_path / "進捗管理表_R6.xlsx")
    result = import_workbook(source, layout, R6)
    write_import(result, tmp_path / "out.xlsx", layout)
    assert counts(result.output) == COUNTS_R6
    assert len(result.document["torikumi"]["s1"]) == len(document["torikumi"]["s1"])
    read = check_file(result.output).read
    assert read.value(("summary.sentence", None)).startswith(
        "◆ 計23指標のうち、60.9%にあたる14指標が"
    )


def test_the_records_are_the_example_documents(tmp_path: Path, layout, document) -> None:
    source = write_rows(rows_004(document), tmp_path / "city.xlsx")
    result = import_workbook(source, layout, R6)
    for key in ("s1", "s2", "s3", "s4", "s5"):
        got, expected = result.document["torikumi"][key], filled_down(document["torikumi"][key])
        assert len(got) == len(expected), key
        for g, e in zip(got, expected, strict=True):
            for cid in ("num", "content", "dept", "indicator"):
                assert g.get(cid) == e.get(cid), (key, cid)
            for grid in ("target", "actual", "grade"):
                want = {str(2018 + int(y[1:])): v for y, v in (e.get(grid) or {}).items()}
                assert (g.get(grid) or {}) == want, (key, grid, e.get("indicator"))


def filled_down(records: list[dict]) -> list[dict]:
    """The records as the sheet shows them and the reader reads a table (records.parse): in a
    record after another, its blank 取組 cells are "as above" up to the first one it fills."""
    columns = ("num", "content", "outline", "dept", "status", "issues")
    out: list[dict] = []
    for record in records:
        record = dict(record)
        if out:
            for cid in columns:
                if record.get(cid) not in (None, ""):
                    break
                record[cid] = out[-1].get(cid)
        out.append(record)
    return out


@pytest.mark.parametrize("page_rows", [9, 6], ids=["pages of 9 rows", "pages of 6 rows"])
def test_shorter_pages_give_the_same_records(
    tmp_path: Path, layout, document, page_rows: int
) -> None:
    """Pages that break inside a 取組: the next page repeats the legend, the title and the
    headings but not the 取組's cells, which go on from the page before. The seed's own pages
    (tests/test_label_import_niigata.py, with the variations of a hand-made sheet) always
    break between 取組 and type the No. again, so only this laid-out sheet tests it."""
    plain = import_workbook(write_rows(rows_004(document), tmp_path / "a.xlsx"), layout, R6)
    rows = rows_004(document, page_rows)
    assert any(  # a page whose first 指標 has no No.: it continues the 取組 above
        row[:1] == ["No."] and rows[i + 1][0] == "" for i, row in enumerate(rows[:-1])
    )
    varied = write_rows(rows, tmp_path / "b.xlsx")
    result = import_workbook(varied, layout, R6)
    assert result.document["torikumi"] == plain.document["torikumi"]


def test_the_two_rows_the_text_lost(tmp_path: Path, layout, document) -> None:
    """The seed's text lost the 実績 and 評価 rows of 施策① No.1's second 指標 (graded A in R6):
    imported as the text has it, that 指標 has no 評価, the import says so, and 施策① counts
    one A fewer — 2 2 3 0 7, the total 6 7 6 3 22 — instead of the seed's 3 2 3 0 8."""
    lost = copy.deepcopy(document)
    rows = rows_004(lost)
    second = next(
        i
        for i, row in enumerate(rows)
        if len(row) > 4 and isinstance(row[4], str) and LOST.match(row[4])
    )
    assert rows[second + 1][5] == "実績" and rows[second + 2][5] == "評価"
    del rows[second + 1 : second + 3]
    source = write_rows(rows, tmp_path / "lost.xlsx")
    result = import_workbook(source, layout, R6)
    write_import(result, tmp_path / "out.xlsx", layout)
    got = counts(result.output)
    assert got["s1"] == (2, 2, 3, 0, 7)
    assert got["total"] == (6, 7, 6, 3, 22)
    missing = [i for i in result.of("missing") if i.field == "torikumi.s1.grade"]
    assert [i.label for i in missing] == ["施策① 地域福祉に関する事業の推進 2件目 評価"]
    assert "「評価」の行がありません" in missing[0].reason


# --- seed 001 (調布市 施策評価シート): the 事務事業 table and its 計 row ---------------------

KEI_001 = {  # SHEETS.md: 計 and 割合(%) per column of the 事務事業 table
    "ahead": (0, 0.0),
    "on_plan": (2, 100.0),
    "behind": (0, 0.0),
    "effect": (2, 100.0),
    "efficiency": (0, 0.0),
    "finance": (0, 0.0),
    "participation": (2, 100.0),
    "no_room": (0, 0.0),
}


def test_chofu_repair_only_restores_an_empty_cell() -> None:
    from seed_workbooks import _repair_001

    ((index, cells),) = _repair_001().items()
    seed = seed_lines("001")[index].split("\t")
    assert [c for c in cells if c] == [c for c in seed if c]
    assert len(cells) == len(seed)


def test_chofu_kei_row(tmp_path: Path) -> None:
    from seed_workbooks import city_001

    layout = default_registry().get("shisaku-hyoka")
    result = import_workbook(city_001(tmp_path / "施策07_R1.xlsx"), layout, 2019)
    write_import(result, tmp_path / "out.xlsx", layout)
    read = check_file(result.output).read
    got = {
        cid: (read.value((f"jigyo_count.{cid}", None)), read.value((f"jigyo_share.{cid}", None)))
        for cid in KEI_001
    }
    assert got == KEI_001
    jigyo = result.document["jigyo"]
    assert [(r["num"], r["dept"], r["cost"]) for r in jigyo] == [
        (1, "福祉総務課", 53557),
        (2, "障害福祉課", 18614),
    ]
    # the city's own 計 and 割合 rows are said, not read as 事務事業
    skipped = [i.label for i in result.of("skipped")]
    assert skipped == ["jigyo 計", "jigyo 割合(%)"]
