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
from xlsxsheet.data_files import load_document
from xlsxsheet.examples_dir import example_documents
from xlsxsheet.fiscal_year import parse_fiscal_year
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.libreoffice import recalculate
from xlsxsheet.plan import build_plan
from xlsxsheet.reading import read_file
from xlsxsheet.rollover import rollover
from xlsxsheet.templating import make_template

# field id → "carry" | "clear", per layout: the split, restated as regular expressions.
# Anything not matched by a rule is an error of the test (every field must be decided here).
SPLIT: dict[str, list[tuple[str, str]]] = {
    "shisaku-management": [
        (r"^perf\.outcome\.d\d\.[ai]\.(achievement|yoy)$", "clear"),  # judgements
        (r"^(header|purpose|indicators|plan)\.", "carry"),  # names, units, directions, 対象/目的
        (r"^perf\.", "carry"),  # targets of all years, past actuals, 出典
        (r"^(evaluation|status|result|direction)\.", "clear"),  # this year's texts and grades
    ],
}
# The labels of the new year (era year of the evaluation year, +1, +2), per layout.
NEW_LABELS: dict[str, list[str]] = {
    "shisaku-management": ["3年度の取組状況", "4年度の取組予定", "5年度の取組方針"],
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


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every bundled example as the filled workbook a department returns."""
    folder = tmp_path_factory.mktemp("returns")
    made = {}
    for path in EXAMPLES:
        doc = load_document(path)
        layout = default_registry().get(str(doc["layout"]))
        out = folder / f"{path.stem}.xlsx"
        make_template(layout, out, None, doc)
        made[path.stem] = out
    return made


@pytest.fixture(scope="module")
def rolled(returns: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each example rolled forward one year, through the command line."""
    out_dir = tmp_path_factory.mktemp("rolled")
    made = {}
    for stem, source in returns.items():
        year = read_file(source).plan.year
        target = out_dir / stem
        code, output, _ = run(
            "rollover", str(source), "--year", str(year + 1), "-o", str(target), "--format", "json"
        )
        assert code == 0, output
        report = json.loads(output)
        (item,) = report["items"]
        made[stem] = {"source": source, "output": Path(item["output"]), "report": report}
    return made


def test_every_layout_has_an_example() -> None:
    layouts = {str(load_document(p)["layout"]) for p in EXAMPLES}
    assert layouts == set(default_registry().ids())
    assert layouts <= set(SPLIT), "add the carry/clear split of the new layout to this test"


@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES])
def test_rolled_template_field_by_field(stem: str, rolled: dict[str, Any]) -> None:
    source_path, output = rolled[stem]["source"], rolled[stem]["output"]
    before, after = flat(source_path), flat(output)
    layout = default_registry().get(before["layout"])
    assert after["layout"] == before["layout"]
    assert after["year"] == before["year"] + 1  # metadata carries the new fiscal year
    params = read_file(source_path).plan.params
    new_plan = build_plan(layout, after["year"], params)
    slots = {slot.name: slot for slot in new_plan.slots.values()}
    old, new = by_name(before), by_name(after)
    assert set(new) == set(slots)
    fixed_years = {params[e] for ys in layout.year_sets.values() for e in ys.extra}
    counts = {"carried": 0, "cleared": 0, "moved": 0, "computed": 0}
    for name, record in new.items():
        slot = slots[name]
        source = old.get(name)
        if record["kind"] == "computed":
            if source is not None:
                assert record["value"] == source["value"], name
                counts["computed"] += source["value"] is not None
            continue
        mode = expected_mode(layout.id, slot.field.id)
        if mode == "clear":
            assert record["value"] is None, f"{name} ({record['label']}) should be cleared"
            counts["cleared"] += source is not None and source["value"] is not None
            continue
        expected = source["value"] if source is not None else None
        assert record["value"] == expected, f"{name} ({record['label']}) should be carried"
        counts["carried"] += expected is not None
        if slot.year is not None and source is not None:
            shift = column_index(column_of(record["cell"])) - column_index(
                column_of(source["cell"])
            )
            fixed = slot.year in fixed_years  # e.g. the plan's final year stays put
            assert shift == (0 if fixed else -1), f"{name} moved by {shift} columns"
            counts["moved"] += shift == -1 and expected is not None
    # The test is not vacuous: each kind of thing happened.
    assert all(counts.values()), counts
    # Year columns out of the new window are gone; every value they held is reported.
    gone = {n: r for n, r in old.items() if n not in new}
    assert gone, "the window should have moved"
    years_gone = {int(re.search(r"_y(\d{4})$", n).group(1)) for n in gone}  # type: ignore[union-attr]
    assert years_gone == {before["year"] - 4}
    reported = {
        (d["label"], json.dumps(d["value"])) for d in rolled[stem]["report"]["items"][0]["dropped"]
    }
    lost = {
        (r["label"], json.dumps(r["value"]))
        for r in gone.values()
        if r["value"] is not None and r["kind"] == "input"
    }
    assert reported == lost and lost
    # Labels are rendered for the new year.
    labels = {r["label"] for r in after["fields"]}
    for label in NEW_LABELS[layout.id]:
        assert label in labels
    # The metadata of the workbook says the new year.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(output)
    meta = dict(book["_xlsxsheet"].iter_rows(min_row=2, values_only=True))
    assert parse_fiscal_year(meta["year"]) == before["year"] + 1
    assert meta["layout"] == layout.id


def test_default_file_name_is_dept_key_and_era_year(rolled: dict[str, Any]) -> None:
    output = rolled["shisaku-management-R2"]["output"]
    assert output.name == "福祉総務課_12_R3.xlsx"


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
def second(rolled: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
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


def test_second_rollover_keeps_the_history(rolled: dict[str, Any], second: dict[str, Any]) -> None:
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
    tmp_path: Path, rolled: dict[str, Any]
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
    assert code == 1
    assert errors == "Error: 名簿 名簿.csv を使えません:\n- 1行目: 見出しに「担当課」がありません\n"
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
    soffice: str, which: str, rolled: dict[str, Any], second: dict[str, Any], tmp_path: Path
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
        assert value == ours.computed[key], slot.label
        compared += 1
        nonzero += bool(value)
    assert compared and nonzero, (compared, nonzero)
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
