"""rollover: next year's templates from this year's returns, checked field by field via read --flat.

The expectations are restated here from the issue (what belongs to the plan, what to the year),
by field id, independently of the `rollover:` declarations in the layout files.
"""

from __future__ import annotations

import copy
import json
import re
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from xlsxsheet.cli import main
from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.data_folders import example_documents
from xlsxsheet.core.fiscal_year import parse_fiscal_year
from xlsxsheet.external.libreoffice import recalculate
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.rollover import rollover
from xlsxsheet.plan.document import get_path
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

# field id → "carry" | "clear", per layout: the split, restated as regular expressions.
# Anything not matched by a rule is an error of the test (every field must be decided here).
# A records column is named by its table and column (torikumi.s1.status).
SPLIT: dict[str, list[tuple[str, str]]] = {
    "shisaku-management": [
        (r"^perf\.outcome\.d\d\.[ai]\.(achievement|yoy)$", "clear"),  # judgements
        (r"^(header|purpose|indicators|plan)\.", "carry"),  # names, units, directions, 対象/目的
        (r"^perf\.", "carry"),  # targets of all years, past actuals, 出典
        (r"^(evaluation|status|result|direction)\.", "clear"),  # this year's texts and grades
    ],
    "shisaku-hyoka": [
        (r"^header\.", "carry"),  # 施策番号・名, 主管課, 目的, 施策の方向, SDGs
        (r"^indicators\.actual$", "clear"),  # the year's 実績値
        (r"^indicators\.", "carry"),  # No., 指標名, 基準値, 単位, 目標値
        (r"^jigyo_list\.", "carry"),  # the 施策's 事務事業
        (r"^jigyo\.(num|name|project|strategy|dept)$", "carry"),  # which 事務事業 (No. is the key)
        (r"^jigyo\.", "clear"),  # the year's 決算, 実績, ● marks, 今後の取組
        (r"^(do|check|actions|indicator_notes)\.", "clear"),  # the year's texts and grade
    ],
    "shinchoku-shihyo": [
        (r"^torikumi\.s\d\.(status|issues)$", "clear"),  # the year's 取組状況 and 課題
        (r"^torikumi\.s\d\.", "carry"),  # 取組, 担当課, 指標, 目標/実績/評価 of every plan year
        (r"^review\.", "clear"),  # the year's 総評
    ],
    "shinchoku-pdca": [
        (r"^(chiiki|juso)\.(do|achieved|check|act|report_page)$", "clear"),  # Do, Check, Act
        (r"^(chiiki|juso)\.", "carry"),  # 基本目標/施策 headings, 事業, Plan, 担当課, 頁, 指標
        (r"^opinions[12]\.opinion$", "clear"),  # the committee's opinions of the year
        (r"^opinions[12]\.", "carry"),  # the 施策 they are about
    ],
    "kihon-keikaku": [
        (r"^(header|outline|directions|indicators)\.", "carry"),  # a plan: all of it is the plan
    ],
    "jimu-jigyo": [
        (r"^(header|purpose)\.", "carry"),  # 事業番号・名, 担当課, 事業期間, 対象・意図・手段
        (r"^perf\.", "carry"),  # indicator names, units, directions, targets, past 決算 by year
        (r"^evaluation\.", "clear"),  # the year's grades, 総合評価 and 今後の方向性
    ],
}
# Year columns whose role changes next year (jimu-jigyo's R7 is 予算 in the R6 return and 決算
# in the R7 template): the values of these fields there are no actuals and are left empty.
ROLE_MOVES: dict[str, tuple[str, set[int]]] = {"jimu-jigyo": (r"^perf\.(cost|staff)\.", {2025})}
# Labels of the new year that must be there, and of the old year that must be gone.
NEW_LABELS: dict[str, tuple[list[str], list[str]]] = {
    "shisaku-management": (
        ["3年度の取組状況", "4年度の取組予定", "5年度の取組方針"],
        ["2年度の取組状況", "3年度の取組予定", "4年度の取組方針"],
    ),
    "shisaku-hyoka": (["実績値 令和2年度", "R2 決算事業費(千円)"], ["実績値 令和元年度", "R1 "]),
    "shinchoku-shihyo": (["R7の取組状況"], ["R6の取組状況"]),
    "shinchoku-pdca": ([], []),  # no field label names the year
    "kihon-keikaku": ([], []),
    "jimu-jigyo": ([], []),  # the year is in headings only
}
FILE_NAMES = {
    "shisaku-management-R2": "福祉総務課_12_R3.xlsx",
    "shisaku-hyoka-R1": "福祉健康部 福祉総務課_07_R2.xlsx",
    "shinchoku-shihyo-R6": "地域福祉計画 進捗管理表_R7.xlsx",  # no 施策 key: one per plan
    "shinchoku-pdca-R5": "進捗管理シート_R6.xlsx",
    "kihon-keikaku-H28": "福祉総務課_12_H29.xlsx",  # one plan workbook per 基本施策 (its key)
    "jimu-jigyo-R6": "児童青少年課_03-02-015_R7.xlsx",  # one workbook per 事務事業 (its key)
}


def expected_mode(layout_id: str, field_id: str) -> str:
    for pattern, mode in SPLIT[layout_id]:
        if re.search(pattern, field_id):
            return mode
    raise AssertionError(f"the test does not say what happens to {layout_id} {field_id}")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def flat(path: Path) -> dict[str, Any]:
    code, out, _ = run("read", str(path), "--flat")
    assert code == 0, out
    return json.loads(out)


def by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in data["fields"]}


def column_of(cell: str) -> str:
    return cell.rstrip("0123456789")


def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


EXAMPLES = example_documents()


class Rolled(dict):  # type: ignore[type-arg]
    """Each example as a return and rolled forward one year (through the CLI), made on demand."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def __missing__(self, stem: str) -> dict[str, Any]:
        path = next(p for p in EXAMPLES if p.stem == stem)
        doc = load_document(path)
        layout = default_registry().get(str(doc["layout"]))
        source = self.folder / "returns" / f"{stem}.xlsx"
        source.parent.mkdir(exist_ok=True)
        make_template(layout, source, None, doc)
        year = read_file(source).plan.year
        target = self.folder / "rolled" / stem
        code, output, _ = run(
            "rollover", str(source), "--year", str(year + 1), "-o", str(target), "--format", "json"
        )
        assert code == 0, output
        report = json.loads(output)
        (item,) = report["items"]
        self[stem] = {"source": source, "output": Path(item["output"]), "report": report}
        return self[stem]


@pytest.fixture(scope="module")
def rolled(tmp_path_factory: pytest.TempPathFactory) -> Rolled:
    return Rolled(tmp_path_factory.mktemp("examples"))


def test_every_layout_has_an_example() -> None:
    layouts = {str(load_document(p)["layout"]) for p in EXAMPLES}
    assert layouts == set(default_registry().ids())
    assert layouts <= set(SPLIT), "add the carry/clear split of the new layout to this test"


def read_document(path: Path) -> dict[str, Any]:
    code, out, _ = run("read", str(path))
    assert code == 0, out
    return json.loads(out)


def not_empty(value: Any) -> bool:
    return value not in (None, "", {}) and (
        not isinstance(value, dict) or any(v is not None for v in value.values())
    )


def without_empty(record: dict[str, Any]) -> dict[str, Any]:
    """A record without its empty cells (a grid row without its empty years)."""
    result = {}
    for key, value in record.items():
        if isinstance(value, dict):
            value = {y: v for y, v in value.items() if v is not None}
        if not_empty(value):
            result[key] = value
    return result


def identity(record: dict[str, Any]) -> tuple[Any, ...]:
    """A read --flat record's cell: its name (and row, column and year in a records table)."""
    return (record["name"], record.get("row"), record.get("field"), record.get("year"))


def field_of(record: dict[str, Any], plan: Any) -> tuple[str, int | None, str | None]:
    """(field id, year, year set) of a read --flat record, from the plan of its workbook."""
    tables = {t.name: t for t in getattr(plan, "records", {}).values()}
    if record["name"] in tables:
        field_id = f"{tables[record['name']].key}.{record['field']}"
        return field_id, record.get("year"), plan.layout.fields[field_id].years
    slot = next(s for s in plan.slots.values() if s.name == record["name"])
    return slot.field.id, slot.year, slot.field.years


@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES])
def test_rolled_template_field_by_field(stem: str, rolled: Rolled) -> None:
    source_path, output = rolled[stem]["source"], rolled[stem]["output"]
    before, after = flat(source_path), flat(output)
    layout = default_registry().get(before["layout"])
    assert after["layout"] == before["layout"]
    assert after["year"] == before["year"] + 1  # metadata carries the new fiscal year
    assert output.name == FILE_NAMES[stem]
    old_plan, plan = read_file(source_path).plan, read_file(output).plan
    params = plan.params
    assert params == old_plan.params  # the plan period is carried

    def window(year_set: str, year: int) -> list[int]:
        return list(layout.year_sets[year_set].years(year, params))

    old = {identity(r): r for r in before["fields"]}
    new = {identity(r): r for r in after["fields"]}
    counts = {"carried": 0, "cleared": 0, "moved": 0, "lost": 0}
    moving = False
    old_values: dict[tuple[Any, ...], set[str]] = {}
    for r in before["fields"]:
        if "row" in r:
            old_values.setdefault((r["name"], r["field"], r.get("year")), set()).add(
                json.dumps(r["value"])
            )
    for key, record in new.items():
        field_id, year, year_set = field_of(record, plan)
        source = old.get(key)
        moved_role = ROLE_MOVES.get(layout.id)
        if moved_role and re.match(moved_role[0], field_id) and year in moved_role[1]:
            if record["kind"] == "computed":  # recomputed from the emptied inputs
                assert record["value"] in (0, None), key
                continue
            assert source is not None and source["value"] is not None, key  # the budget
            assert record["value"] is None, f"{key} ({record['label']}): a 予算 is no 決算"
            counts["cleared"] += 1
            continue
        if record["kind"] == "computed":
            if year is not None and source is not None:  # a total of one year's own inputs
                assert record["value"] == source["value"], key
            continue
        if expected_mode(layout.id, field_id) == "clear":
            assert record["value"] is None, f"{key} ({record['label']}) should be cleared"
            counts["cleared"] += source is not None and source["value"] is not None
            continue
        if "row" in record:  # a records table: its records are compared as a whole below
            values = old_values.get((record["name"], record["field"], year), set())
            assert record["value"] is None or json.dumps(record["value"]) in values, key
            continue
        expected = source["value"] if source is not None else None
        assert record["value"] == expected, f"{key} ({record['label']}) should be carried"
        counts["carried"] += expected is not None
        if year is not None and source is not None:
            assert year_set is not None
            old_years, new_years = window(year_set, before["year"]), window(year_set, after["year"])
            shift = column_index(column_of(record["cell"])) - column_index(
                column_of(source["cell"])
            )
            assert shift == new_years.index(year) - old_years.index(year), f"{key} moved {shift}"
            counts["moved"] += shift != 0 and expected is not None
            moving = moving or old_years != new_years
    # Records tables: each record keeps its structure and carried columns, in order; a record
    # with nothing carried is left out (a repeated heading then merges with the one above).
    old_doc, new_doc = read_document(source_path), read_document(output)
    for table in getattr(plan, "records", {}).values():
        expected = []
        for record in get_path(old_doc, table.path) or []:
            kept = {}
            for column, value in record.items():
                field_id = f"{table.key}.{column}"
                fdef = layout.fields.get(field_id)
                if fdef is not None and expected_mode(layout.id, field_id) == "clear":
                    continue
                if fdef is not None and fdef.years is not None:
                    in_window = window(fdef.years, after["year"])
                    value = {
                        y: v for y, v in value.items() if v is not None and int(y) in in_window
                    }
                kept[column] = value
            carried = [c for c in kept if f"{table.key}.{c}" in layout.fields]
            if any(not_empty(kept[c]) for c in carried) and (
                not expected or without_empty(kept) != expected[-1]  # a repeat is one row
            ):
                expected.append(without_empty(kept))
                counts["carried"] += 1
        got = [without_empty(r) for r in get_path(new_doc, table.path) or []]
        assert got == expected, table.key
    # Year columns that leave the window are gone; every value they held is reported.
    lost = set()
    for key, record in old.items():
        field_id, year, year_set = field_of(record, old_plan)
        if year is None or year_set is None or year in window(year_set, after["year"]):
            continue
        assert key not in new, key
        if record["value"] is not None and record["kind"] == "input":
            lost.add((record["label"], json.dumps(record["value"])))
    dropped = rolled[stem]["report"]["items"][0]["dropped"]
    assert {(d["label"], json.dumps(d["value"])) for d in dropped} == lost
    counts["lost"] = len(lost)
    # The test is not vacuous: each kind of thing happened (moves only where windows move,
    # clearing only where the layout has a year's part: a plan is all plan).
    expected_kinds = {"carried"} | ({"moved", "lost"} if moving else set())
    if any(mode == "clear" for _, mode in SPLIT[layout.id]):
        expected_kinds.add("cleared")
    assert all(counts[k] for k in expected_kinds), counts
    # Labels are rendered for the new year.
    labels = [r["label"] for r in after["fields"]]
    present, gone = NEW_LABELS[layout.id]
    for text in present:
        assert any(text in label for label in labels), text
    for text in gone:
        assert not any(label.startswith(text) for label in labels), text
    # The metadata of the workbook says the new year.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(output)
    meta = dict(book["_xlsxsheet"].iter_rows(min_row=2, values_only=True))
    assert parse_fiscal_year(meta["year"]) == before["year"] + 1
    assert meta["layout"] == layout.id


def fill(path: Path, values: dict[str, Any]) -> None:
    """Type values into a template by defined name, as a department does in Excel."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    for name, value in values.items():
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "")].value = value
    book.save(path)


R3_INPUT = {
    "xs_perf_outcome_d1_a_actual_y2021": 13.9,
    "xs_perf_outcome_d1_a_achievement": "未達成",
    "xs_perf_outcome_d1_a_yoy": "向上",
    "xs_perf_target_a_actual_y2021": "７６，８１２",
    "xs_perf_cost_national_y2021": 1700000,
    "xs_perf_cost_general_y2021": 60000,
    "xs_perf_cost_personnel_b_y2021": 170000,
    "xs_perf_outcome_d2_a_target_y2024": 60.0,
    "xs_evaluation_achievement_grade": "C",
    "xs_result_overall_grade": "B",
    "xs_status_this_year": "令和3年度は中間評価を実施した。",
    "xs_header_manager": "国立 花子",
}


@pytest.fixture(scope="module")
def second(rolled: Rolled, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The rolled R3 template, filled in by the department, rolled again to R4."""
    folder = tmp_path_factory.mktemp("second")
    r3_path = folder / "返却" / "福祉総務課_12_R3.xlsx"
    r3_path.parent.mkdir()
    r3_path.write_bytes(rolled["shisaku-management-R2"]["output"].read_bytes())
    fill(r3_path, R3_INPUT)
    code, output, _ = run(
        "rollover",
        str(r3_path.parent),
        "--year",
        "R4",
        "-o",
        str(folder / "R4"),
        "--format",
        "json",
    )
    assert code == 0, output
    (item,) = json.loads(output)["items"]
    return {"source": r3_path, "output": Path(item["output"]), "item": item}


def test_second_rollover_keeps_the_history(rolled: Rolled, second: dict[str, Any]) -> None:
    r2 = by_name(flat(rolled["shisaku-management-R2"]["source"]))
    item = second["item"]
    r4 = by_name(flat(second["output"]))
    assert Path(item["output"]).name == "福祉総務課_12_R4.xlsx"
    # what the department typed in R3 and belongs to the plan is there
    assert r4["xs_perf_outcome_d1_a_actual_y2021"]["value"] == 13.9
    assert r4["xs_perf_target_a_actual_y2021"]["value"] == 76812
    assert r4["xs_perf_outcome_d2_a_target_y2024"]["value"] == 60.0
    assert r4["xs_header_manager"]["value"] == "国立 花子"
    assert r4["xs_perf_cost_total_a_y2021"]["value"] == 1760000
    assert r4["xs_perf_cost_total_y2021"]["value"] == 1930000
    # the R2 return's values are still there, in the years the window keeps (from 2018)
    kept = 0
    for name, record in r2.items():
        match = re.search(r"_y(\d{4})$", name)
        typed_in_r3 = name in R3_INPUT or record["kind"] == "computed"
        if (
            match
            and int(match.group(1)) >= 2018
            and record["value"] is not None
            and not typed_in_r3
        ):
            assert r4[name]["value"] == record["value"], name
            kept += 1
    assert kept > 40
    # R3's texts, judgements and grades are cleared
    for name in (
        "xs_perf_outcome_d1_a_achievement",
        "xs_perf_outcome_d1_a_yoy",
        "xs_evaluation_achievement_grade",
        "xs_result_overall_grade",
        "xs_status_this_year",
    ):
        assert r4[name]["value"] is None, name
    # 2017 fell out of the window: reported
    assert {d["year"] for d in item["dropped"]} == {2017}
    assert any(
        d["label"].startswith("施策コスト") and d["value"] == 1600575 for d in item["dropped"]
    )
    assert r4["xs_status_this_year"]["label"] == "4年度の取組状況"


# --- problems are listed, not guessed ---------------------------------------------------------
def make_return(folder: Path, name: str, **header: Any) -> Path:
    doc = copy.deepcopy(load_document(EXAMPLES_BY_LAYOUT["shisaku-management"]))
    doc["header"].update(header)
    path = folder / name
    make_template(default_registry().get("shisaku-management"), path, None, doc)
    return path


EXAMPLES_BY_LAYOUT = {str(load_document(p)["layout"]): p for p in EXAMPLES}


def test_missing_unreadable_and_wrong_year_returns_are_listed(
    tmp_path: Path, rolled: Rolled
) -> None:
    good = make_return(tmp_path, "施策12.xlsx")
    broken = tmp_path / "壊れた提出.xlsx"
    broken.write_text("これはExcelブックではありません", encoding="utf-8")
    foreign = tmp_path / "他の表.xlsx"
    openpyxl.Workbook().save(foreign)
    already = rolled["shisaku-management-R2"]["output"]
    code, output, _ = run(
        "rollover",
        str(good),
        str(tmp_path / "ない.xlsx"),
        str(broken),
        str(foreign),
        str(already),
        "--year",
        "R3",
        "-o",
        str(tmp_path / "R3"),
    )
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == (
        "作成 福祉総務課_12_R3.xlsx ← 施策12.xlsx(12 支え合いの地域づくりと自立支援 福祉総務課)"
        ": 引き継ぎ 105 項目、今年度の記入を消去 20 項目"
    )
    assert f"  [エラー] 提出ファイル {tmp_path / 'ない.xlsx'} が見つかりません。" in lines
    assert any(line.startswith("  [エラー] 壊れた提出.xlsx ") and "Excel" in line for line in lines)
    assert any("他の表.xlsx には xlsxsheet の様式情報がありません" in line for line in lines)
    assert (
        "  [エラー] 福祉総務課_12_R3.xlsx は令和3年度の施策マネジメントシートです。"
        "令和3年度の様式は令和2年度の提出から作ります。"
    ) in lines
    assert lines[-1] == (
        f"令和3年度の様式: 作成 1 件(新規 0 件)、作成できなかったもの 4 件、"
        f"名簿にないため作成しなかったもの 0 件 → {tmp_path / 'R3'}"
    )
    assert sorted(p.name for p in (tmp_path / "R3").iterdir()) == ["福祉総務課_12_R3.xlsx"]


def test_duplicate_returns_are_not_guessed(tmp_path: Path) -> None:
    make_return(tmp_path, "施策12_福祉総務課.xlsx")
    make_return(tmp_path, "施策12_再提出.xlsx", lead_dept="福祉政策課")
    result = rollover([tmp_path], 2021, tmp_path / "R3")
    assert not result.ok
    assert result.written == []
    assert [p.code for i in result.items for p in i.problems] == ["return-duplicate"] * 2
    assert "施策マネジメントシート 12 の提出が 2 件あります" in result.items[0].problems[0].message


def test_a_duplicate_is_named_by_its_number_as_written(tmp_path: Path) -> None:
    """「012」 and 「12」 are the same 施策 (leading zeros do not decide): said as written, not
    as matched (it said 3-2-15 of a return numbered 03-02-015)."""
    make_return(tmp_path, "施策012.xlsx", shisaku_no="012")
    make_return(tmp_path, "施策12.xlsx")
    result = rollover([tmp_path], 2021, tmp_path / "R3")
    messages = [p.message for i in result.items for p in i.problems]
    assert len(messages) == 2 and all(
        "施策マネジメントシート 012 の提出が 2 件" in m for m in messages
    )


def test_two_returns_of_a_keyless_layout_are_duplicates(rolled: Rolled, tmp_path: Path) -> None:
    source = rolled["shinchoku-shihyo-R6"]["source"]
    for name in ("進捗管理表.xlsx", "進捗管理表_修正.xlsx"):
        (tmp_path / name).write_bytes(source.read_bytes())
    result = rollover([tmp_path], 2025, tmp_path / "R7")
    assert result.written == []
    assert [p.code for i in result.items for p in i.problems] == ["return-duplicate"] * 2
    assert (
        result.items[0]
        .problems[0]
        .message.startswith(
            "地域福祉計画 進捗管理表 の提出が 2 件あります(進捗管理表.xlsx、進捗管理表_修正.xlsx)。"
        )
    )


def test_roster_adds_drops_and_moves_without_editing_workbooks(tmp_path: Path) -> None:
    returns = tmp_path / "R2提出"
    returns.mkdir()
    make_return(returns, "施策12.xlsx")
    make_return(
        returns, "施策13.xlsx", shisaku_no="13", shisaku_name="健康づくり", lead_dept="健康推進課"
    )
    make_return(
        returns, "施策14.xlsx", shisaku_no="14", shisaku_name="廃止する施策", lead_dept="福祉総務課"
    )
    roster = tmp_path / "名簿.csv"
    roster.write_bytes(
        (
            "様式,施策番号,担当課,ファイル名,区分\r\n"
            "施策マネジメントシート,12,地域共生推進課,,\r\n"
            "施策マネジメントシート,13,健康推進課,健康:施策13?.xlsx,\r\n"
            "施策マネジメントシート,15,子ども家庭支援課,,新規\r\n"
        ).encode("cp932")
    )
    out = tmp_path / "R3"
    code, output, _ = run(
        "rollover", str(returns), "--year", "R3", "-o", str(out), "--roster", str(roster)
    )
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == [
        "健康_施策13_.xlsx",
        "地域共生推進課_12_R3.xlsx",
        "子ども家庭支援課_15_R3.xlsx",
    ]
    assert "  [情報] 担当課を「福祉総務課」から「地域共生推進課」にしました(名簿 2行目)。" in output
    assert "作成せず 施策14.xlsx(14 廃止する施策 福祉総務課)" in output
    moved = by_name(flat(out / "地域共生推進課_12_R3.xlsx"))
    assert moved["xs_header_lead_dept"]["value"] == "地域共生推進課"
    assert moved["xs_perf_outcome_d1_a_target_y2027"]["value"] == 18.0
    new = by_name(flat(out / "子ども家庭支援課_15_R3.xlsx"))
    filled = {
        n: r["value"] for n, r in new.items() if r["value"] is not None and r["kind"] == "input"
    }
    assert filled == {"xs_header_shisaku_no": "15", "xs_header_lead_dept": "子ども家庭支援課"}
    assert read_file(out / "子ども家庭支援課_15_R3.xlsx").plan.params == {
        "plan_start": 2020,
        "plan_final": 2027,
    }


def test_roster_row_without_return_is_an_error(tmp_path: Path) -> None:
    make_return(tmp_path, "施策12.xlsx")
    roster = tmp_path / "名簿.csv"
    roster.write_text(
        "様式,施策番号,担当課\nshisaku-management,12,福祉総務課\nshisaku-management,16,福祉総務課\n",
        encoding="utf-8-sig",
    )
    code, output, _ = run(
        "rollover",
        str(tmp_path / "施策12.xlsx"),
        "--year",
        "R3",
        "-o",
        str(tmp_path / "R3"),
        "--roster",
        str(roster),
    )
    assert code == 1
    assert (
        "  [エラー] 名簿 3行目の 施策マネジメントシート 16(福祉総務課)の提出がありません。"
        "提出を受け取るか、新しい施策なら名簿の区分に「新規」と書いてください。"
    ) in output.splitlines()


def test_bad_roster_stops_before_writing(tmp_path: Path) -> None:
    make_return(tmp_path, "施策12.xlsx")
    roster = tmp_path / "名簿.csv"
    roster.write_text("様式,施策番号\nshisaku-management,12\n", encoding="utf-8")
    code, output, errors = run(
        "rollover",
        str(tmp_path / "施策12.xlsx"),
        "--year",
        "R3",
        "-o",
        str(tmp_path / "R3"),
        "--roster",
        str(roster),
    )
    assert code == 2  # a usage mistake
    assert (
        errors == "エラー: 名簿 名簿.csv を使えません:\n- 1行目: 見出しに「担当課」がありません\n"
    )
    assert output == ""
    assert not (tmp_path / "R3").exists()


def test_name_collisions_get_a_suffix_and_inputs_are_never_overwritten(tmp_path: Path) -> None:
    make_return(tmp_path, "福祉総務課.xlsx")
    make_return(tmp_path, "施策13.xlsx", shisaku_no="13")
    result = rollover([tmp_path], 2021, tmp_path, pattern="{担当課}.xlsx")
    assert result.ok
    assert sorted(i.output.name for i in result.written) == [
        "福祉総務課_2.xlsx",
        "福祉総務課_3.xlsx",
    ]
    assert read_file(tmp_path / "福祉総務課.xlsx").plan.year == 2020


def test_invalid_values_are_reported_not_carried(tmp_path: Path) -> None:
    path = make_return(tmp_path, "施策12.xlsx")
    fill(path, {"xs_perf_outcome_d1_a_target_y2022": "15.7くらい"})
    result = rollover([path], 2021, tmp_path / "R3")
    (item,) = result.items
    assert result.ok  # a warning: the template is made, the value listed
    (problem,) = [p for p in item.problems if p.code == "value-not-carried"]
    assert "「15.7くらい」は読み取れないため翌年度の様式に引き継ぎません" in problem.message
    assert read_file(item.output).value(("perf.outcome.d1.a.target", 2022)) is None


@pytest.mark.libreoffice
@pytest.mark.parametrize("which", [*(p.stem for p in EXAMPLES), "second"])
def test_libreoffice_recalculates_rolled_templates_to_our_values(
    soffice: str, which: str, rolled: Rolled, second: dict[str, Any], tmp_path: Path
) -> None:
    output = second["output"] if which == "second" else rolled[which]["output"]
    recalculated = recalculate(output, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cached = openpyxl.load_workbook(recalculated, data_only=True)
    ours = read_file(output)
    compared = nonzero = 0
    for key, slot in ours.plan.slots.items():
        if not slot.field.computed:
            continue
        value = cached[slot.sheet].cell(slot.row + 1, slot.col + 1).value
        expected = ours.computed[key]
        if expected == "":  # an empty text (no 施策 in a grade): LibreOffice saves no value
            expected = None
        assert value == expected, slot.label
        compared += 1
        nonzero += bool(value)
    assert compared or not any(f.computed for f in ours.plan.layout.fields.values()), which
    if which in ("shisaku-management-R2", "second"):  # totals of carried costs
        assert nonzero, which
    # LibreOffice opens it and saves it back: the same document, the same year
    assert read_file(recalculated).document() == ours.document()


def test_rerun_into_a_folder_inside_the_returns_skips_the_earlier_output(tmp_path: Path) -> None:
    make_return(tmp_path, "施策12.xlsx")
    make_return(tmp_path, "施策13.xlsx", shisaku_no="13")
    for _ in range(2):
        result = rollover([tmp_path], 2021, tmp_path / "R3", jobs=2)
        assert result.ok, [p.message for i in result.items for p in i.problems]
        assert [i.source.name for i in result.items if i.source] == ["施策12.xlsx", "施策13.xlsx"]
    assert sorted(p.name for p in (tmp_path / "R3").iterdir()) == [
        "福祉総務課_12_R3.xlsx",
        "福祉総務課_13_R3.xlsx",
    ]
    # named explicitly, an earlier output is a return of another year
    result = rollover([tmp_path, tmp_path / "R3" / "福祉総務課_12_R3.xlsx"], 2021, tmp_path / "R3")
    assert [p.code for i in result.items for p in i.problems] == ["return-wrong-year"]


# --- the plan (kihon-keikaku) supplies what the return leaves empty ---------------------------
def make_plan(folder: Path, name: str, shisaku_no: str, final_d1a: float) -> Path:
    doc = copy.deepcopy(load_document(EXAMPLES_BY_LAYOUT["kihon-keikaku"]))
    doc["header"]["shisaku_no"] = shisaku_no
    doc["indicators"]["d1"]["a"]["final"] = final_d1a
    path = folder / name
    make_template(default_registry().get("kihon-keikaku"), path, None, doc)
    return path


def test_plan_fills_a_new_shisaku_and_the_gaps_of_a_return(tmp_path: Path) -> None:
    returns = tmp_path / "提出"
    returns.mkdir()
    source = make_return(returns, "施策12.xlsx")
    fill(source, {"xs_perf_outcome_d2_i_target_y2023": None})  # a gap the plan fills (73.0)
    plans = tmp_path / "基本計画"
    plans.mkdir()
    make_plan(plans, "基本施策12.xlsx", "12", 17.0)  # the plan's 2023 target differs (16.0)
    make_plan(plans, "基本施策13.xlsx", "13", 20.0)
    make_plan(plans, "基本施策14.xlsx", "14", 20.0)  # no sheet for it: listed, not used
    roster = tmp_path / "名簿.csv"
    roster.write_text(
        "様式,施策番号,担当課,区分\n"
        "shisaku-management,12,福祉総務課,\n"
        "shisaku-management,13,地域共生推進課,新規\n",
        encoding="utf-8",
    )
    out = tmp_path / "R3"
    code, output, _ = run(
        "rollover",
        str(returns),
        "--year",
        "R3",
        "-o",
        str(out),
        "--roster",
        str(roster),
        "--plan",
        str(plans),
    )
    assert code == 0, output
    kept = by_name(flat(out / "福祉総務課_12_R3.xlsx"))
    assert kept["xs_perf_outcome_d1_a_target_y2023"]["value"] == 16.0  # the return's value
    assert kept["xs_perf_outcome_d2_i_target_y2023"]["value"] == 73.0  # the gap, from the plan
    new = by_name(flat(out / "地域共生推進課_13_R3.xlsx"))
    assert new["xs_header_lead_dept"]["value"] == "地域共生推進課"  # the roster wins
    assert new["xs_header_shisaku_name"]["value"] == "支え合いの地域づくりと自立支援"
    assert new["xs_perf_outcome_d1_a_target_y2019"]["value"] == 14.5  # mid year H31
    assert new["xs_perf_outcome_d1_a_target_y2023"]["value"] == 20.0  # final year
    assert new["xs_indicators_outcome_d1_a_unit"]["value"] == "%"
    assert (
        "  [情報] 基本施策12.xlsx(基本計画 基本施策)の 28 項目のうち、空欄だった 2 項目を計画の値で"
        "埋めました。前年度の提出と違う 11 項目は提出の値のままです(--plan-overrides で計画の値に"
        "します)。"
    ) in output.splitlines()
    assert "  [情報] 基本施策13.xlsx(基本計画 基本施策)の 28 項目を入れました。" in output
    assert (
        "計画 [情報] 基本施策14.xlsx(基本計画 基本施策)に当たる施策の様式がないため、"
        "使いませんでした。"
    ) in output.splitlines()


def test_plan_overrides_replaces_what_differs(tmp_path: Path) -> None:
    source = make_return(tmp_path, "施策12.xlsx")
    plan = make_plan(tmp_path, "基本施策12.xlsx", "12", 17.0)
    result = rollover([source], 2021, tmp_path / "R3", plans=[plan], plan_overrides=True)
    assert result.ok
    (item,) = result.items
    rolled = read_file(item.output)
    assert rolled.value(("perf.outcome.d1.a.target", 2023)) == 17.0
    assert rolled.value(("perf.outcome.d1.a.target", 2022)) == 15.7  # not in the plan: carried
    (applied,) = [p for p in item.problems if p.code == "plan-applied"]
    assert "perf.outcome.d1.a.target.2023: 提出 16 / 計画 17" in applied.value


def test_unreadable_plan_is_an_error_and_a_missing_one_a_warning(tmp_path: Path) -> None:
    source = make_return(tmp_path, "施策12.xlsx")
    broken = tmp_path / "計画.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    other = make_plan(tmp_path, "基本施策13.xlsx", "13", 20.0)
    result = rollover([source], 2021, tmp_path / "R3", plans=[broken, other, source])
    assert not result.ok
    assert [p.code for p in result.problems] == [
        "plan-unreadable",
        "plan-unreadable",
        "plan-unused",
    ]
    assert "施策マネジメントシートのブックで、他の様式へ値を引き継ぐ計画の様式ではありません" in (
        result.problems[1].message
    )
    (item,) = result.items
    assert item.output is not None
    assert [p.code for p in item.problems if p.code.startswith("plan")] == ["plan-missing"]


def test_second_rollover_of_a_records_layout_keeps_the_history(
    rolled: Rolled, tmp_path: Path
) -> None:
    """進捗管理表 R6 → R7, filled in for R7 by the department, → R8: every year's row stays."""
    r7 = tmp_path / "R7" / "進捗管理表_R7.xlsx"
    r7.parent.mkdir()
    r7.write_bytes(rolled["shinchoku-shihyo-R6"]["output"].read_bytes())
    cells = {
        (r["field"], r.get("year")): (r["sheet"], r["cell"])
        for r in flat(r7)["fields"]
        if r["name"] == "xs_torikumi_s1_rows" and r.get("row") == 1
    }
    typed = {("actual", 2025): 260, ("grade", 2025): "A", ("status", None): "R7も相談が増えた。"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(r7)
    for key, value in typed.items():
        sheet, cell = cells[key]
        book[sheet][cell].value = value
    book.save(r7)
    result = rollover([r7], 2026, tmp_path / "R8")
    assert result.ok, [p.message for i in result.items for p in i.problems]
    (item,) = result.items
    r6_doc = read_document(rolled["shinchoku-shihyo-R6"]["source"])
    r7_doc = read_document(rolled["shinchoku-shihyo-R6"]["output"])
    r8_doc = read_document(item.output)
    first = r8_doc["torikumi"]["s1"][0]
    assert first["actual"]["2025"] == 260 and first["grade"]["2025"] == "A"  # typed in R7
    assert first["status"] is None  # the R7 text is the year's
    kept = 0
    for table in ("s1", "s2", "s3", "s4", "s5"):  # every R2–R6 value is still there in R8
        for before, after in zip(r7_doc["torikumi"][table], r8_doc["torikumi"][table], strict=True):
            for row in ("target", "actual", "grade"):
                for year, value in before[row].items():
                    if int(year) <= 2024 and value is not None:
                        assert after[row][year] == value, (table, row, year)
                        kept += 1
    r6_values = sum(
        v is not None and int(y) <= 2024
        for records in r6_doc["torikumi"].values()
        for record in records
        for row in ("target", "actual", "grade")
        for y, v in record[row].items()
    )
    assert kept == r6_values > 100  # ... all of the R6 return's, none lost on the way
    assert item.dropped == []  # the plan period R2–R8 holds every year


def test_a_roster_governs_only_layouts_with_a_key(rolled: Rolled, tmp_path: Path) -> None:
    folder = tmp_path / "提出"
    folder.mkdir()
    make_return(folder, "施策12.xlsx")
    (folder / "進捗管理表.xlsx").write_bytes(rolled["shinchoku-shihyo-R6"]["source"].read_bytes())
    roster = tmp_path / "名簿.csv"
    roster.write_text("様式,施策番号,担当課\nshisaku-management,12,福祉総務課\n", encoding="utf-8")
    result = rollover([folder], 2021, tmp_path / "R3", roster=roster)
    # the R6 進捗管理表 is of another year, but it is not left out by the roster
    assert [(i.source.name if i.source else None, i.status) for i in result.items] == [
        ("施策12.xlsx", "written"),
        ("進捗管理表.xlsx", "failed"),
    ]


@pytest.mark.parametrize("key", ["", "1"])
def test_a_roster_row_of_a_layout_without_a_key_is_answered_by_its_layout(
    rolled: Rolled, tmp_path: Path, key: str
) -> None:
    """The roster `check --roster`, `collect --roster` and the web desk take (a 進捗管理表 row
    with its 施策番号 blank, or any number: the layout has no summary.key) is taken by rollover
    too; it used to refuse it, so an office could not run next year from the CLI."""
    folder = tmp_path / "提出"
    folder.mkdir()
    source = rolled["shinchoku-shihyo-R6"]["source"]
    (folder / "進捗管理表.xlsx").write_bytes(source.read_bytes())
    roster = tmp_path / "名簿.csv"
    roster.write_text(
        f"様式,施策番号,担当課\n地域福祉計画 進捗管理表,{key},地域共生課\n", encoding="utf-8"
    )
    result = rollover([folder], 2025, tmp_path / "R7", roster=roster)
    (item,) = result.items
    assert (item.status, item.roster_line, item.dept) == ("written", 2, "地域共生課")
    assert item.output is not None and item.output.exists()
    assert [p.code for p in item.problems if p.severity != "info"] == []
