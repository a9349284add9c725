"""A number typed full-width (政策 `３`, 事業番号 `０３－０２－０１６`) is the same number typed
half-width: one group in collect's totals, one spelling in its 評価総括表, and next year's
template writes it half-width (the roster's spelling where that differs otherwise).

The returns are the bundled 事務事業評価シート (児童青少年課, 人件費(B) R6 33,060 千円) copied and
edited with openpyxl as a clerk would type in Excel.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlsxsheet.cli import main
from xlsxsheet.office.batch import check_return
from xlsxsheet.office.collect import collect_returns, cost_tables, grade_tables
from xlsxsheet.office.rollover import rollover
from xlsxsheet.reading.return_reader import read_file

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "jimu-jigyo-R6.xlsx"
PERSONNEL_R6 = 33060  # the example's 人件費(B) 令和6年度 (examples/jimu-jigyo-R6.yaml)


def typed(path: Path, **cells: object) -> Path:
    """The example with the cells of the defined names xs_<name> typed over."""
    book = openpyxl.load_workbook(EXAMPLE)
    for name, value in cells.items():
        ((sheet, ref),) = book.defined_names[f"xs_{name}"].destinations
        book[sheet][ref.replace("$", "")].value = value
    book.save(path)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three 事務事業 of 政策 3 / 施策 3-2: one typed half-width, one full-width, one half-width
    with its 人件費(B) R6 changed, so that every total tells which returns it holds."""
    root = tmp_path / "提出"
    root.mkdir()
    typed(root / "015.xlsx")  # 03-02-015, 政策 3, 施策 3-2
    typed(
        root / "016.xlsx",
        header_jigyo_no="０３－０２－０１６",
        header_seisaku_no="３",
        header_shisaku_no="３－２",
    )
    typed(root / "017.xlsx", header_jigyo_no="03-02-017", perf_staff_personnel_b_y2024=10000)
    return root


def test_full_width_numbers_are_one_group_in_the_cost_tables(folder: Path) -> None:
    collection = collect_returns(check_return(p) for p in sorted(folder.iterdir()))
    (table,) = cost_tables(collection)
    total = 2 * PERSONNEL_R6 + 10000
    assert list(table["policies"]) == [("3", "子どもが健やかに育つまち")]
    assert table["policies"][("3", "子どもが健やかに育つまち")]["人件費(B)"][2024] == total
    (shisaku, by_shisaku), (seisaku, by_seisaku) = table["levels"]
    assert (shisaku, seisaku) == ("施策", "政策")
    assert list(by_shisaku) == [("3-2", "子育て家庭への支援の充実")]
    assert by_shisaku[("3-2", "子育て家庭への支援の充実")]["人件費(B)"][2024] == total
    assert list(by_seisaku) == [("3", "子どもが健やかに育つまち")]
    # the returns' own cells are as typed: the 政策 of each return on its row
    assert [info.policy for info, label, _ in table["units"] if label == "人件費(B)"] == [
        "3",
        "３",
        "3",
    ]


def test_collect_workbook_totals_full_width_numbers_with_the_others(
    folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "集計.xlsx"
    result = CliRunner().invoke(main, ["collect", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    rows = [r for r in book["政策別コスト"].iter_rows(values_only=True) if r[2] == "人件費(B)"]
    header = next(r for r in book["政策別コスト"].iter_rows(values_only=True) if r[0] == "政策番号")
    r6 = header.index("R6年度")
    policy_rows = [r for r in rows if r[0] in ("3", "３")]
    assert [(r[0], r[1], r[r6]) for r in policy_rows] == [
        ("3", "子どもが健やかに育つまち", 2 * PERSONNEL_R6 + 10000)
    ]
    grades = list(book["評価総括表"].iter_rows(values_only=True))
    numbers = [r[0] for r in grades if isinstance(r[0], str) and r[0].startswith(("0", "０"))]
    assert numbers[:3] == ["03-02-015", "03-02-016", "03-02-017"]
    members = next(r[1] for r in grades if r[0] == "A")  # 必要性 A: every one of the three
    assert "03-02-016 放課後児童健全育成事業" in members and "０" not in members


def test_grade_rows_show_the_number_as_compared(folder: Path) -> None:
    collection = collect_returns(check_return(p) for p in sorted(folder.iterdir()))
    table = next(t for t in grade_tables(collection) if t["item"] == "必要性")
    assert [row.key for row in table["rows"]] == ["03-02-015", "03-02-016", "03-02-017"]
    assert table["totals"]["A"] == 3


def test_rollover_writes_a_full_width_number_half_width_and_the_rosters_spelling(
    tmp_path: Path,
) -> None:
    """Next year's 事業番号 typed full-width is written half-width, as the corrected copy writes
    it (said as value-normalized), with a roster or without; a roster row that matched only
    without its leading zeros (Excel's 3-2-16) changes nothing more, and a number the roster
    spells otherwise (`①`, the roster's 1) takes the roster's spelling (key-changed)."""
    returns = tmp_path / "R6提出"
    returns.mkdir()
    typed(returns / "015.xlsx", header_jigyo_no="０３－０２－０１５")
    typed(returns / "016.xlsx", header_jigyo_no="０３－０２－０１６")
    typed(returns / "017.xlsx", header_jigyo_no="03-02-①")
    roster = tmp_path / "名簿.csv"
    roster.write_text(
        "様式,施策番号,担当課\n事務事業評価シート,03-02-015,児童青少年課\n"
        "事務事業評価シート,3-2-16,児童青少年課\n事務事業評価シート,03-02-1,児童青少年課\n",
        encoding="utf-8",
    )
    result = rollover([returns], 2025, tmp_path / "R7", roster=roster)
    assert result.ok, [p.message for i in result.items for p in i.problems]
    by_line = {item.roster_line: item for item in result.items}
    first, second, third = by_line[2], by_line[3], by_line[4]
    assert first.output is not None and second.output is not None and third.output is not None
    assert read_file(first.output).value(("header.jigyo_no", None)) == "03-02-015"
    (note,) = [p for p in first.problems if p.code == "value-normalized"]
    assert note.severity == "info"
    assert note.message == (
        "事業番号を「０３－０２－０１５」から「03-02-015」にしました"
        "(全角の英数字・記号を半角に変換しました)。"
    )
    assert (note.value, note.expected) == ("０３－０２－０１５", "03-02-015")
    assert not [p for p in first.problems if p.code == "key-changed"]  # the roster's too
    assert read_file(second.output).value(("header.jigyo_no", None)) == "03-02-016"
    assert not [p for p in second.problems if p.code == "key-changed"]
    assert read_file(third.output).value(("header.jigyo_no", None)) == "03-02-1"
    (note,) = [p for p in third.problems if p.code == "key-changed"]
    assert note.message == "事業番号を「03-02-①」から名簿の表記「03-02-1」にしました(名簿 4行目)。"
    assert not [p for p in third.problems if p.code == "value-normalized"]
    plain = rollover([returns], 2025, tmp_path / "R7なし")
    kept = {read_file(i.output).value(("header.jigyo_no", None)) for i in plain.written}
    assert kept == {"03-02-015", "03-02-016", "03-02-①"}


def test_rollover_text_shows_the_number_changed(tmp_path: Path) -> None:
    returns = tmp_path / "R6提出"
    returns.mkdir()
    typed(returns / "015.xlsx", header_jigyo_no="０３－０２－０１５")
    roster = tmp_path / "名簿.csv"
    roster.write_text(
        "様式,施策番号,担当課\n事務事業評価シート,03-02-015,児童青少年課\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        main,
        [
            *("rollover", str(returns), "--year", "R7", "-o", str(tmp_path / "R7")),
            *("--roster", str(roster)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "  [情報] 事業番号を「０３－０２－０１５」から「03-02-015」にしました"
        "(全角の英数字・記号を半角に変換しました)。"
    ) in result.output.splitlines()


def test_the_tidy_csv_writes_numbers_as_the_workbook_shows_them(
    folder: Path, tmp_path: Path
) -> None:
    """The CSV kept ３ and ０３－０２－０１６ as typed: a pivot of it had two 政策 3."""
    out = tmp_path / "集計.csv"
    args = ["collect", str(folder), "-o", str(tmp_path / "集計.xlsx"), "--csv", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {r["政策番号"] for r in rows} == {"3"}
    assert sorted({r["番号"] for r in rows}) == ["03-02-015", "03-02-016", "03-02-017"]
