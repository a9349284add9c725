"""A grade's warning (時系列比較, 成果実績目標達成度) names each indicator its suggestion left out,
and why: a value not entered, text, or a 0 it would divide by.

The bundled 施策マネジメントシート of 令和2年度: 成果指標 1 イ is new in R2 (no H30 実績値), the three
others have their figures; 時系列比較 compares R2 with H30, 達成度 R2's 実績値 with its 目標値.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xlsxsheet.checks.pipeline import check_file

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shisaku-management-R2.xlsx"
SHEET = "施策マネジメントシート"
TREND, ACHIEVEMENT = "A85", "A83"
NEW_IN_R2 = "成果指標 1 イ(実績値 H30年度 H45 が空欄)"


def warning(tmp_path: Path, typed: dict[str, object], cell: str) -> str:
    book = openpyxl.load_workbook(EXAMPLE)
    for ref, value in typed.items():
        book[SHEET][ref].value = value
    path = tmp_path / "施策12.xlsx"
    book.save(path)
    (problem,) = [
        p for p in check_file(path).problems if p.code == "grade-differs" and p.cell == cell
    ]
    return problem.message


def test_the_trend_warning_says_which_indicator_is_left_out_and_why(tmp_path: Path) -> None:
    """1 イ is left out of 時系列比較 (nothing in H30) but counted in 達成度, whose warning names
    none; the unused rows of 展開方向3・4 are not indicators left out."""
    assert warning(tmp_path, {TREND: "A"}, TREND) == (
        f"'{SHEET}'!{TREND} (時系列比較): 入力された評価 「A」 は目安の「C」(3指標の向上(+1)・"
        "横ばい(0)・低下(-1)の平均 +0.00)と異なります。目安の計算に入れていない指標: "
        f"{NEW_IN_R2}。判断の理由を記載してください。(この評価は修正しません)"
    )
    achievement = warning(tmp_path, {ACHIEVEMENT: "A"}, ACHIEVEMENT)
    assert "(4指標の平均達成率" in achievement and "入れていない" not in achievement


@pytest.mark.parametrize(
    ("typed", "cell", "counted", "left_out"),
    [
        (
            {TREND: "A", "J53": "集計中"},
            TREND,
            "2指標",
            [NEW_IN_R2, "成果指標 2 イ(実績値 R2年度 J53 が 「集計中」 で数値ではありません)"],
        ),
        (
            {TREND: "E", "H49": 0},
            TREND,
            "2指標",
            [NEW_IN_R2, "成果指標 2 ア(実績値 H30年度 H49 が 0 のため率を計算できません)"],
        ),
        (
            {TREND: "A", "J41": None},
            TREND,
            "2指標",
            ["成果指標 1 ア(実績値 R2年度 J41 が空欄)", NEW_IN_R2],
        ),
        (
            {ACHIEVEMENT: "A", "J44": 0},
            ACHIEVEMENT,
            "3指標",
            ["成果指標 1 イ(目標値 R2年度 J44 が 0 のため率を計算できません)"],
        ),
        (
            {ACHIEVEMENT: "A", "J48": "-"},
            ACHIEVEMENT,
            "3指標",
            ["成果指標 2 ア(目標値 R2年度 J48 が 「-」 で数値ではありません)"],
        ),
    ],
    ids=["text", "zero-before", "blank-now", "zero-target", "text-target"],
)
def test_each_indicator_left_out_is_named_with_its_reason(
    tmp_path: Path, typed: dict[str, object], cell: str, counted: str, left_out: list[str]
) -> None:
    """The indicators said are exactly those the suggestion did not count (4 with figures)."""
    message = warning(tmp_path, typed, cell)
    assert f"({counted}の" in message
    assert f"目安の計算に入れていない指標: {'、'.join(left_out)}。判断の理由" in message
