"""The summary workbook's 要対応 sheet: a roster row with no return (未提出) says where it is in
the roster and, where the roster gives it, the file the return is to come as.

The roster has no column for the 施策's name (様式, 施策番号, 担当課, ファイル名, 区分): the row's
名称 stays empty rather than something else standing in for it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

import xlsxsheet

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shisaku-management-R2.xlsx"
ROSTER = """様式,施策番号,担当課,ファイル名
施策マネジメントシート,12,福祉総務課,
施策マネジメントシート,5,健康増進課,施策5_健康づくりの推進.xlsx
施策マネジメントシート,7,子育て支援課,
"""
HEADER = ("状態", "担当課", "様式", "番号", "名称", "ファイル", "エラー", "備考", "最初のエラー")


def test_a_missing_roster_row_says_its_line_and_the_file_it_is_to_come_as(
    tmp_path: Path,
) -> None:
    returns = tmp_path / "提出"
    returns.mkdir()
    shutil.copy(EXAMPLE, returns / "施策12.xlsx")
    roster = tmp_path / "名簿.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    xlsxsheet.collect([returns], tmp_path / "集計.xlsx", roster=roster)
    rows = list(
        openpyxl.load_workbook(tmp_path / "集計.xlsx")["要対応"].iter_rows(values_only=True)
    )
    assert rows == [
        HEADER,
        (
            "未提出",
            "健康増進課",
            "施策マネジメントシート",
            "5",
            None,
            None,
            None,
            "名簿 3行目(ファイル名 施策5_健康づくりの推進.xlsx)",
            "名簿にありますが、提出がありません。",
        ),
        (
            "未提出",
            "子育て支援課",
            "施策マネジメントシート",
            "7",
            None,
            None,
            None,
            "名簿 4行目",
            "名簿にありますが、提出がありません。",
        ),
    ]
