"""A staff member's first day: each command's exact words and exit code, through CliRunner."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner

from xlsxsheet.cli import click_japanese, main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CLICK_SOURCE = "".join(
    p.read_text(encoding="utf-8") for p in sorted(Path(click.__file__).parent.glob("*.py"))
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


@pytest.fixture
def returns(tmp_path: Path, example_000_workbook: Path) -> Path:
    """A folder: a clean return, one with a warning only, one with an error, one unreadable."""
    folder = tmp_path / "提出"
    folder.mkdir()
    shutil.copy(example_000_workbook, folder / "a_問題なし.xlsx")
    book = openpyxl.load_workbook(example_000_workbook)
    sheet, ref = next(iter(book.defined_names["xs_perf_cost_total_a_y2020"].destinations))
    book[sheet][ref.replace("$", "")].value = 1_918_138  # the total it computes: a warning
    book.save(folder / "b_警告のみ.xlsx")
    book[sheet][ref.replace("$", "")].value = 1_000  # a typed total that does not add up
    book.save(folder / "c_エラー.xlsx")
    (folder / "d_読めない.xlsx").write_bytes(b"not a workbook")
    return folder


# --- exit codes: 2 for a usage mistake ------------------------------------------------------


def test_format_xlsx_without_output_is_a_usage_mistake(example_000_workbook: Path) -> None:
    code, _, err = run("check", str(example_000_workbook), "--format", "xlsx")
    assert code == 2
    assert err == "エラー: --format xlsx には -o で出力ファイル名を指定してください。\n"


def test_an_empty_folder_is_a_usage_mistake(tmp_path: Path) -> None:
    (tmp_path / "空").mkdir()
    code, _, err = run("check", str(tmp_path / "空"))
    assert code == 2
    assert err == f"エラー: 点検するブック(.xlsx/.xlsm/.xls)が見つかりません: {tmp_path / '空'}\n"


def test_a_misspelt_layout_is_a_usage_mistake(tmp_path: Path, example_000_workbook: Path) -> None:
    out = str(tmp_path / "x.xlsx")
    code, _, err = run("template", "shisaku-managment", "--year", "R2", "-o", out)
    assert code == 2
    assert err.startswith(
        "エラー: 様式「shisaku-managment」はありません。"
        "「shisaku-management」(施策マネジメントシート)ではありませんか。使える様式: "
        "jimu-jigyo (事務事業評価シート)、kihon-keikaku (基本計画 基本施策)、"
    )
    assert "--templates フォルダ か環境変数 XLSXSHEET_TEMPLATES で指定してください" in err
    for command in ("check", "read"):
        code, _, err = run(command, str(example_000_workbook), "--layout", "shisaku-managment")
        assert code == 2, command
        assert "「shisaku-management」(施策マネジメントシート)ではありませんか。" in err
    assert not Path(out).exists()


def test_a_bad_roster_is_a_usage_mistake(tmp_path: Path, example_000_workbook: Path) -> None:
    roster = tmp_path / "名簿.csv"
    roster.write_text("施策,課\n12,福祉総務課\n", encoding="utf-8")
    code, _, err = run("check", str(example_000_workbook), "--roster", str(roster))
    assert code == 2
    assert err.startswith("エラー: 名簿 名簿.csv を使えません")


def test_problems_exit_1_and_a_clean_return_0(returns: Path) -> None:
    assert run("check", str(returns / "a_問題なし.xlsx"))[0] == 0
    assert run("check", str(returns / "b_警告のみ.xlsx"))[0] == 0
    assert run("check", str(returns / "c_エラー.xlsx"))[0] == 1
    assert run("check", str(returns / "d_読めない.xlsx"))[0] == 1


# --- check -o says what it wrote ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "html", "xlsx"])
def test_check_output_says_what_was_written(returns: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"点検結果.{fmt}"
    code, stdout, err = run("check", str(returns), "--format", fmt, "-o", str(out))
    assert code == 1
    assert stdout == ""
    assert err == (
        f"点検結果を {out} に書き出しました: 4 ファイル、問題なし 1、"
        "エラーあり 2(うち読めない 1)、警告のみ 1\n"
    )
    assert out.stat().st_size > 0
    assert (
        run("check", str(returns), "--format", fmt, "-o", str(out), "--quiet", "--force")[2] == ""
    )


# --- counts that add up ---------------------------------------------------------------------


def test_the_counts_add_up_to_the_files(returns: Path, tmp_path: Path) -> None:
    _, out, _ = run("check", str(returns))
    assert last_line(out) == (
        "合計: 4 ファイル、問題なし 1、エラーあり 2(うち読めない 1)、警告のみ 1"
        "(エラー 2 件、警告 1 件)"
    )
    _, out, _ = run("check", str(returns), "--format", "json")
    stats = json.loads(out)["stats"]
    assert stats["clean"] + stats["with_errors"] + stats["warnings_only"] == stats["files"] == 4
    html = tmp_path / "r.html"
    run("check", str(returns), "--format", "html", "-o", str(html))
    page = html.read_text(encoding="utf-8")
    cards = dict(re.findall(r'id="count-([a-z-]+)">(\d+)<', page))
    assert cards == {
        "files": "4",
        "clean": "1",
        "with-errors": "2",
        "warnings-only": "1",
        "unreadable": "1",
    }
    assert "警告あり" not in page.split('<section class="department">')[0]


# --- one problem for a typed total; the JSON key folded --------------------------------------


def test_a_typed_total_gets_one_problem(returns: Path) -> None:
    _, out, _ = run("check", str(returns / "c_エラー.xlsx"), "--format", "json")
    problems = json.loads(out)["files"][0]["problems"]
    at_total = [p for p in problems if p["field"] == "perf.cost.total_a"]
    assert [p["code"] for p in at_total] == ["total-mismatch"]
    assert at_total[0]["message"].endswith(
        "修正版では計算式 =SUM(J72,J73,J74,J75,J76) に戻します。"
    )
    _, out, _ = run("check", str(returns / "b_警告のみ.xlsx"), "--format", "json")
    problems = json.loads(out)["files"][0]["problems"]
    assert [p["code"] for p in problems if p["severity"] != "info"] == ["formula-overwritten"]


def test_the_json_key_is_folded(tmp_path: Path, example_000_workbook: Path) -> None:
    book = openpyxl.load_workbook(example_000_workbook)
    sheet, ref = next(iter(book.defined_names["xs_header_shisaku_no"].destinations))
    book[sheet][ref.replace("$", "")].value = "１２"
    book.save(tmp_path / "全角.xlsx")
    _, out, _ = run("check", str(tmp_path / "全角.xlsx"), "--format", "json")
    assert json.loads(out)["files"][0]["key"] == "12"


# --- a .csv ---------------------------------------------------------------------------------


def test_a_csv_gets_its_own_message(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("施策番号,施策名\n12,支え合い\n", encoding="utf-8")
    code, out, _ = run("check", str(data))
    assert code == 1
    assert (
        "  [エラー] not-a-workbook: data.csv はCSV(テキスト)のファイルで、Excelブックでは"
        "ありません。様式に記入したブックを提出してください。CSVしかないときは、Excelで開き、"
        "[名前を付けて保存] で「Excel ブック (*.xlsx)」を選んで保存し直してください。"
    ) in out.splitlines()


# --- template and layouts --------------------------------------------------------------------


def test_template_without_a_year_says_so(tmp_path: Path) -> None:
    code, _, err = run("template", "shisaku-management", "-o", str(tmp_path / "t.xlsx"))
    assert code == 2
    assert err == (
        "エラー: --year で評価年度を指定してください(例: --year R2、--year 令和2年度、"
        "--year 2020)。\n"
    )
    assert not (tmp_path / "t.xlsx").exists()


def test_template_with_a_year_in_its_data_needs_no_year(tmp_path: Path) -> None:
    data = str(EXAMPLES / "shisaku-management-R2.yaml")
    code, _, err = run(
        "template", "shisaku-management", "--data", data, "-o", str(tmp_path / "t.xlsx")
    )
    assert code == 0
    assert "令和2年度" in err


@pytest.mark.parametrize(
    "name", ["施策マネジメントシート", "施策マネジメント シート", "shisaku-management"]
)
def test_template_takes_the_sheets_japanese_name(tmp_path: Path, name: str) -> None:
    out = tmp_path / "t.xlsx"
    code, _, err = run("template", name, "--year", "R2", "-o", str(out))
    assert code == 0
    assert err == f"{out} を作成しました(施策マネジメントシート、令和2年度)。\n"


def test_a_name_close_to_a_title_gets_a_suggestion(tmp_path: Path) -> None:
    code, _, err = run("template", "施策評価", "--year", "R2", "-o", str(tmp_path / "t.xlsx"))
    assert code == 2
    assert err.startswith(
        "エラー: 様式「施策評価」はありません。「shisaku-hyoka」(施策評価シート)ではありませんか。"
    )


def test_layouts_say_the_city_and_what_each_is_for() -> None:
    code, out, err = run("layouts")
    assert code == 0
    lines = out.splitlines()
    at = lines.index("shisaku-hyoka\tv2\t施策評価シート\t東京都調布市")
    assert lines[at + 1].startswith("    施策ごとの年次の施策評価。")
    assert "xlsxsheet template <ID または様式名>" in err
    _, out, _ = run("layouts", "--format", "json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert {row["city"] for row in rows.values()} == {
        "東京都国立市",
        "東京都調布市",
        "東京都狛江市",
        "新潟県新潟市",
        "汎用(多くの市に共通する形)",  # the 事務事業評価シート is no one city's
    }
    assert all(row["purpose"] for row in rows.values())


# --- click in Japanese ----------------------------------------------------------------------


def test_usage_and_errors_are_japanese(tmp_path: Path) -> None:
    code, _, err = run("template", "shisaku-management", "--year", "R2")
    assert code == 2
    assert err == (
        "使い方: main template [オプション] 様式\n"
        "説明は 'main template --help' で表示されます。\n\n"
        "エラー: 次のオプションを指定してください: '-o' / '--output'.\n"
    )
    code, _, err = run("check", "x.xlsx", "--jobs", "0")
    assert code == 2
    assert (
        last_line(err) == "エラー: '-j' / '--jobs' の値が正しくありません: 0 は範囲 x>=1 の外です。"
    )
    code, _, err = run("chek")
    assert code == 2
    assert (
        last_line(err) == "エラー: コマンド 'chek' はありません。 'check' の誤りではありませんか。"
    )


def test_help_is_japanese_and_every_option_has_help() -> None:
    _, out, _ = run("--help")
    assert out.startswith("使い方: main [オプション] コマンド [引数]...\n")
    for name, command in main.commands.items():
        code, out, _ = run(name, "-h")
        assert code == 0
        assert out.startswith(f"使い方: main {name} [オプション]")
        assert "オプション:\n" in out and "  -h, --help" in out
        assert "この説明を表示して終了します。" in out
        for english in ("Usage:", "Options:", "Show this message", "[required]", "TEXT", "INTEGER"):
            assert english not in out, (name, english)
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, (name, param.opts)


def test_every_translated_message_is_one_click_says() -> None:
    """A click upgrade that rewords a message leaves it English: this test says which."""
    for message in click_japanese.MESSAGES:
        assert json.dumps(message, ensure_ascii=False) in CLICK_SOURCE, message
    for singular, plural in click_japanese.PLURAL_MESSAGES:
        assert json.dumps(singular, ensure_ascii=False) in CLICK_SOURCE, singular
        assert json.dumps(plural, ensure_ascii=False) in CLICK_SOURCE, plural
    assert "click.core" in click_japanese.install()  # installing twice is harmless
