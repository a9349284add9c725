"""Every problem `fix` corrects says, last in its message, what the corrected copy writes
(修正版では…); one whose cell the copy does not change, or a return fix makes no copy of, does not.

The bundled 施策マネジメントシート of 令和2年度, typed over as a clerk does in Excel.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.copies.marked import write_annotated
from xlsxsheet.core.problems import Problem

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shisaku-management-R2.xlsx"
SHEET = "施策マネジメントシート"
TYPED = {
    "O39": "達成",  # the numbers give 未達成
    "O43": None,  # a judgement left blank
    "J77": 1_918_000,  # a value over the sum's formula, not what it gives
    "G77": "=SUM(G72,G73)",  # the sum's formula cut short
    "F72": "１６０４８９０",  # a number typed as full-width text
}


def altered(folder: Path, typed: dict[str, object]) -> Path:
    book = openpyxl.load_workbook(EXAMPLE)
    for cell, value in typed.items():
        book[SHEET][cell].value = value
    path = folder / "施策12.xlsx"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> CheckResult:
    return check_file(altered(tmp_path_factory.mktemp("fixed"), TYPED))


def at(checked: CheckResult, cell: str, code: str) -> Problem:
    (problem,) = [p for p in checked.problems if p.cell == cell and p.code == code]
    return problem


@pytest.mark.parametrize(
    ("cell", "code", "message"),
    [
        (
            "O39",
            "judgement-mismatch",
            "入力値 「達成」 は数値と合いません。R2 実績値 12.8 / 目標値 14.9 (高いほど良い指標) から"
            "「未達成」です。修正版では「未達成」にします。",
        ),
        (
            "O43",
            "judgement-missing",
            "判定が空欄です。R2 実績値 70.4 / 目標値 70 (低いほど良い指標) から「未達成」です。"
            "修正版では「未達成」にします。",
        ),
        (
            "J77",
            "total-mismatch",
            "入力値 1,918,000 は計算結果 1,918,138 と一致しません(SUM(「国庫支出金」, 「都道府県支出金」,"
            " 「地方債」, 「その他」, 「一般財源」))。計算式が値 1,918,000 で上書きされています。"
            "修正版では計算式 =SUM(J72,J73,J74,J75,J76) に戻します。",
        ),
        (
            "G77",
            "formula-changed",
            "計算式 =SUM(G72,G73) が様式の計算式 =SUM(G72,G73,G74,G75,G76) と違います。"
            "修正版では様式の計算式に戻します。",
        ),
        (
            "F72",
            "value-normalized",
            "入力値 「１６０４８９０」 を 1,604,890 として読みました(文字列として入力された数値を数値に"
            "変換しました、全角数字を半角に変換しました)。修正版では 1,604,890 にします。",
        ),
        (
            "F72",
            "number-stored-as-text",
            "入力値 「１６０４８９０」 は数値ではなく文字列として保存されています。Excel の合計(SUM)は"
            "文字列を飛ばすため、施策コスト 事業費 事業費計(A) H28年度・施策コスト トータルコスト(A)+(B)"
            " H28年度 の計算にこの値が入りません。半角の数字だけで 1604890 と入力し直してください"
            "(セルの表示形式が「文字列」なら「標準」に戻してから)。点検では 1,604,890 として読みました。"
            "修正版では数値の 1,604,890 にします。",
        ),
    ],
    ids=lambda value: value if value.isascii() else "",
)
def test_a_corrected_problem_says_what_the_copy_writes(
    checked: CheckResult, cell: str, code: str, message: str
) -> None:
    problem = at(checked, cell, code)
    assert problem.message == f"'{SHEET}'!{cell} ({problem.label}): {message}"


def test_the_copy_writes_what_the_messages_say(checked: CheckResult, tmp_path: Path) -> None:
    """Each message that says 修正版では is at a cell the copy changes, and each change's
    problems say it; the values the messages quote are the copy's."""
    saying = {p.cell for p in checked.problems if "修正版では" in p.message}
    assert saying == {c.cell for c in checked.changes} == set(TYPED)
    copy = openpyxl.load_workbook(write_fixed(checked, tmp_path / "修正版.xlsx"))[SHEET]
    assert [copy[c].value for c in ("O39", "O43", "F72")] == ["未達成", "未達成", 1604890]
    assert copy["J77"].value == "=SUM(J72,J73,J74,J75,J76)"
    assert copy["G77"].value == "=SUM(G72,G73,G74,G75,G76)"


def test_the_department_is_asked_and_not_told_what_the_office_will_do(
    checked: CheckResult, tmp_path: Path
) -> None:
    out = write_annotated(checked.path, checked.problems, tmp_path / "点検結果.xlsx")
    rows = list(openpyxl.load_workbook(out)["点検結果"].iter_rows(min_row=2, values_only=True))
    assert not any("修正版" in str(row[5]) for row in rows)
    said = {row[3]: row[5] for row in rows if row[3] in ("O39", "O43")}
    assert all(text.endswith("「未達成」に直してください。") for text in said.values())
    # a number stored as text: asked to be typed again once, not again as 「1604890」に直して
    (typed,) = [row[5] for row in rows if row[3] == "F72" and "文字列" in str(row[5])]
    assert typed.endswith("点検では 1,604,890 として読みました。"), typed
    assert typed.count("1604890 と入力し直してください") == 1


def test_a_change_another_replaces_is_not_said(tmp_path: Path) -> None:
    """「達成 」: read as 達成 (value-normalized, which would write it trimmed) and contradicted
    by the numbers: the copy writes 未達成, and only the judgement's message says so."""
    checked = check_file(altered(tmp_path, {"O39": "達成 "}))
    assert "修正版" not in at(checked, "O39", "value-normalized").message
    assert at(checked, "O39", "judgement-mismatch").message.endswith(
        "修正版では「未達成」にします。"
    )


def test_a_return_fix_makes_no_copy_of_says_no_correction(tmp_path: Path) -> None:
    """Last year's sheet sent again: checked as its own year, but fix refuses it (year-mismatch),
    so no message says what a corrected copy would write."""
    checked = check_file(altered(tmp_path, TYPED), year=2024)
    assert checked.problems[0].code == "year-mismatch"
    assert {"judgement-mismatch", "total-mismatch"} <= {p.code for p in checked.problems}
    assert not any("修正版では" in p.message for p in checked.problems)
