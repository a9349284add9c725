"""A judgement cell is told once and corrected by the rule that decides it.

The bundled 施策マネジメントシート's 成果指標 1 ア 目標達成度 (O39) is 未達成 by its numbers (R2 実績値
12.8 / 目標値 14.9, higher is better). A clerk types over the dropdown, as in Excel.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.office.fixing import errors_left

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shisaku-management-R2.xlsx"
SHEET, CELL = "施策マネジメントシート", "O39"
REASON = "R2 実績値 12.8 / 目標値 14.9 (高いほど良い指標) から「未達成」です。"


def typed(tmp_path: Path, value: object) -> Path:
    book = openpyxl.load_workbook(EXAMPLE)
    assert book[SHEET][CELL].value == "未達成"
    book[SHEET][CELL].value = value
    path = tmp_path / "施策12.xlsx"
    book.save(path)
    return path


def history(path: Path) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path)
    return [row for row in book["修正履歴"].iter_rows(min_row=2, values_only=True)]


def test_a_judgement_not_in_the_list_is_told_once_with_the_value_to_choose(
    tmp_path: Path,
) -> None:
    checked = check_file(typed(tmp_path, "ほぼ達成"))
    (problem,) = [p for p in checked.problems if p.cell == CELL]
    assert (problem.code, problem.value, problem.expected) == ("not-in-list", "ほぼ達成", "未達成")
    assert problem.message == (
        f"'{SHEET}'!{CELL} (成果指標 1 ア 目標達成度): 「ほぼ達成」は選択肢にありません。"
        f"次のいずれかを選んでください: 達成、未達成。{REASON}修正版では「未達成」にします。"
    )
    (change,) = [c for c in checked.changes if c.cell == CELL]
    assert (change.rule, change.old, change.new) == ("not-in-list", "ほぼ達成", "未達成")
    assert errors_left(checked) == 0  # the copy corrects it
    out = write_fixed(checked, tmp_path / "修正版.xlsx")
    assert openpyxl.load_workbook(out)[SHEET][CELL].value == "未達成"
    (row,) = [r for r in history(out) if r[2] == CELL]
    assert (row[6], row[8]) == ("選択肢にない値です", "not-in-list")


def test_a_judgement_with_spaces_that_the_numbers_contradict_is_corrected_to_them(
    tmp_path: Path,
) -> None:
    """「達成 」: read as 達成 (value-normalized) and wrong by the numbers (judgement-mismatch).
    The copy wrote 達成, the space trimmed, under value-normalized: the judgement uncorrected."""
    checked = check_file(typed(tmp_path, "達成 "))
    codes = sorted(p.code for p in checked.problems if p.cell == CELL)
    assert codes == ["judgement-mismatch", "value-normalized"]
    (change,) = [c for c in checked.changes if c.cell == CELL]
    assert (change.rule, change.new) == ("judgement-mismatch", "未達成")
    out = write_fixed(checked, tmp_path / "修正版.xlsx")
    assert openpyxl.load_workbook(out)[SHEET][CELL].value == "未達成"
    (row,) = [r for r in history(out) if r[2] == CELL]
    assert (row[4], row[5], row[6], row[8]) == (
        "達成 ",
        "未達成",
        "判定が数値と合いません",
        "judgement-mismatch",
    )
    # where the numbers agree, the value is written as read, under value-normalized
    agreed = check_file(typed(tmp_path, " 未達成 "))
    assert [p.code for p in agreed.problems if p.cell == CELL] == ["value-normalized"]
    assert [(c.rule, c.new) for c in agreed.changes if c.cell == CELL] == [
        ("value-normalized", "未達成")
    ]
