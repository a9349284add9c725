"""A city's own layout folder: --templates DIR on every command, beside XLSXSHEET_TEMPLATES."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_cli

from xlsxsheet.cli.commands import ALL_COMMANDS
from xlsxsheet.layout.folders import ENV_VAR
from xlsxsheet.layout.registry import default_registry

ROOT = Path(__file__).resolve().parents[1]


pytestmark = pytest.mark.usefixtures("no_city_layouts")


def _city_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "様式"
    folder.mkdir()
    text = (ROOT / "templates" / "jimu-jigyo.yaml").read_text(encoding="utf-8")
    city = text.replace("layout: jimu-jigyo", "layout: my-city").replace(
        "title: 事務事業評価シート", "title: 市の事務事業シート"
    )
    (folder / "my-city.yaml").write_text(city, encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", [c.name for c in ALL_COMMANDS])
def test_every_command_has_the_option_and_names_the_variable(command: str) -> None:
    code, out, _ = run_cli(command, "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "--templates" in flat and ENV_VAR in flat


def test_a_citys_layout_is_used_through_the_option(tmp_path: Path) -> None:
    folder = _city_folder(tmp_path)
    code, out, err = run_cli("layouts", "--templates", str(folder))
    assert code == 0, err
    assert "my-city\tv1\t市の事務事業シート" in out
    target = tmp_path / "out.xlsx"
    code, _, err = run_cli(
        "template", "my-city", "--year", "R6", "-o", str(target), "--templates", str(folder)
    )
    assert code == 0, err
    assert target.is_file()


def test_a_missing_folder_is_warned_about(tmp_path: Path) -> None:
    code, out, err = run_cli("layouts", "--templates", str(tmp_path / "様式なし"))
    assert code == 0
    assert f"警告: レイアウトのフォルダ {tmp_path / '様式なし'} がありません" in err
    assert "jimu-jigyo" in out


def test_a_data_file_in_the_folder_is_reported_and_skipped(tmp_path: Path) -> None:
    folder = _city_folder(tmp_path)
    (folder / "roster.yaml").write_text("layout: my-city\nyear: R6\n", encoding="utf-8")
    code, out, err = run_cli("layouts", "--templates", str(folder))
    assert code == 0, err
    assert f"警告: {folder / 'roster.yaml'} はレイアウトファイルではないため読み込みません" in err
    assert "my-city" in out and "shisaku-management" in out


def test_the_environment_variable_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(_city_folder(tmp_path)))
    default_registry.cache_clear()
    code, out, _ = run_cli("layouts")
    assert code == 0 and "my-city" in out


def test_not_found_says_where_it_looked_and_how_to_add_a_folder(tmp_path: Path) -> None:
    folder = _city_folder(tmp_path)
    code, _, err = run_cli(
        "template", "my-cty", "-o", str(tmp_path / "x.xlsx"), "--templates", str(folder)
    )
    assert code == 2  # a misspelt layout is a usage mistake
    assert "様式「my-cty」はありません。「my-city」(市の事務事業シート)ではありませんか。" in err
    assert f"探した場所: {ROOT / 'templates'}、{folder}。" in err
    assert "--templates フォルダ か環境変数 XLSXSHEET_TEMPLATES で指定してください" in err


def test_layouts_check_prints_fields_and_defined_names() -> None:
    code, out, err = run_cli("layouts", "--check", str(ROOT / "templates" / "jimu-jigyo.yaml"))
    assert code == 0, err
    assert out.startswith("jimu-jigyo.yaml: レイアウト定義として正しく読めました")
    assert (
        "  perf.outcome.o1.rate\t成果指標 指標1 達成率\tpercent\t年度別 history\t計算式 round(if("
        in out
    )
    assert "  header.end_year\t事業終了年度\tfiscal-year\t数値のかわりに 未定" in out
    assert "  xs_header_jigyo_no\t'事務事業評価シート'!B2" in out
    assert "定義名 131 件(令和6年度の様式):" in out  # 123 cells of values, 8 units shown
    assert (
        out.splitlines()[-1] == "様式の作成を試しました: 令和6年度の様式を作れます(シート 1 枚)。"
    )


def test_layouts_check_finds_what_only_making_a_template_finds(tmp_path: Path) -> None:
    text = (ROOT / "templates" / "jimu-jigyo.yaml").read_text(encoding="utf-8")
    setup = "    print: {paper: A4, landscape: false, fit_width: true}"
    assert setup in text
    bad = tmp_path / "jimu-jigyo.yaml"
    bad.write_text(
        text.replace(setup, setup[:-1] + ', break_before: ["9 ない見出し"]}'), encoding="utf-8"
    )
    code, out, err = run_cli("layouts", "--check", str(bad))
    assert code == 1 and "Traceback" not in err
    assert "様式の作成を試しました" not in out
    assert (
        "レイアウト定義 jimu-jigyo.yaml (シート「事務事業評価シート」の print.break_before): "
        "「9 ない見出し」で始まるセルがシートにありません" in err
    )


def test_layouts_check_explains_a_mistake(tmp_path: Path) -> None:
    text = (ROOT / "templates" / "jimu-jigyo.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "jimu-jigyo.yaml"
    bad.write_text(
        text.replace("actual / target * 100, 1)", "actual / target * 100%, 1)"), encoding="utf-8"
    )
    code, _, err = run_cli("layouts", "--check", str(bad))
    assert code == 1
    assert "レイアウト定義 jimu-jigyo.yaml (" in err and "行目" in err
    assert "% は使えません" in err and "100 を掛けて" in err
    code, _, err = run_cli("layouts", "--check", str(ROOT / "examples" / "jimu-jigyo-R6.yaml"))
    assert code == 1 and "レイアウトファイルではありません" in err


def test_a_quoted_layout_id_is_a_layout(tmp_path: Path) -> None:
    folder = _city_folder(tmp_path)
    mine = folder / "my-city.yaml"
    mine.write_text(
        mine.read_text(encoding="utf-8").replace("layout: my-city", 'layout: "my-city"'),
        encoding="utf-8",
    )
    code, out, err = run_cli("layouts", "--templates", str(folder))
    assert code == 0 and "警告" not in err, err
    assert "my-city" in out


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "layout:\n  id: my-city\nsheets: []\n",
            "最上位の layout: の同じ行に様式の ID がありません(例: layout: shisaku-hyoka。",
        ),
        ("layout: my-city\nyear: R6\n", "最上位に sheets: がありません"),
        ("title: 市の様式\nsheets: []\n", "最上位に layout: がありません"),
        ("- 福祉総務課\n- 高齢者支援課\n", "最上位に layout: と sheets: がありません"),
    ],
)
def test_a_skipped_yaml_file_is_told_why(tmp_path: Path, text: str, reason: str) -> None:
    folder = tmp_path / "様式"
    folder.mkdir()
    (folder / "mine.yaml").write_text(text, encoding="utf-8")
    code, _, err = run_cli("layouts", "--templates", str(folder))
    assert code == 0, err
    assert (
        f"警告: {folder / 'mine.yaml'} はレイアウトファイルではないため読み込みません({reason}"
        in err
    )
    code, _, err = run_cli("layouts", "--check", str(folder / "mine.yaml"))
    assert code == 1 and f"レイアウトファイルではありません({reason}" in err


def test_a_layout_named_apart_from_its_file_is_told_the_file_name(tmp_path: Path) -> None:
    folder = _city_folder(tmp_path)
    (folder / "my-city.yaml").rename(folder / "調布市_事務事業.yaml")
    code, _, err = run_cli(
        "template", "調布市_事務事業", "-o", str(tmp_path / "x.xlsx"), "--templates", str(folder)
    )
    assert code != 0 and "Traceback" not in err
    assert "layout: my-city がファイル名 調布市_事務事業 と違います" in err
    assert "ファイル名を my-city.yaml に変えてください" in err


def test_layouts_lists_the_good_ones_and_names_every_broken_one(tmp_path: Path) -> None:
    folder = _city_folder(tmp_path)
    good = (folder / "my-city.yaml").read_text(encoding="utf-8")
    (folder / "調布市_事務事業.yaml").write_text(
        good.replace("layout: my-city", "layout: chofu-jimu"), encoding="utf-8"
    )
    (folder / "city-two.yaml").write_text(
        good.replace("layout: my-city", "layout: city-two").replace("version: 1", "version: 0"),
        encoding="utf-8",
    )
    assert "version: 0" in (folder / "city-two.yaml").read_text(encoding="utf-8")
    code, out, err = run_cli("layouts", "--templates", str(folder))
    assert code == 1
    assert "my-city\tv1\t市の事務事業シート" in out and "shisaku-management" in out
    assert "chofu-jimu" not in out and "city-two" not in out
    assert "ファイル名を chofu-jimu.yaml に変えてください" in err
    assert "レイアウト定義 city-two.yaml (" in err
    assert "レイアウトファイル 2 件に誤りがあるため、一覧に載せていません。" in err
    code, out, _ = run_cli("layouts", "--format", "json", "--templates", str(folder))
    assert code == 1
    assert "my-city" in [row["id"] for row in json.loads(out)]


def _with_broken_neighbour(tmp_path: Path) -> Path:
    """The city's good layout, and another file of the folder with a mistake (version 0)."""
    folder = _city_folder(tmp_path)
    good = (folder / "my-city.yaml").read_text(encoding="utf-8")
    (folder / "city-two.yaml").write_text(
        good.replace("layout: my-city", "layout: city-two")
        .replace("title: 市の事務事業シート", "title: 二つ目のシート")
        .replace("version: 1", "version: 0"),
        encoding="utf-8",
    )
    return folder


def test_a_layout_named_by_its_title_is_found_beside_a_broken_file(tmp_path: Path) -> None:
    folder = _with_broken_neighbour(tmp_path)
    target = tmp_path / "out.xlsx"
    code, _, err = run_cli(
        "template",
        "市の事務事業シート",
        "--year",
        "R6",
        "-o",
        str(target),
        "--templates",
        str(folder),
    )
    assert code == 0, err
    assert target.is_file()


def test_a_title_not_found_names_the_files_that_could_not_be_read(tmp_path: Path) -> None:
    folder = _with_broken_neighbour(tmp_path)
    code, _, err = run_cli(
        "template", "二つ目のシート", "-o", str(tmp_path / "x.xlsx"), "--templates", str(folder)
    )
    assert code != 0 and "Traceback" not in err
    assert "様式「二つ目のシート」はありません" in err
    assert "誤りがあって読めない様式ファイル: city-two.yaml" in err
    assert not (tmp_path / "x.xlsx").exists()


def _templates_sent(tmp_path: Path, folder: Path, names: dict[str, str]) -> Path:
    """A folder 提出 of the R6 templates of the layouts named (layout id → file name)."""
    returns = tmp_path / "提出"
    for layout_id, name in names.items():
        code, _, err = run_cli(
            "template", layout_id, "--year", "R6", "-o", str(returns / name),
            "--templates", str(folder),
        )  # fmt: skip
        assert code == 0, err
    return returns


def _edit(layout: Path, old: str, new: str) -> None:
    """The city's layout file saved with `old` (which it has) replaced by `new`."""
    text = layout.read_text(encoding="utf-8")
    assert old in text
    layout.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("version: 1", "version: 0", "「version」は1以上の整数で書いてください"),
        (  # found only when the layout is laid out for the return
            'formula: "sum(national, prefectural, bonds, other, general)"',
            'formula: "sum(national, prefectural, bonds, other, general, total_a)"',
            "formula の参照が循環しています",
        ),
    ],
)
def test_a_return_of_a_layout_with_a_mistake_is_not_blamed_on_its_department(
    tmp_path: Path, old: str, new: str, said: str
) -> None:
    folder = _city_folder(tmp_path)
    returns = _templates_sent(
        tmp_path, folder, {"my-city": "市.xlsx", "jimu-jigyo": "事務事業.xlsx"}
    )
    _edit(folder / "my-city.yaml", old, new)
    code, out, err = run_cli("check", str(returns), "--format", "json", "--templates", str(folder))
    assert code == 1, err
    problems = {Path(r["file"]).name: r["problems"] for r in json.loads(out)["files"]}
    (broken,) = problems["市.xlsx"]
    assert broken["code"] == "layout-broken"
    assert "提出されたファイルの誤りではありません" in broken["message"]
    assert "レイアウト定義 my-city.yaml (" in broken["message"]
    assert said in broken["message"]
    assert all(p["code"] == "required-missing" for p in problems["事務事業.xlsx"])


def test_a_roster_naming_a_layout_with_a_mistake_says_which_file_to_mend(tmp_path: Path) -> None:
    folder = _city_folder(tmp_path)
    returns = _templates_sent(tmp_path, folder, {"my-city": "市.xlsx"})
    roster = tmp_path / "名簿.csv"
    roster.write_text("様式,施策番号,担当課\nmy-city,1,財政課\n", encoding="utf-8")
    _edit(folder / "my-city.yaml", "version: 1", "version: 0")
    for command in ("check", "rollover"):
        extra = ["-o", str(tmp_path / "翌年度"), "--year", "R7"] if command == "rollover" else []
        code, _out, err = run_cli(
            command, str(returns), "--roster", str(roster), *extra, "--templates", str(folder)
        )
        assert code != 0 and "Traceback" not in err, err
        assert "2行目: 様式「my-city」のレイアウトファイルに誤りがあります" in err, err
        assert "「version」は1以上の整数で書いてください" in err
        assert "はありません" not in err


def test_returns_of_a_layout_with_a_mistake_are_counted_apart_from_unreadable_files(
    tmp_path: Path,
) -> None:
    folder = _city_folder(tmp_path)
    returns = _templates_sent(
        tmp_path, folder, {"my-city": "市.xlsx", "jimu-jigyo": "事務事業.xlsx"}
    )
    (returns / "壊れた.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    _edit(folder / "my-city.yaml", "version: 1", "version: 0")
    code, out, err = run_cli("check", str(returns), "--format", "json", "--templates", str(folder))
    assert code == 1, err
    report = json.loads(out)
    assert (report["stats"]["unreadable"], report["stats"]["layout_broken"]) == (1, 1)
    statuses = {Path(f["file"]).name: f["status"] for f in report["files"]}
    assert statuses == {
        "市.xlsx": "layout-broken",
        "壊れた.xlsx": "unreadable",
        "事務事業.xlsx": "errors",
    }
    by_layout = {g["name"]: g for g in report["summary"]["by_layout"]}
    assert by_layout["(様式定義の誤りで点検できない)"]["files"] == 1
    code, out, err = run_cli("check", str(returns), "--templates", str(folder))
    assert code == 1, err
    assert (
        "合計: 3 ファイル、問題なし 0、エラーあり 3(うち読めない 1、様式定義の誤り 1)、警告のみ 0"
        in out
    )
    code, _out, err = run_cli(
        "fix", str(returns), "-o", str(tmp_path / "修正版"), "--templates", str(folder)
    )
    assert code == 1, err
    assert "様式定義の誤りで点検できません: 市.xlsx: 市.xlsx は様式「my-city」のブックですが" in err
    assert "読めない 1 件、様式定義の誤りで点検できない 1 件" in err
    code, _out, err = run_cli(
        "collect", str(returns), "-o", str(tmp_path / "集計.xlsx"), "--templates", str(folder)
    )
    assert code == 1, err  # the summary is written; the report names what it left out
    assert "読めない 1、様式定義の誤りで点検できない 1、" in err, err
