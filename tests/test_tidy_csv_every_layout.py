"""The tidy CSV of `collect` has every value of every return, once: for each bundled example
filled in, each value its read gives (single fields, year series, every cell of every record,
judgements, grades, computed values) is a row with that value, compared with the reader's own.

The one value a read gives that is no row: a figure computed from nothing (a total over a year
with no input, whose formula shows 0). 狛江's 進捗管理シート names no `summary.values` and once
gave no row at all, though it was summed (its 達成状況 and A–D grades are values).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from xlsxsheet.cli import main
from xlsxsheet.core.data_files import load_document
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.batch import check_returns
from xlsxsheet.office.collect import CSV_HEADER, collect_returns, neutralize, without_values
from xlsxsheet.reading.return_reader import ReadResult, read_file
from xlsxsheet.writing.make_template import make_template

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DOCUMENTS = sorted(EXAMPLES.glob("*.yaml"))
PDCA = "shinchoku-pdca"

Key = tuple[str, str | None, int | None, int | None]  # 項目ID, 表, 行, 年度 (a series')


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every bundled example's filled return, by layout id, in one folder."""
    folder = tmp_path_factory.mktemp("returns")
    made = {}
    for data in DOCUMENTS:
        doc = load_document(data)
        out = folder / f"{data.stem}.xlsx"
        make_template(default_registry().get(doc["layout"]), out, None, doc)
        made[doc["layout"]] = out
    return made


@pytest.fixture(scope="module")
def rows(returns: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The tidy CSV of `xlsxsheet collect` over the folder of every example."""
    out = tmp_path_factory.mktemp("out")
    folder = next(iter(returns.values())).parent
    tidy = out / "集計.csv"
    result = CliRunner().invoke(
        main, ["collect", str(folder), "-o", str(out / "集計.xlsx"), "--csv", str(tidy)]
    )
    assert result.exit_code == 0, result.output
    text = tidy.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].split(",") == list(CSV_HEADER)
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_every_layout_is_an_example() -> None:
    assert {load_document(d)["layout"] for d in DOCUMENTS} == set(default_registry().ids())


def read_values(read: ReadResult) -> tuple[dict[Key, Any], set[Key]]:
    """The values a read gives, by where they are; and those computed from nothing (every
    example has something entered, so only its totals over empty years)."""
    found: dict[Key, Any] = {}
    from_nothing: set[Key] = set()
    for key, slot in read.plan.slots.items():
        value = read.value(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        table = row = None
        if slot.unit is not None:
            table, row = read.plan.records[slot.table or ""].name, slot.unit + 1
        where = (slot.field.id, table, row, slot.year)
        found[where] = value
        # a total over a year with no figure entered (its formula shows 0)
        inputs = [read.inputs.get(s.key) for s in slot.siblings.values() if not s.field.computed]
        if slot.field.computed and number(value) and inputs and not any(map(number, inputs)):
            from_nothing.add(where)
    return found, from_nothing


def number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def csv_key(row: dict[str, str], series: set[str]) -> Key:
    """Where a row's value is: its field, table and row, and the year of a series' column (a
    single value's 年度 is the year it is of, not a place)."""
    year = int(row["年度"]) if row["項目ID"] in series else None
    return (row["項目ID"], row["表"] or None, int(row["行"]) if row["行"] else None, year)


def csv_value(row: dict[str, str]) -> Any:
    assert (row["値"] == "") != (row["値(文字)"] == ""), row  # one or the other
    return float(row["値"]) if row["値"] else row["値(文字)"]


def as_written(value: Any) -> Any:
    """A value of the read as the CSV writes it: a number as a number, a text as entered
    (guarded against being run as a formula)."""
    assert isinstance(value, int | float | str) and not isinstance(value, bool), value
    return neutralize(value) if isinstance(value, str) else float(value)


@pytest.mark.parametrize("data", DOCUMENTS, ids=[d.stem for d in DOCUMENTS])
def test_every_value_of_the_return_is_a_row_once(
    data: Path, returns: dict[str, Path], rows: list[dict]
) -> None:
    layout = load_document(data)["layout"]
    path = returns[layout]
    read = read_file(path)
    values, from_nothing = read_values(read)
    series = {s.field.id for s in read.plan.slots.values() if s.year is not None}
    mine = [r for r in rows if r["ファイル"] == path.name]
    assert mine, f"{layout}: no row in the tidy CSV"
    assert {r["様式ID"] for r in mine} == {layout}
    counted = Counter(csv_key(r, series) for r in mine)
    twice = {k: n for k, n in counted.items() if n > 1}
    assert not twice, f"{layout}: values written more than once: {twice}"
    got = {csv_key(r, series): csv_value(r) for r in mine}
    want = {k: as_written(v) for k, v in values.items() if k not in from_nothing}
    assert set(got) - set(want) == set(), f"{layout}: rows of no value of the read"
    assert set(want) - set(got) == set(), f"{layout}: values of the read left out"
    assert got == want, layout


def test_the_progress_sheet_gives_its_grades_and_achievements(
    returns: dict[str, Path], rows: list[dict]
) -> None:
    """狛江's 進捗管理シート (records only, no `summary.values`): its A–D grade per 施策 and
    達成状況 per 事業 are rows, each with its table and row, as the reader reads them."""
    read = read_file(returns[PDCA])
    mine = [r for r in rows if r["様式ID"] == PDCA]
    for column in ("check", "achieved", "do", "act"):
        for table in ("chiiki", "juso"):
            want = {
                (read.plan.records[table].name, slot.unit + 1): read.value(key)
                for key, slot in read.plan.slots.items()
                if slot.field.id == f"{table}.{column}" and read.value(key) is not None
            }
            got = {
                (r["表"], int(r["行"])): r["値(文字)"]
                for r in mine
                if r["項目ID"] == f"{table}.{column}"
            }
            assert want, (table, column)
            assert got == want, (table, column)
    grades = Counter(r["値(文字)"] for r in mine if r["項目ID"].endswith(".check"))
    assert set(grades) <= {"A", "B", "C", "D", "A(再掲)", "B(再掲)", "C(再掲)", "D(再掲)"}
    assert grades["A"] and sum(grades.values()) == sum(
        1
        for slot in read.plan.slots.values()
        if slot.field.id.endswith(".check") and read.value(slot.key) is not None
    )
    assert {r["区分"] for r in mine} == {""}  # the layout names no 目標, 実績 or 見込み


def test_every_return_summed_gives_rows(returns: dict[str, Path], rows: list[dict]) -> None:
    """As many files in the CSV as returns summed: the web desk's 「N 件の提出の値」 holds."""
    checked = check_returns(sorted(returns.values()))
    collection = collect_returns(checked, {p: p.name for p in returns.values()})
    assert len(collection.kept) == len(returns)
    assert without_values(collection) == []
    assert {r["ファイル"] for r in rows} == {p.name for p in returns.values()}


def test_a_blank_template_gives_no_row(tmp_path: Path) -> None:
    """Nothing entered: no value, not even the 0 its formulas show; `without_values` names it,
    so a count of the returns written out can leave it out."""
    blank = tmp_path / "様式.xlsx"
    make_template(default_registry().get(PDCA), blank, 2023)
    collection = collect_returns(check_returns([blank]))
    assert [Path(r.path) for r in without_values(collection)] == [blank]
