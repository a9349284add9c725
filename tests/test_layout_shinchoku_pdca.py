"""狛江市 進捗管理シート (layout shinchoku-pdca, seed 003): headings, the 施策 grade rule, the
評価総括表, 担当課 codes, the 委員会からの意見シート."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from libreoffice_support import pdf_pages_and_text
from openpyxl.utils import get_column_letter
from records_support import (
    example_workbook,
    formula_cells_agree,
    insert_rows_libreoffice,
    insert_rows_openpyxl,
)

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.cli import main
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

STEM = "shinchoku-pdca-R5"


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_workbook(STEM, tmp_path_factory.mktemp("pdca"))


def _summary(doc: dict[str, Any], key: str) -> dict[str, Any]:
    rows = doc[key]
    return {
        grade: (rows[grade]["count"], rows[grade]["pages"], rows[grade]["shisaku"])
        for grade in ("a", "b", "c", "d")
    } | {"total": rows["total"]["count"]}


def test_summary_of_the_community_welfare_plan(filled: Path) -> None:
    """SHEETS.md, 003: 地域福祉計画 A 4 (1-(1), 1-(2)-①, 1-(2)-③, 2-(3)), B 0, C 1 (3-(1)), D 0, 合計 5
    — with the 頁 of the seed's 評価総括表."""
    assert _summary(read_file(filled).document(), "summary1") == {
        "a": (4, "11\n12～13\n14～15\n16", "1－(1)\n1－(2)－①\n1－(2)－③\n2－(3)"),
        "b": (0, "", ""),
        "c": (1, "17", "3－(1)"),
        "d": (0, "", ""),
        "total": 5,
    }


def test_summary_of_the_multi_layered_support_plan(filled: Path) -> None:
    """SHEETS.md, 003: 重層的支援体制整備事業実施計画 A 7, B 1 (7 アウトリーチ等事業の実施), 合計 8."""
    summary = _summary(read_file(filled).document(), "summary2")
    assert summary["a"][0] == 7 and summary["b"][0] == 1 and summary["total"] == 8
    assert summary["b"][1:] == ("29", "7 アウトリーチ等事業の実施")
    assert summary["a"][2].split("\n") == [
        "1 普及啓発",
        "2 相談支援包括化推進体制の構築",
        "3 情報共有システムの構築",
        "4 包括的相談支援事業の実施",
        "5 地域づくり事業の実施",
        "6 多機関協働事業の実施",
        "8 参加支援事業の実施",
    ]
    assert summary["c"][0] == summary["d"][0] == 0


def test_heading_rows_and_as_above_cells_read_back_as_records(filled: Path) -> None:
    doc = read_file(filled).document()
    rows = [r for r in doc["chiiki"] if r["goal"] == "2"]
    assert len(rows) == 3  # 2-(3)-① a: three Do / Act rows under one 事業
    assert {r["jigyo"] for r in rows} == {"a"} and {r["dept"] for r in rows} == {"地 福"}
    assert rows[0]["large_name"] == "市民主体による地域生活課題の解決力強化の支援"
    assert [r["check"] for r in doc["chiiki"] if r["small"] == "①" and r["large"] == "(2)"] == [
        "A",
        "A(再掲)",
    ]
    juso = doc["juso"]
    item_a = next(r for r in juso if r["dai"] == "1" and r["sho"] == "ア")
    assert item_a["chu"] == "(1)" and item_a["dai_name"] == "普及啓発"
    opinions = doc["opinions2"]
    assert [o["chu"] for o in opinions if o["dai"] == "1"] == ["(1)", "(1)"]


def test_read_template_read_is_the_identity(filled: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["read", str(filled), "-o", str(tmp_path / "a.json")])
    assert first.exit_code == 0, first.output
    out = tmp_path / "b.xlsx"
    again = runner.invoke(
        main, ["template", "shinchoku-pdca", "--data", str(tmp_path / "a.json"), "-o", str(out)]
    )
    assert again.exit_code == 0, again.output
    assert read_file(out).document() == json.loads((tmp_path / "a.json").read_text())


def test_example_grades_agree_with_the_rule_where_it_can_say(filled: Path) -> None:
    checked = check_file(filled)
    assert not [p for p in checked.problems if p.severity != "info"], checked.problems
    incomplete = [p for p in checked.problems if p.code == "grade-rule-incomplete"]
    assert len(incomplete) == 8  # 3-(1); 重層 1, 4 (×2 headings), 5 (×3), 7 — see the example
    assert not checked.changes


def _one_shisaku(
    grade: str, achieved: list[str | None], again: str | None = None
) -> dict[str, Any]:
    """A document with one 施策 whose 事業 met (or not) their targets."""
    heading = {
        "goal": "1",
        "goal_name": "目標",
        "large": "(1)",
        "large_name": "施策",
        "small": "①",
        "small_name": "小施策",
        "check": grade,
        "report_page": "3",
    }
    rows = [
        heading | {"jigyo": chr(ord("a") + i), "plan": f"事業{i}", "dept": "福", "achieved": a}
        for i, a in enumerate(achieved)
    ]
    if again is not None:
        rows[-1] = rows[-1] | {"check": again, "report_page": "4"}
    return {"layout": "shinchoku-pdca", "year": "R5", "chiiki": rows}


@pytest.mark.parametrize(
    ("achieved", "expected"),
    [
        (["達成", "未達成", "未達成", "達成"], "B"),  # the seed's worked example: 2/4 = 50 % → B
        (["達成", "達成", "達成", "未達成"], "A"),  # 75 %
        (["達成", "達成", "未達成", "未達成", "未達成"], "B"),  # 40 %
        (["達成", "未達成", "未達成", "未達成"], "C"),  # 25 %
        (["達成", "未達成", "未達成", "未達成", "未達成", "未達成"], "D"),  # 16.7 %
        (["未達成"], "D"),
    ],
)
def test_shisaku_grade_follows_the_stated_rule_and_is_corrected(
    achieved: list[str], expected: str, tmp_path: Path
) -> None:
    wrong = "D" if expected != "D" else "A"
    path = tmp_path / "one.xlsx"
    make_template(
        default_registry().get("shinchoku-pdca"), path, None, _one_shisaku(wrong, achieved)
    )
    checked = check_file(path)
    mismatch = [p for p in checked.problems if p.code == "grade-rule-mismatch"]
    assert [p.expected for p in mismatch] == [expected]
    fixed = write_fixed(checked, tmp_path / "fixed.xlsx")
    after = read_file(fixed).document()
    assert {r["check"] for r in after["chiiki"]} == {expected}
    assert after["summary1"][expected.lower()]["count"] == 1


def test_a_repeated_heading_carries_the_grade_with_saikei(tmp_path: Path) -> None:
    path = tmp_path / "again.xlsx"
    doc = _one_shisaku("A", ["達成", "達成"], again="A")  # the 再掲 heading lost its "(再掲)"
    make_template(default_registry().get("shinchoku-pdca"), path, None, doc)
    checked = check_file(path)
    assert [p.expected for p in checked.problems if p.code == "grade-rule-mismatch"] == ["A(再掲)"]
    assert read_file(path).document()["summary1"]["a"]["count"] == 2  # until fixed
    fixed = write_fixed(checked, tmp_path / "fixed.xlsx")
    assert read_file(fixed).document()["summary1"]["a"]["count"] == 1


def test_department_codes_are_checked_against_the_code_table(filled: Path, tmp_path: Path) -> None:
    result = read_file(filled)
    table = result.plan.records["chiiki"]
    book = openpyxl.load_workbook(filled)
    cells = []
    for slots in table.units:
        slot = slots[("dept", None)]
        value = result.inputs.get(slot.key)
        if value in ("地 福", "福"):
            cells.append(book[slot.sheet].cell(row=slot.row + 1, column=slot.col + 1))
    cells[0].value = "福 X"  # 1-(1)-① a: X is no code
    two = next(c for c in cells if c.value == "地 福")
    two.value = "福 地"  # 2-(3)-① a: out of the organisation order
    book.save(tmp_path / "codes.xlsx")
    checked = check_file(tmp_path / "codes.xlsx")
    assert [(p.code, p.cell) for p in checked.problems if p.code.startswith("code-")] == [
        ("code-unknown", cells[0].coordinate),
        ("code-order", two.coordinate),
    ]
    assert [(c.cell, c.new) for c in checked.changes] == [(two.coordinate, "地 福")]


def _new_jigyo(table: Any, row: int) -> dict[str, str]:
    col = {k: get_column_letter(v + 1) for k, v in table.col_of.items()}
    return {
        f"{col['jigyo']}{row}": "c",
        f"{col['plan']}{row}": "避難行動要支援者名簿の更新",
        f"{col['dept']}{row}": "福",
        f"{col['do']}{row}": "名簿を更新した。",
        f"{col['achieved']}{row}": "達成",
    }


def _expect_new_jigyo(path: Path) -> None:
    checked = check_file(path)
    doc = checked.read.document() if checked.read else {}
    last = doc["chiiki"][-1]
    assert (last["goal"], last["large"], last["small"], last["jigyo"]) == ("3", "(1)", "①", "c")
    assert last["plan"] == "避難行動要支援者名簿の更新"
    assert not [p for p in checked.problems if p.severity == "error"], checked.problems


def test_rows_inserted_with_openpyxl_are_read(filled: Path, tmp_path: Path) -> None:
    table = read_file(filled).plan.records["chiiki"]
    row = table.last_row + 1 - table.block.spare + 1  # before the spare rows (1-based)
    out = insert_rows_openpyxl(
        filled, tmp_path / "ins.xlsx", table.sheet, row, 1, _new_jigyo(table, row)
    )
    _expect_new_jigyo(out)


@pytest.mark.libreoffice
def test_rows_inserted_in_libreoffice_are_read(filled: Path, tmp_path: Path, soffice: str) -> None:
    table = read_file(filled).plan.records["chiiki"]
    row = table.last_row + 1 - table.block.spare + 1
    out = insert_rows_libreoffice(
        soffice,
        tmp_path / "profile",
        filled,
        tmp_path / "lo.xlsx",
        table.sheet,
        row,
        1,
        _new_jigyo(table, row),
    )
    _expect_new_jigyo(out)


@pytest.mark.libreoffice
def test_libreoffice_recalculates_to_xlsxsheets_values(
    filled: Path, tmp_path: Path, soffice: str
) -> None:
    assert formula_cells_agree(filled, soffice, tmp_path) == []


@pytest.mark.libreoffice
def test_renders_to_pdf_pages(filled: Path, tmp_path: Path, soffice: str) -> None:
    pages, text = pdf_pages_and_text(filled, soffice, tmp_path)
    assert 5 <= pages <= 14
    for words in ("評価総括表", "地域福祉計画 進捗管理シート", "A(再掲)", "委員会からの意見"):
        assert words in text
