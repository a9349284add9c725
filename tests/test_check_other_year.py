"""Last year's sheet sent again (`check --year R3` on a return of the 令和2年度 template): a
return of its layout and its 課 with the error year-mismatch, not an unreadable file of no
layout and no 課 — the office must see whom to send it back to. `fix` still refuses it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
LAST_YEAR = EXAMPLES / "shisaku-management-R2.xlsx"  # 施策 12, 福祉総務課, 令和2年度
THIS_YEAR = EXAMPLES / "jimu-jigyo-R6.xlsx"  # 03-02-015, 児童青少年課, 令和6年度


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "提出"
    root.mkdir()
    shutil.copy(LAST_YEAR, root / "施策12.xlsx")
    shutil.copy(THIS_YEAR, root / "事業015.xlsx")
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.output


def test_last_years_sheet_is_counted_under_its_layout_and_department(folder: Path) -> None:
    code, output = run("check", str(folder), "--year", "R6")
    assert code == 1
    lines = output.splitlines()
    assert (
        "  [エラー] year-mismatch: 施策12.xlsx は令和2年度の様式に記入されています"
        "(指定: 令和6年度)。令和6年度の様式で提出し直してもらうか、年度の指定を確認してください。"
    ) in lines
    assert "  施策マネジメントシート: 1 ファイル、問題なし 0、エラーあり 1、警告のみ 0" in lines
    assert "  福祉総務課: 1 ファイル、問題なし 0、エラーあり 1、警告のみ 0" in lines
    assert not [line for line in lines if "様式不明" in line or "担当課不明" in line]
    assert (
        lines[-1]
        == "合計: 2 ファイル、問題なし 1、エラーあり 1、警告のみ 0(エラー 1 件、警告 0 件)"
    )


def test_the_json_report_names_its_layout_department_and_key(folder: Path) -> None:
    code, output = run("check", str(folder), "--year", "R6", "--format", "json")
    assert code == 1
    report = json.loads(output)
    (sent_again,) = [f for f in report["files"] if f["file"].endswith("施策12.xlsx")]
    assert {k: sent_again[k] for k in ("status", "layout", "year", "department", "key")} == {
        "status": "errors",
        "layout": "shisaku-management",
        "year": 2020,
        "department": "福祉総務課",
        "key": "12",
    }
    first = sent_again["problems"][0]
    assert (first["code"], first["value"], first["expected"]) == (
        "year-mismatch",
        "令和2年度",
        "令和6年度",
    )
    assert sent_again["errors"] == 1  # the example is otherwise clean
    assert report["stats"]["unreadable"] == 0
    # the library's check says the same; of the year asked for, the return is clean
    checked = check_file(folder / "施策12.xlsx", year=2024)
    assert checked.readable and checked.department == "福祉総務課"
    assert [p.code for p in checked.problems] == ["year-mismatch"]
    assert check_file(folder / "施策12.xlsx", year=2020).valid


def test_fix_refuses_last_years_sheet_with_the_same_message(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "修正版.xlsx"
    code, output = run("fix", str(folder / "施策12.xlsx"), "--year", "R6", "-o", str(out))
    assert code == 1
    assert "施策12.xlsx は令和2年度の様式に記入されています(指定: 令和6年度)。" in output
    assert not out.exists()


def test_fixing_a_folder_refuses_last_years_sheet_and_says_why(
    folder: Path, tmp_path: Path
) -> None:
    """Read as its own year it has nothing to correct: `fix 提出 --year R6` said 直すものなし and
    exited 0, as if the sheet could be kept."""
    out = tmp_path / "修正版"
    code, output = run("fix", str(folder), "--year", "R6", "-o", str(out))
    assert code == 1
    assert "施策12.xlsx は令和2年度の様式に記入されています(指定: 令和6年度)。" in output
    assert not list(out.glob("施策12*"))  # no copy of it
