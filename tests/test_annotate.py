"""The marked copy for a department: marks problems, keeps values, never stops a batch."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pytest
from returns_factory import ShisakuManagement

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.copies.marked import can_annotate, try_write_annotated, write_annotated
from xlsxsheet.core.errors import UsageError
from xlsxsheet.core.problems import Problem


def test_marks_each_problem_cell_once_with_every_message(tmp_path: Path) -> None:
    sm = ShisakuManagement(random.Random(4))
    doc, made = sm.document(4, "福祉総務課", "4")
    path = tmp_path / "施策4.xlsx"
    sm.write(doc, path)
    book = openpyxl.load_workbook(path)
    sm.overwrite_total(book, made)  # an error
    book.save(path)
    checked = check_file(path)
    total = next(p for p in checked.problems if p.code == "total-mismatch")
    slip = Problem(
        "unit-slip", "単位の誤りの可能性があります。", sheet=total.sheet, cell=total.cell
    )
    problems = [*checked.problems, slip]  # and a warning on the same cell
    out = write_annotated(path, problems, tmp_path / "out" / "施策4_点検結果.xlsx")
    marked = openpyxl.load_workbook(out)
    sheet, ref = next(iter(marked.defined_names["xs_perf_cost_total_a_y2020"].destinations))
    cell = marked[sheet][ref.replace("$", "")]
    assert cell.value == 123_456  # marked, not corrected
    assert cell.comment.text.count("[エラー]") == 1 and cell.comment.text.count("[警告]") == 1
    rows = list(marked["点検結果"].iter_rows(min_row=2, values_only=True))
    shown = [p for p in problems if p.severity in ("error", "warning")]
    assert len(rows) == len(shown)
    # the place stands in its own columns (シート, セル, 項目), not again before each message
    placed = [p for p in shown if p.message.startswith(f"'{p.sheet}'!{p.cell}")]
    assert placed and not any(str(r[5]).startswith("'") for r in rows)
    # 入力値 / 期待値 as the message quotes them (123,456), as text the copy never computes
    row = next(r for r in rows if r[3] == total.cell and r[1] == "エラー")
    assert row[6] == "123,456" and row[7] == f"{total.expected:,}"  # text: never computed
    with pytest.raises(UsageError):
        write_annotated(path, checked.problems, path)


def test_a_workbook_that_cannot_be_rewritten_is_skipped(tmp_path: Path) -> None:
    junk = tmp_path / "壊れた.xlsx"
    junk.write_bytes(b"junk")
    assert try_write_annotated(junk, [], tmp_path / "out.xlsx") is None
    assert not (tmp_path / "out.xlsx").exists()
    assert can_annotate(Path("a.XLSM")) and not can_annotate(Path("古い.xls"))


def test_the_marked_copy_asks_the_department(tmp_path: Path) -> None:
    """The check says what the office's corrected copy will do; the department's copy asks."""
    sm = ShisakuManagement(random.Random(5))
    doc, made = sm.document(5, "福祉総務課", "4")
    path = tmp_path / "施策5.xlsx"
    sm.write(doc, path)
    book = openpyxl.load_workbook(path)
    sm.overwrite_total(book, made)
    book.save(path)
    checked = check_file(path)
    total = next(p for p in checked.problems if p.code == "total-mismatch")
    assert "修正版では計算式 =SUM(" in total.message  # the office's words
    marked = openpyxl.load_workbook(write_annotated(path, checked.problems, tmp_path / "m.xlsx"))
    comment = marked[total.sheet][total.cell].comment.text
    assert "修正版" not in comment
    assert "この欄は自動計算です。値を消して計算式 =SUM(" in comment
    assert "を入れ直してください" in comment
    listed = [r[5] for r in marked["点検結果"].iter_rows(min_row=2, values_only=True)]
    assert not any("修正版では" in text for text in listed)
