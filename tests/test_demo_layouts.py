"""`xlsxsheet demo` goes through every bundled layout, the records layouts included."""

from __future__ import annotations

from pathlib import Path

from xlsxsheet.demo import run_demo
from xlsxsheet.pipeline import check_file


def test_demo_covers_the_five_layouts(tmp_path: Path) -> None:
    lines = list(run_demo(tmp_path))
    titles = [line for line in lines if line.startswith("== ")]
    for title in (
        "施策マネジメントシート",
        "施策評価シート",
        "基本計画 基本施策",
        "進捗管理シート",
        "地域福祉計画 進捗管理表",
    ):
        assert any(title in line for line in titles), titles
    assert any("計画から作った「施策マネジメントシート」の様式" in line for line in lines)
    for fixed in tmp_path.rglob("*_修正版.xlsx"):
        left = [p.code for p in check_file(fixed).problems if p.severity == "error"]
        # a ● put in two of the columns that take one: which to keep is the department's call
        assert set(left) <= {"marks-exactly-one"}, (fixed.name, left)
