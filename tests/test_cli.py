"""The command line, through click's CliRunner: exit codes and the exact messages."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlsxsheet.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shisaku-management-R2.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_layouts_lists_the_first_layout() -> None:
    code, out, _ = run("layouts")
    assert code == 0
    assert "shisaku-management\tv1\t施策マネジメントシート\t東京都国立市" in out.splitlines()


@pytest.mark.parametrize("year", ["R2", "令和2年度", "2020", "FY2020", "Ｒ２"])
def test_template_accepts_wareki_and_seireki_years(tmp_path: Path, year: str) -> None:
    out = tmp_path / "施策12.xlsx"
    code, _, err = run("template", "shisaku-management", "--year", year, "-o", str(out))
    assert code == 0
    assert "令和2年度" in err
    meta = openpyxl.load_workbook(out)["_xlsxsheet"]
    assert dict(meta.iter_rows(min_row=2, values_only=True))["year"] == "2020"


def test_template_rejects_a_bad_year(tmp_path: Path) -> None:
    code, _, err = run(
        "template", "shisaku-management", "--year", "R99x", "-o", str(tmp_path / "x.xlsx")
    )
    assert code == 2
    assert "R99x" in err


def test_unknown_layout_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run(
        "template", "shisaku-managment", "--year", "R2", "-o", str(tmp_path / "x.xlsx")
    )
    assert code == 2
    assert (
        "様式「shisaku-managment」はありません。"
        "「shisaku-management」(施策マネジメントシート)ではありませんか。" in err
    )
    assert "Traceback" not in err


def test_data_that_does_not_fit_is_listed(tmp_path: Path) -> None:
    data = tmp_path / "bad.yaml"
    data.write_text(
        "layout: shisaku-management\nyear: R2\nheader: {shisaku_nam: x}\n"
        "perf: {cost: {national: {R2: あいう}}}\n",
        encoding="utf-8",
    )
    code, _, err = run(
        "template", "shisaku-management", "--data", str(data), "-o", str(tmp_path / "x.xlsx")
    )
    assert code == 1
    assert (
        "項目「header.shisaku_nam」はレイアウト shisaku-management にありません(「header.shisaku_name」ではありませんか)"
        in err
    )


def _alias_bomb(levels: int) -> str:
    """A YAML value of 9**levels strings written in a few hundred bytes (anchors and aliases)."""
    value = "&a0 [" + ",".join(["x"] * 9) + "]"
    for k in range(1, levels + 1):
        value = f"&a{k} [{value}," + ",".join([f"*a{k - 1}"] * 8) + "]"
    return value


def test_a_data_document_of_nested_aliases_is_refused_without_expanding_them(
    tmp_path: Path,
) -> None:
    # 9**9 = 387 million strings if expanded: the value's type is checked on the shared node
    data = tmp_path / "bomb.yaml"
    data.write_text(
        f"layout: jimu-jigyo\nyear: R6\nheader:\n  jigyo_name: {_alias_bomb(9)}\n",
        encoding="utf-8",
    )
    assert data.stat().st_size < 1000
    code, _, err = run(
        "template", "jimu-jigyo", "--data", str(data), "-o", str(tmp_path / "x.xlsx")
    )
    assert code == 1 and "Traceback" not in err
    assert (
        "事務事業名 (header.jigyo_name): 文字が入るべき欄に扱えない種類の値(list)があります" in err
    )
    assert len(err) < 2000
    assert not (tmp_path / "x.xlsx").exists()


def test_read_flat_records(tmp_path: Path, example_000_workbook: Path) -> None:
    code, out, _ = run("read", str(example_000_workbook), "--flat", "--format", "json")
    assert code == 0
    flat = json.loads(out)
    assert (flat["layout"], flat["version"], flat["year"]) == ("shisaku-management", 1, 2020)
    by_name = {f["name"]: f for f in flat["fields"]}
    total = by_name["xs_perf_cost_total_a_y2020"]
    assert total["kind"] == "computed"
    assert total["value"] == 1_918_138
    assert total["sheet"] == "施策マネジメントシート"
    assert total["label"] == "施策コスト 事業費 事業費計(A) R2年度"
    assert by_name["xs_header_lead_dept"] == {
        "name": "xs_header_lead_dept",
        "sheet": "施策マネジメントシート",
        "cell": "K2",  # the template's 施策統括課 input, right of its label (I2:J2)
        "label": "施策統括課",
        "value": "福祉総務課",
        "kind": "input",
    }


def test_check_exit_codes(tmp_path: Path, example_000_workbook: Path) -> None:
    code, out, _ = run("check", str(example_000_workbook))
    assert code == 0
    assert "エラー 0 件" in out
    broken = tmp_path / "broken.xlsx"
    book = openpyxl.load_workbook(example_000_workbook)
    book["施策マネジメントシート"]["A2"].value = None  # a label; harmless
    sheet, ref = next(iter(book.defined_names["xs_header_shisaku_name"].destinations))
    book[sheet][ref.replace("$", "")].value = None
    book.save(broken)
    code, out, _ = run("check", str(broken), "--format", "json")
    assert code == 1
    report = json.loads(out)
    problem = next(p for p in report["files"][0]["problems"] if p["code"] == "required-missing")
    assert problem["field"] == "header.shisaku_name"
    assert problem["severity"] == "error"
    assert problem["message"].startswith("'施策マネジメントシート'!")
    assert set(problem) >= {
        "file",
        "sheet",
        "cell",
        "field",
        "code",
        "severity",
        "message",
        "value",
        "expected",
    }
    code, _, _ = run("check")
    assert code == 2


def test_check_an_unreadable_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a workbook")
    code, out, err = run("check", str(junk))
    assert code == 1
    assert "junk.xlsx" in out
    assert "Traceback" not in out + err


def test_fix_never_touches_the_input(tmp_path: Path, example_000_workbook: Path) -> None:
    damaged = tmp_path / "damaged.xlsx"
    shutil.copy(example_000_workbook, damaged)
    book = openpyxl.load_workbook(damaged)
    sheet, ref = next(iter(book.defined_names["xs_perf_cost_total_a_y2020"].destinations))
    book[sheet][ref.replace("$", "")].value = 1_918_000
    book.save(damaged)
    before = digest(damaged)
    out = tmp_path / "fixed.xlsx"
    code, _, err = run("fix", str(damaged), "-o", str(out))
    assert code == 0
    assert "修正 1 件" in err
    assert digest(damaged) == before
    fixed = openpyxl.load_workbook(out)
    cell = fixed[sheet][ref.replace("$", "")]
    assert cell.value.startswith("=SUM(")
    assert cell.comment is not None and "1918000 → =SUM(" in cell.comment.text
    assert "(合計が一致しません)" in cell.comment.text  # the code check reported
    history = list(fixed["修正履歴"].iter_rows(values_only=True))
    assert history[0] == ("No.", "シート", "セル", "項目", "旧値", "新値", "規則", "説明", "コード")
    assert history[1][1:4] == (sheet, ref.replace("$", ""), "施策コスト 事業費 事業費計(A) R2年度")
    assert (history[1][6], history[1][8]) == ("合計が一致しません", "total-mismatch")


def test_fix_refuses_to_overwrite_the_input(example_000_workbook: Path) -> None:
    code, _, err = run("fix", str(example_000_workbook), "-o", str(example_000_workbook))
    assert code == 2  # a usage mistake
    assert "入力ファイルと同じです" in err


def test_demo_runs_the_round_trip(tmp_path: Path) -> None:
    code, out, _ = run("demo", "-o", str(tmp_path / "demo"))
    assert code == 0
    assert "修正後のエラー 0 件" in out
    assert list((tmp_path / "demo").rglob("*_修正版.xlsx"))


def test_every_command_has_help() -> None:
    for command in main.commands:
        code, out, _ = run(command, "--help")
        assert code == 0
        assert out.startswith(f"使い方: main {command} [オプション]")


def test_fix_keeps_the_rest_of_the_workbook(tmp_path: Path, example_000_workbook: Path) -> None:
    damaged = tmp_path / "damaged.xlsx"
    book = openpyxl.load_workbook(example_000_workbook)
    sheet, ref = next(iter(book.defined_names["xs_perf_outcome_d1_a_achievement"].destinations))
    book[sheet][ref.replace("$", "")].value = "達成"
    book.save(damaged)
    out = tmp_path / "fixed.xlsx"
    assert run("fix", str(damaged), "-o", str(out))[0] == 0
    before, after = openpyxl.load_workbook(damaged), openpyxl.load_workbook(out)
    assert after.sheetnames == [*before.sheetnames, "修正履歴"]
    assert set(after.defined_names) == set(before.defined_names)
    for name in before.sheetnames:
        old, new = before[name], after[name]
        assert new.protection.sheet == old.protection.sheet
        assert new.sheet_state == old.sheet_state
        assert len(new.data_validations.dataValidation) == len(old.data_validations.dataValidation)
        assert new.merged_cells.ranges == old.merged_cells.ranges
        changed = [
            (c.coordinate, c.value, new[c.coordinate].value)
            for row in old.iter_rows()
            for c in row
            if c.value != new[c.coordinate].value
        ]
        assert changed == ([(ref.replace("$", ""), "達成", "未達成")] if name == sheet else [])
