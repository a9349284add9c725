"""`xlsxsheet demo` goes through every bundled layout, the records layouts included."""

from __future__ import annotations

import re
from pathlib import Path

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.office.demo import run_demo


def test_demo_covers_the_six_layouts(tmp_path: Path) -> None:
    lines = list(run_demo(tmp_path))
    titles = [line for line in lines if line.startswith("== ")]
    for title in (
        "施策マネジメントシート",
        "施策評価シート",
        "基本計画 基本施策",
        "進捗管理シート",
        "地域福祉計画 進捗管理表",
        "事務事業評価シート",
    ):
        assert any(title in line for line in titles), titles
    assert any("計画から作った「施策マネジメントシート」の様式" in line for line in lines)
    for fixed in tmp_path.rglob("*_修正版.xlsx"):
        left = [p.code for p in check_file(fixed).problems if p.severity == "error"]
        # a ● put in two of the columns that take one: which to keep is the department's call
        assert set(left) <= {"marks-exactly-one"}, (fixed.name, left)


def test_every_damaged_copy_carries_mistakes_the_check_reports(tmp_path: Path) -> None:
    lines = [line for line in run_demo(tmp_path) if "誤りを入れた写し" in line]
    assert len(lines) == 6
    for line in lines:
        assert not line.endswith("()"), line  # every layout gets at least one mistake
    for damaged in tmp_path.rglob("*_誤りあり.xlsx"):
        codes = {p.code for p in check_file(damaged).problems}
        assert codes & {
            "value-normalized",
            "formula-overwritten",
            "judgement-mismatch",
            "total-mismatch",
            "marks-exactly-one",
            "code-order",
        }, (
            damaged.name,
            codes,
        )


def test_a_total_that_does_not_add_up_is_explained_in_the_sheets_words(tmp_path: Path) -> None:
    """The message says what the total sums by the names on the sheet, not by field ids."""
    list(run_demo(tmp_path))
    messages = [
        p.message
        for damaged in tmp_path.rglob("*_誤りあり.xlsx")
        for p in check_file(damaged).problems
        if p.code == "total-mismatch"
    ]
    assert messages
    for message in messages:
        assert not re.search(r"[a-z_]{4,}", message), message
