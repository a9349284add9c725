"""The records engine: records ↔ body rows, spare rows, empty templates of every layout."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from records_support import formula_cells_agree

from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan.record_rows import parse, render
from xlsxsheet.writing.make_template import make_template

PDCA = default_registry().get("shinchoku-pdca")
SHIHYO = default_registry().get("shinchoku-shihyo")
LAYOUTS = ["shisaku-hyoka", "shinchoku-shihyo", "shinchoku-pdca", "kihon-keikaku"]


def _block(layout: Any, block_id: str) -> Any:
    return next(b for s in layout.sheets for b in s.blocks if getattr(b, "id", None) == block_id)


def _as_units(rows: list[Any]) -> list[dict[tuple[str, int | None], Any]]:
    """What the cells of rendered rows hold when read back (as-above cells are empty)."""
    return [dict(row.values) for row in rows]


_code = st.sampled_from(["1", "2", "(1)", "(2)", "①", "②"])
_text = st.sampled_from(["計画", "研修", "相談", "周知", "支援"])
_maybe = st.none() | _text


@st.composite
def pdca_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Records of the 地域福祉計画 table: headings repeat over runs of 事業."""
    records = []
    for _ in range(draw(st.integers(0, 6))):
        goal, large, small = draw(_code), draw(_code), draw(_code)
        check = draw(st.sampled_from(["A", "B", "A(再掲)", None]))
        heading = {
            "goal": goal,
            "goal_name": draw(_text),
            "large": large,
            "large_name": draw(_text),
            "small": small,
            "small_name": draw(_text),
            "check": check,
            "report_page": draw(st.none() | st.sampled_from(["11", "12～13"])),
        }
        for _ in range(draw(st.integers(1, 3))):
            # a record has something of its own: a 事業 is never only its headings
            records.append(
                heading
                | {
                    "jigyo": draw(st.sampled_from(["a", "b"])),
                    "plan": draw(_maybe),
                    "dept": draw(st.none() | st.sampled_from(["福", "地 福"])),
                    "pages": draw(_maybe),
                    "indicator": draw(_maybe),
                    "do": draw(_maybe),
                    "achieved": draw(st.none() | st.sampled_from(["達成", "未達成"])),
                    "act": draw(_maybe),
                }
            )
    return records


def _full(block: Any, record: dict[str, Any]) -> dict[str, Any]:
    from xlsxsheet.plan.record_rows import record_keys

    return {key: record.get(key) for key in record_keys(block)}


@settings(max_examples=150, deadline=None)
@given(pdca_records())
def test_headings_and_as_above_cells_read_back_as_written(records: list[dict[str, Any]]) -> None:
    block = _block(PDCA, "chiiki")
    parsed = [r.values for r in parse(block, _as_units(render(block, records)))]
    assert parsed == [_full(block, r) for r in records]


@st.composite
def shihyo_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Records of one 施策 table: 指標 of 取組 that repeat their No., 取組内容 … texts."""
    records = []
    for num in range(1, draw(st.integers(0, 4)) + 1):
        torikumi = {
            "num": num,
            "content": draw(_text),
            "outline": draw(_text),
            "dept": draw(st.sampled_from(["福祉総務課", "契約課"])),
            "status": draw(_text),
            "issues": draw(_text),
        }
        for _ in range(draw(st.integers(1, 3))):
            grade = draw(st.none() | st.sampled_from(["A", "B", "-"]))
            records.append(
                torikumi
                | {
                    "indicator": draw(st.sampled_from(["指標", "-"])),
                    "target": {"2024": draw(st.none() | st.integers(1, 99))},
                    "actual": {"2024": draw(st.none() | st.integers(1, 99))},
                    "grade": {"2024": grade},
                }
            )
    return records


@settings(max_examples=150, deadline=None)
@given(shihyo_records())
def test_fill_down_columns_read_back_as_written(records: list[dict[str, Any]]) -> None:
    block = _block(SHIHYO, "torikumi")
    parsed = [r.values for r in parse(block, _as_units(render(block, records)))]
    want = []
    for record in records:
        full = _full(block, record)
        for grid in ("target", "actual", "grade"):
            full[grid] = {k: v for k, v in record[grid].items()}
        want.append(full)
    got = [
        r
        | {g: {k: v for k, v in r[g].items() if k == "2024"} for g in ("target", "actual", "grade")}
        for r in parsed
    ]
    assert got == want


def test_template_has_the_records_and_spare_rows(tmp_path: Path) -> None:
    layout = default_registry().get("shisaku-hyoka")
    block = _block(layout, "jigyo")
    doc = {
        "layout": "shisaku-hyoka",
        "jigyo": [{"num": i, "name": f"事業{i}"} for i in range(1, 8)],
    }
    plan = make_template(layout, tmp_path / "seven.xlsx", None, doc)
    table = plan.records["jigyo"]
    assert len(table.units) == 7 + block.spare
    book = openpyxl.load_workbook(tmp_path / "seven.xlsx")
    body = book.defined_names["xs_jigyo_rows"].attr_text.split("!")[1].replace("$", "")
    first, last = body.split(":")
    assert int(last[1:]) - int(first[1:]) + 1 == 7 + block.spare
    empty = make_template(layout, tmp_path / "empty.xlsx", None, None)
    assert len(empty.records["jigyo"].units) == block.spare


@pytest.mark.libreoffice
@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_empty_templates_open_and_recalculate_in_libreoffice(
    layout_id: str, tmp_path: Path, soffice: str
) -> None:
    path = tmp_path / f"{layout_id}.xlsx"
    make_template(default_registry().get(layout_id), path, None, None)
    assert formula_cells_agree(path, soffice, tmp_path) == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    tables = [name for name in book.defined_names if name.endswith("_rows")]
    assert bool(tables) == (layout_id != "kihon-keikaku")  # its tables have fixed rows


def test_a_table_without_its_name_is_read_at_the_template_place_and_reported(
    tmp_path: Path,
) -> None:
    from records_support import example_workbook

    from xlsxsheet.checks.pipeline import check_file
    from xlsxsheet.reading.return_reader import read_file

    filled = example_workbook("shisaku-hyoka-R1", tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(filled)
    del book.defined_names["xs_jigyo_rows"]
    book.save(tmp_path / "unnamed.xlsx")
    checked = check_file(tmp_path / "unnamed.xlsx")
    (problem,) = [p for p in checked.problems if p.code == "records-name-missing"]
    assert "xs_jigyo_rows" in problem.message and problem.sheet == "事務事業評価"
    names = [r["name"] for r in read_file(tmp_path / "unnamed.xlsx").document()["jigyo"]]
    assert names == ["地域福祉コーディネーター事業の推進", "福祉人材育成事業の推進"]
