"""Roster rows as an office writes them: a layout with one workbook a year (no summary.key) is
named by its 様式 alone, and a 様式 written short is answered with the name it likely means."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_cli

from xlsxsheet.core.errors import RosterError
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.roster_match import read_expected

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _roster(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "名簿.csv"
    path.write_text("様式,施策番号,担当課\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_layout_without_a_key_is_named_by_its_layout_alone(tmp_path: Path) -> None:
    """README: such a row is answered by the 様式 alone; the roster used to refuse it with
    「施策番号が空欄です」, and offices wrote 「-」."""
    path = _roster(tmp_path, "進捗管理シート,,福祉政策課", "地域福祉計画 進捗管理表,,企画政策課")
    entries = read_expected(path, default_registry())
    assert [(e.layout, e.key) for e in entries] == [
        ("shinchoku-pdca", ""),
        ("shinchoku-shihyo", ""),
    ]
    folder = tmp_path / "提出"
    folder.mkdir()
    for name in ("shinchoku-pdca-R5.xlsx", "shinchoku-shihyo-R6.xlsx"):
        (folder / name).write_bytes((EXAMPLES / name).read_bytes())
    code, out, err = run_cli("check", str(folder), "--roster", str(path), "--format", "json")
    assert code == 0, err  # no row missing
    rows = json.loads(out)["summary"]["roster"]
    assert [(r["layout"], Path(r["file"]).name) for r in rows] == [
        ("shinchoku-pdca", "shinchoku-pdca-R5.xlsx"),
        ("shinchoku-shihyo", "shinchoku-shihyo-R6.xlsx"),
    ]
    assert {r["status"] for r in rows} <= {"clean", "warnings"}


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (
            "施策マネジメントシート,,福祉総務課",
            "2行目: 施策番号が空欄です(様式「shisaku-management」の提出は施策の番号で見分けます)",
        ),
        (  # a 事務事業 row was told of 施策 (the layout's summary.unit)
            "事務事業評価シート,,福祉総務課",
            "2行目: 施策番号が空欄です(様式「jimu-jigyo」の提出は事務事業の番号で見分けます)",
        ),
        (
            "進捗管理表,,企画政策課",
            "2行目: 様式「進捗管理表」はありません。「地域福祉計画 進捗管理表」ではありませんか",
        ),
        (
            "施策マネジメントシー,12,福祉総務課",
            "2行目: 様式「施策マネジメントシー」はありません。「施策マネジメントシート」ではありませんか",
        ),
    ],
)
def test_a_row_the_roster_cannot_use_says_what_to_write(
    tmp_path: Path, row: str, said: str
) -> None:
    with pytest.raises(RosterError) as caught:
        read_expected(_roster(tmp_path, row), default_registry())
    assert said in str(caught.value)


def test_a_number_excel_dropped_the_leading_zero_of_still_answers_its_row(
    tmp_path: Path,
) -> None:
    """A roster opened in Excel and saved again has 7 where the return says 07: the same 施策."""
    path = _roster(tmp_path, "施策評価シート,7,福祉総務課")
    folder = tmp_path / "提出"
    folder.mkdir()
    (folder / "shisaku-hyoka-R1.xlsx").write_bytes(
        (EXAMPLES / "shisaku-hyoka-R1.xlsx").read_bytes()
    )
    code, out, err = run_cli("check", str(folder), "--roster", str(path), "--format", "json")
    assert code == 0, err  # the row is answered: nothing missing
    report = json.loads(out)
    assert report["files"][0]["key"] == "07"  # as the department wrote it
    (row,) = report["summary"]["roster"]
    assert Path(row["file"]).name == "shisaku-hyoka-R1.xlsx", row
    twice = _roster(tmp_path, "施策評価シート,07,福祉総務課", "施策評価シート,7,福祉総務課")
    with pytest.raises(
        RosterError, match="3行目: 様式 shisaku-hyoka の番号「7」は 2行目と重複しています"
    ):
        read_expected(twice, default_registry())


def test_a_roster_message_names_the_key_column_as_the_roster_heads_it(tmp_path: Path) -> None:
    """A roster headed 番号 (one of the names the column may have) was told of 施策番号."""
    path = tmp_path / "名簿.csv"
    path.write_text(
        "様式,番号,担当課,区分\n事務事業評価シート,,福祉総務課,\n事務事業評価シート,9,,新規\n",
        encoding="utf-8",
    )
    with pytest.raises(RosterError) as caught:
        read_expected(path, default_registry())
    said = str(caught.value).splitlines()
    assert said[1:] == [
        "- 2行目: 番号が空欄です(様式「jimu-jigyo」の提出は事務事業の番号で見分けます)",
        "- 3行目: 新規の事務事業には担当課を書いてください",
    ]
