"""The central office's day: check a folder of returns, send marked copies back, sum it all up.

The folder is made by returns_factory: returns of every layout (施策マネジメントシート and
調布's 施策評価シート per 施策, 新潟's and 狛江's progress sheets one a year for the whole plan,
国立's plans), good ones, ones with known mistakes, broken files, returns sent twice, and files
the walk must skip. Every expected count and sum is computed here from what the factory put in,
never taken from xlsxsheet's own output.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from returns_factory import COST_INPUTS, Made, build_folder

from xlsxsheet.cli import main
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.batch import check_returns
from xlsxsheet.office.discovery import iter_workbooks

SUM_A = ("national", "prefectural", "bonds", "other", "general")
SM = "shisaku-management"
ERA = {2016: "平成28年度", 2019: "令和元年度", 2020: "令和2年度", 2022: "令和4年度"}
ERA |= {2023: "令和5年度", 2024: "令和6年度"}


def title_of(layout_id: str) -> str:
    return default_registry().get(layout_id).title


def kept_of(made: list[Made], layout: str | None = None) -> list[Made]:
    """The returns collect sums up: readable, not the older copy of one sent twice."""
    return [m for m in made if m.readable and not m.dropped and layout in (None, m.layout)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Made]]:
    root = tmp_path_factory.mktemp("returns") / "令和2年度 提出"
    return root, build_folder(root)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def checked_folder(
    folder: tuple[Path, list[Made]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict, Path]:
    """One `check` of the whole folder: the JSON report, and the folder of marked copies."""
    root, _ = folder
    out = tmp_path_factory.mktemp("check")
    report, copies = out / "report.json", out / "返却用"
    code, _, err = run(
        "check", str(root), "--format", "json", "-o", str(report), "--per-file-dir", str(copies)
    )
    assert code == 1
    assert "点検中" not in err  # no progress bar when not on a terminal
    return json.loads(report.read_text(encoding="utf-8")), copies


@pytest.fixture(scope="module")
def json_report(checked_folder: tuple[dict, Path]) -> dict:
    return checked_folder[0]


def a_few(made: list[Made]) -> list[Made]:
    """A good return, the ones with a <script> and a '=1+1' cell, a broken file."""
    chosen = [next(m for m in made if m.clean)]
    chosen += [m for m in made if any(("<script>" in x or "=1+1" in x) for x in m.mistakes)][:2]
    chosen.append(next(m for m in made if not m.readable))
    return chosen


def _by_file(report: dict, root: Path) -> dict[Path, dict]:
    return {Path(f["file"]): f for f in report["files"]}


def test_the_folder_is_big_enough(folder: tuple[Path, list[Made]]) -> None:
    _, made = folder
    assert len(made) >= 50
    assert {m.kind for m in made} == {"good", "wrong", "warning", "broken"}
    assert {m.layout for m in made if m.layout} == {lay.id for lay in default_registry().all()}
    for layout in {m.layout for m in made if m.layout}:
        kinds = {m.kind for m in made if m.layout == layout}
        assert kinds & {"wrong", "warning"} or layout == "kihon-keikaku", layout  # plans: no checks


def test_the_walk_finds_every_return_and_skips_the_rest(folder: tuple[Path, list[Made]]) -> None:
    root, made = folder
    found = list(iter_workbooks([root]))
    assert sorted(found) == sorted(m.path for m in made)
    assert not any(p.name.startswith(("~$", ".")) or ".hidden" in p.parts for p in found)
    assert list(iter_workbooks([root])) == found  # same order every time


def test_check_counts_files_per_layout_and_department(
    folder: tuple[Path, list[Made]], json_report: dict
) -> None:
    _, made = folder
    stats = json_report["stats"]
    assert stats["files"] == len(made)
    assert stats["unreadable"] == sum(not m.readable for m in made)
    assert stats["with_errors"] == sum(m.errors for m in made)
    assert stats["with_warnings"] == sum(m.warnings for m in made)
    assert stats["clean"] == sum(m.clean for m in made)

    departments: dict[str, Counter] = defaultdict(Counter)
    for m in made:
        # a progress sheet names its 担当課 per record: (複数の担当課), not (担当課不明)
        d = departments[
            m.department or ("(複数の担当課)" if m.readable and m.departments else "(担当課不明)")
        ]
        d["files"] += 1
        d["clean"] += m.clean
        d["with_errors"] += m.errors
        d["with_warnings"] += m.warnings
        d["unreadable"] += not m.readable
    got = {g["name"]: g for g in json_report["summary"]["by_department"]}
    assert set(got) == set(departments)
    for name, expected in departments.items():
        for key in ("files", "clean", "with_errors", "with_warnings", "unreadable"):
            assert got[name][key] == expected[key], (name, key)
    by_layout = {g["name"]: g for g in json_report["summary"]["by_layout"]}
    layouts = Counter(title_of(m.layout) if m.layout else "(様式不明)" for m in made)
    assert {name: g["files"] for name, g in by_layout.items()} == layouts
    for name in layouts:
        members = [m for m in made if (title_of(m.layout) if m.layout else "(様式不明)") == name]
        assert by_layout[name]["with_errors"] == sum(m.errors for m in members), name
        assert by_layout[name]["with_warnings"] == sum(m.warnings for m in members), name


def test_check_reports_each_file_with_the_problem_fields(
    folder: tuple[Path, list[Made]], json_report: dict
) -> None:
    root, made = folder
    files = _by_file(json_report, root)
    for m in made:
        entry = files[m.path]
        assert (entry["errors"] > 0) == m.errors, m.path
        assert (entry["warnings"] > 0) == m.warnings, m.path
        assert entry["department"] == m.department
        assert entry["departments"] == (m.departments if m.readable else [])
        assert entry["key"] == m.key
        for problem in entry["problems"]:
            assert set(problem) >= {"code", "severity", "message", "file", "sheet", "cell"}
            assert set(problem) >= {"field", "label", "value", "expected", "title"}
    script = next(m for m in made if any("<script>" in x for x in m.mistakes))
    problem = next(p for p in files[script.path]["problems"] if p["code"] == "not-a-number")
    assert problem["value"] == "<script>alert('x')</script>"
    assert problem["label"].startswith("施策コスト")


def test_parallel_and_in_process_checks_agree(folder: tuple[Path, list[Made]]) -> None:
    root, _ = folder
    paths = list(iter_workbooks([root]))[:12]
    one = check_returns(paths, jobs=1)
    two = check_returns(paths, jobs=2)
    assert [r.path for r in two] == paths
    assert [[p.to_dict() for p in r.problems] for r in one] == [
        [p.to_dict() for p in r.problems] for r in two
    ]


def test_text_report_ends_with_the_summaries(folder: tuple[Path, list[Made]]) -> None:
    _, made = folder
    chosen = a_few(made)
    code, out, err = run("check", *(str(m.path) for m in chosen), "--quiet")
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    clean = sum(m.clean for m in chosen)
    assert lines[-1].startswith(f"合計: {len(chosen)} ファイル、問題なし {clean}、")
    assert "(うち読めない 1)" in lines[-1]
    assert "担当課別:" in lines and "様式別:" in lines


def test_xlsx_report_lists_every_problem_as_text(
    folder: tuple[Path, list[Made]], json_report: dict, tmp_path: Path
) -> None:
    _, made = folder
    chosen = a_few(made)
    out = tmp_path / "点検結果.xlsx"
    code, _, _ = run("check", *(str(m.path) for m in chosen), "--format", "xlsx", "-o", str(out))
    assert code == 1
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["集計", "ファイル一覧", "問題一覧"]
    rows = list(book["問題一覧"].iter_rows(min_row=2, values_only=True))
    by_file = {Path(f["file"]): f for f in json_report["files"]}
    shown = [p for m in chosen for p in by_file[m.path]["problems"] if p["severity"] != "info"]
    assert len(rows) == len(shown)
    formula_like = [r for r in rows if r[9] == "=1+1"]
    assert formula_like, "a typed '=1+1' must be listed as text"
    files = list(book["ファイル一覧"].iter_rows(min_row=2, values_only=True))
    assert len(files) == len(chosen)
    assert not book["問題一覧"].merged_cells.ranges


def test_html_report_escapes_what_came_from_workbooks(
    folder: tuple[Path, list[Made]], tmp_path: Path
) -> None:
    _, made = folder
    made = a_few(made)
    out = tmp_path / "点検結果.html"
    code, _, _ = run("check", *(str(m.path) for m in made), "--format", "html", "-o", str(out))
    assert code == 1
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    for remote in ("src=", "href=", "<link", "@import", "url("):
        assert remote not in html
    assert f'id="count-files">{len(made)}<' in html
    for department in {m.department for m in made if m.department}:
        assert f"<h2>{department}(" in html


def test_html_report_puts_progress_sheets_under_their_many_departments(
    folder: tuple[Path, list[Made]], tmp_path: Path
) -> None:
    """新潟's and 狛江's progress sheets have no 担当課 of their own: the page lists them under
    (複数の担当課), each with the 担当課 its records name, not under (担当課不明)."""
    _, made = folder
    sheets = [
        m
        for m in made
        if m.readable and m.layout in ("shinchoku-shihyo", "shinchoku-pdca") and not m.dropped
    ]
    chosen = [
        next(m for m in sheets if m.layout == lay) for lay in ("shinchoku-shihyo", "shinchoku-pdca")
    ]
    out = tmp_path / "点検結果.html"
    run("check", *(str(m.path) for m in chosen), "--format", "html", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert f"<h2>(複数の担当課)({len(chosen)} ファイル" in html
    assert "(担当課不明)" not in html
    for m in chosen:
        assert "担当課: " + "、".join(m.departments) in html, m.path.name


def test_per_file_copies_mark_problems_and_keep_values(
    folder: tuple[Path, list[Made]], checked_folder: tuple[dict, Path]
) -> None:
    root, made = folder
    out_dir = checked_folder[1]
    written = sorted(p.relative_to(out_dir) for p in out_dir.rglob("*.xlsx"))
    expected = sorted(
        m.path.relative_to(root).with_name(f"{m.path.stem}_点検結果.xlsx")
        for m in made
        if m.readable and (m.errors or m.warnings)
    )
    assert written == expected
    m = next(m for m in made if "事業費計(A)を値で上書き" in m.mistakes)
    copy = out_dir / m.path.relative_to(root).with_name(f"{m.path.stem}_点検結果.xlsx")
    marked = openpyxl.load_workbook(copy)
    original = openpyxl.load_workbook(m.path)
    assert marked.sheetnames == [*original.sheetnames, "点検結果"]  # no sheet index moves
    assert marked.active.title == original.active.title
    sheet = original.sheetnames[0]
    for row_marked, row_original in zip(
        marked[sheet].iter_rows(), original[sheet].iter_rows(), strict=True
    ):
        assert [c.value for c in row_marked] == [c.value for c in row_original]
    name_sheet, ref = next(iter(original.defined_names["xs_perf_cost_total_a_y2020"].destinations))
    cell = marked[name_sheet][ref.replace("$", "")]
    assert cell.comment is not None and "123,456" in cell.comment.text
    assert cell.fill.start_color.rgb.endswith("FFC7CE")
    listed = list(marked["点検結果"].iter_rows(min_row=2, values_only=True))
    assert {r[3] for r in listed} >= {ref.replace("$", "")}


def _expected_costs(kept: list[Made]) -> dict[tuple[str, str, int], int]:
    """(policy or key, label, year) → 千円, summed from the raw inputs the factory typed."""
    sums: dict[tuple[str, str, int], int] = defaultdict(int)
    for m in kept:
        for year in range(2016, 2021):
            a = sum(m.costs[s][year] for s in SUM_A if (s, year) not in m.unreadable_costs)
            b = m.costs["personnel_b"][year]
            for group in (f"政策{m.policy}", f"施策{m.key}", "全体"):
                sums[(group, "事業費計(A)", year)] += a
                sums[(group, "人件費計(B)", year)] += b
                sums[(group, "トータルコスト(A)+(B)", year)] += a + b
    return sums


@pytest.fixture(scope="module")
def collected(folder: tuple[Path, list[Made]], tmp_path_factory: pytest.TempPathFactory):
    root, _ = folder
    out = tmp_path_factory.mktemp("collect")
    summary, tidy = out / "集計.xlsx", out / "tidy.csv"
    code, _, err = run("collect", str(root), "-o", str(summary), "--csv", str(tidy))
    assert code == 1, err  # the folder has returns with errors and unreadable files
    return openpyxl.load_workbook(summary), tidy, err


def _tables(sheet) -> list[list[tuple]]:
    """The tables of a sheet: runs of rows separated by blank rows, titles included."""
    tables, current = [], []
    for row in sheet.iter_rows(values_only=True):
        if all(v is None for v in row):
            if current:
                tables.append(current)
            current = []
        else:
            current.append(row)
    if current:
        tables.append(current)
    return tables


def test_collect_sums_costs_per_policy_and_per_shisaku(
    folder: tuple[Path, list[Made]], collected
) -> None:
    _, made = folder
    book, _, message = collected
    kept = kept_of(made, SM)
    expected = _expected_costs(kept)
    years = ["H28年度", "H29年度", "H30年度", "R1年度", "R2年度"]

    policy_table = _titled(book["政策別コスト"], "施策マネジメントシート 令和2年度 政策別(千円)")
    header = policy_table[1]
    assert list(header[3:]) == years
    got_policy = {}
    for number, _name, label, *values in policy_table[2:]:
        group = "全体" if number == "全体" else f"政策{number}"
        for year, value in zip(range(2016, 2021), values, strict=True):
            got_policy[(group, label, year)] = value
    assert got_policy == {k: v for k, v in expected.items() if not k[0].startswith("施策")}

    unit_table = _titled(book["コスト集計"], "施策マネジメントシート 令和2年度 施策別(千円)")
    got_unit = {}
    for _policy, key, _name, _dept, label, *values in unit_table[2:]:
        for year, value in zip(range(2016, 2021), values, strict=True):
            got_unit[(f"施策{key}", label, year)] = value
    assert got_unit == {k: v for k, v in expected.items() if k[0].startswith("施策")}
    assert f"重複のため除外 {sum(m.dropped for m in made)}" in message


def test_collect_sums_the_costs_of_records_tables(
    folder: tuple[Path, list[Made]], collected
) -> None:
    """調布: each 施策's 決算事業費 is the sum of its 事務事業's; the 施策 have no 政策."""
    _, made = folder
    book, _, _ = collected
    kept = kept_of(made, "shisaku-hyoka")
    table = _titled(book["コスト集計"], "施策評価シート 令和元年度 施策別(千円)")
    assert [v for v in table[1][5:] if v is not None] == ["R1年度"]
    got = {(key, label): value for _policy, key, _name, _dept, label, value, *_ in table[2:]}
    assert got == {(m.key, "決算事業費"): m.cost_totals["決算事業費"].get(2019) for m in kept}
    whole = _titled(book["政策別コスト"], "施策評価シート 令和元年度 政策別(千円)")
    assert whole[-1][:4] == (
        "全体",
        None,
        "決算事業費",
        sum(m.cost_totals["決算事業費"].get(2019, 0) for m in kept),
    )
    assert whole[-1][4:] == (None,) * len(whole[-1][4:])


def _titled(sheet, title: str) -> list[tuple]:
    """The table of a sheet whose title row is `title`."""
    found = [t for t in _tables(sheet) if t[0][0] == title]
    assert len(found) == 1, (title, [t[0][0] for t in _tables(sheet)])
    return found[0]


def test_collect_counts_grades_like_the_hyoka_sokatsu_hyo(
    folder: tuple[Path, list[Made]], collected
) -> None:
    _, made = folder
    book, _, _ = collected
    kept = kept_of(made, SM)
    tables = _tables(book["評価総括表"])
    summaries = {t[0][0]: t for t in tables if t[0][1] is None and len(t) > 1}
    for item in ("成果実績目標達成度", "時系列比較", "総合評価"):
        title = f"施策マネジメントシート 令和2年度 {item}"
        table = summaries[title]
        counts = Counter(m.grades[item] for m in kept)
        rows = {r[0]: r for r in table[2:]}
        for grade in "ABCDE":
            assert rows[grade][2] == counts[grade], (item, grade)
            assert rows[grade][3] == pytest.approx(round(counts[grade] * 100 / len(kept), 1))
            members = rows[grade][1] or ""
            for m in kept:
                assert (f"{m.key} {m.name}" in members) == (m.grades[item] == grade)
        assert rows["合計"][2] == len(kept)


SCALES = {
    ("shisaku-hyoka", "総合評価"): ("S", "A", "B", "C", "D"),
    ("shinchoku-shihyo", "評価"): ("A", "B", "C", "-"),
    ("shinchoku-pdca", "地域福祉計画 施策の進捗状況"): ("A", "B", "C", "D"),
    ("shinchoku-pdca", "重層的支援体制整備事業実施計画 施策の進捗状況"): ("A", "B", "C", "D"),
    ("jimu-jigyo", "必要性"): ("A", "B", "C"),
    ("jimu-jigyo", "有効性"): ("A", "B", "C"),
    ("jimu-jigyo", "効率性"): ("A", "B", "C"),
    ("jimu-jigyo", "総合評価"): ("拡充", "継続", "改善", "縮小", "休止・廃止"),
}


def _expected_grade_rows(made: list[Made]) -> dict[str, list[tuple]]:
    """Title of each 評価総括表 of the other layouts → its rows (番号, 名称, 担当課, count of
    each grade, 未入力, 計): one per return, or one per 施策 inside the workbook."""
    tables: dict[str, list[tuple]] = defaultdict(list)
    for m in kept_of(made):
        if m.layout == SM:
            continue  # test_collect_counts_grades_like_the_hyoka_sokatsu_hyo
        prefix = f"{title_of(m.layout)} {ERA[m.year]}"
        for item, grade in m.grades.items():
            scale = SCALES[(m.layout, item)]
            counts = [int(grade == g) for g in scale] + [int(grade is None)]
            tables[f"{prefix} {item}"].append(
                (m.key, m.name, m.department, *counts, int(grade is not None))
            )
        for item, rows in m.group_grades.items():
            scale = SCALES[(m.layout, item)]
            for (code, name), grades in rows.items():
                if not grades:
                    continue  # a 施策 with no 指標: nothing to count
                counts = [grades.count(g) for g in scale] + [grades.count(None)]
                department = "、".join(m.group_departments.get((item, name), [])) or None
                tables[f"{prefix} {item}"].append(
                    (code, name, department, *counts, sum(counts[:-1]))
                )
    return tables


def test_collect_counts_grades_of_every_layout(folder: tuple[Path, list[Made]], collected) -> None:
    """調布 per 施策; 新潟 per 施策 ①–⑤ of its workbook (指標 without 指標 left out), 狛江 per
    施策 heading (the grade its stated rule gives, even where the department typed another)."""
    _, made = folder
    book, _, _ = collected
    tables = _tables(book["評価総括表"])
    titles = [t[0][0] for t in tables]
    expected = _expected_grade_rows(made)
    assert {
        "地域福祉計画 進捗管理表 令和6年度 評価",
        "地域福祉計画 進捗管理表 令和5年度 評価",
    } <= set(expected)
    for title, rows in expected.items():
        index = titles.index(title)
        summary, units = tables[index], tables[index + 1]
        layout = next(m.layout for m in made if m.layout and title.startswith(title_of(m.layout)))
        scale = next(
            v for (lay, item), v in SCALES.items() if lay == layout and title.endswith(item)
        )
        width = 3 + len(scale) + 2
        units = [r[:width] for r in units]  # rows of the sheet are as wide as its widest table
        assert list(units[0][3:]) == [*scale, "未入力", "計"]
        got = [(r[0] or None, r[1] or None, r[2] or None, *r[3:]) for r in units[1:-2]]
        if all(m.group_grades == {} for m in made if m.layout == layout):  # a row per return
            assert sorted(got, key=str) == sorted(rows, key=str), title
        else:
            assert got == rows, title  # in sheet order
        totals = [sum(r[3 + i] for r in rows) for i in range(len(scale) + 1)]
        graded = sum(totals[: len(scale)])
        assert list(units[-2][3:]) == [*totals, graded], title
        by_grade = {r[0]: r for r in summary[2:]}
        for i, grade in enumerate(scale):
            assert by_grade[grade][2] == totals[i], (title, grade)
            share = round(totals[i] * 100 / graded, 1)
            assert by_grade[grade][3] == pytest.approx(share), (title, grade)
            listed = [" ".join(str(x) for x in r[:2] if x) for r in rows if r[3 + i]]
            assert (by_grade[grade][1] or "") == "、".join(listed), (title, grade)
        assert by_grade["合計"][2] == graded
        if totals[-1]:
            assert by_grade["未入力"][2] == totals[-1]


def test_collect_lists_returns_to_go_back_to_and_duplicates(
    folder: tuple[Path, list[Made]], collected
) -> None:
    root, made = folder
    book, _, _ = collected
    attention = list(book["要対応"].iter_rows(min_row=2, values_only=True))
    names = {Path(r[5]) for r in attention}
    assert names == {m.path.relative_to(root) for m in made if m.errors}
    duplicates = list(book["重複"].iter_rows(min_row=2, values_only=True))
    pairs = {(Path(r[4]), Path(r[5])) for r in duplicates}
    assert pairs == {
        (m.path.relative_to(root), m.duplicate_of.relative_to(root))
        for m in made
        if m.duplicate_of is not None
    }
    listed = list(book["提出一覧"].iter_rows(min_row=2, values_only=True))
    assert len(listed) == len(made)
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title


def test_tidy_csv_is_machine_readable(folder: tuple[Path, list[Made]], collected) -> None:
    root, made = folder
    _, tidy, _ = collected
    data = tidy.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    kept = kept_of(made, SM)
    # every return summed has values (狛江's 進捗管理シート too, which names no 目標 or 実績)
    assert {r["ファイル"] for r in rows} == {str(m.path.relative_to(root)) for m in kept_of(made)}
    for series in COST_INPUTS:
        total = sum(
            float(r["値"])
            for r in rows
            if r["項目ID"] == f"perf.cost.{series}" and r["様式ID"] == SM  # jimu-jigyo has one too
        )
        typed = sum(
            v
            for m in kept
            for y, v in m.costs[series].items()
            if (series, y) not in m.unreadable_costs
        )
        assert total == typed, series
    sample = next(r for r in rows if r["項目ID"] == "perf.cost.total_a" and r["年度"] == "2019")
    assert sample["年度(和暦)"] == "令和元年度"
    assert sample["区分"] == "実績"
    assert sample["単位"] == "千円"
    assert sample["値"].isdigit()  # a number as a number: no separators, no unit
    # 予算: jimu-jigyo's R7; "": a value no `summary.values` rule names (a name, a grade)
    assert {r["区分"] for r in rows} <= {"目標", "実績", "見込み", "予算", "達成率", ""}
    hyperlink = next(m for m in kept if m.name and m.name.startswith("="))
    names = {r["名称"] for r in rows if r["番号"] == hyperlink.key}
    assert names == {"'" + hyperlink.name}
    for row in rows:
        # every record whole: a text of several lines (a 事業's 概要) is one quoted field
        assert None not in row and None not in row.values(), row
        for value in row.values():
            assert not value.startswith(("=", "+", "@")), row
    assert any("\n" in r["値(文字)"] for r in rows)  # kept as entered, its lines too


def test_tidy_csv_has_the_values_of_every_layout(
    folder: tuple[Path, list[Made]], collected
) -> None:
    """調布's まちづくり指標 and 決算事業費, 新潟's 目標/実績 per 指標 and year, the plans'
    実績値 and 目標値 (each in its own year): exactly the values the factory typed, a number in
    値 and a text (新潟's 中止, a plan's sentence) in 値(文字)."""
    root, made = folder
    _, tidy, _ = collected
    rows = list(csv.DictReader(io.StringIO(tidy.read_text(encoding="utf-8-sig"), newline="")))
    for row in rows:
        assert (row["値"] == "") != (row["値(文字)"] == ""), row  # one or the other
    for layout in ("shisaku-hyoka", "shinchoku-shihyo", "kihon-keikaku", "jimu-jigyo"):
        got = Counter(
            (
                r["ファイル"],
                r["項目ID"],
                int(r["年度"]),
                r["区分"],
                float(r["値"]) if r["値"] else r["値(文字)"],
            )
            for r in rows
            # the values the layout's rules name that the factory typed (a 達成率 is computed:
            # tests/test_layout_jimu_jigyo.py)
            if r["様式ID"] == layout and r["区分"] not in ("", "達成率")
        )
        want = Counter(
            (
                str(m.path.relative_to(root)),
                field,
                year,
                kind,
                value if isinstance(value, str) else float(value),
            )
            for m in kept_of(made, layout)
            for field, year, kind, value in m.tidy
        )
        assert got == want, layout
        if layout not in ("shisaku-hyoka", "jimu-jigyo"):  # shisaku-hyoka's text values:
            # tests/test_layout_shisaku_hyoka.py; jimu-jigyo's values are all numbers
            assert any(isinstance(v, str) for *_, v in want), layout + ": no text value"
    sample = next(r for r in rows if r["様式ID"] == "shisaku-hyoka" and r["項目ID"] == "jigyo.cost")
    assert sample["単位"] == "千円" and sample["明細番号"] == "1"
    assert sample["指標名"].startswith("事務事業")
    target = next(r for r in rows if r["項目ID"] == "indicators.target")
    assert target["年度(和暦)"] == "令和4年度"  # the 目標年度 param, not the year evaluated


@pytest.fixture(scope="module")
def roster(folder: tuple[Path, list[Made]], tmp_path_factory: pytest.TempPathFactory):
    """A roster (Shift_JIS, as Excel saves CSV) of the returns the office waits for: every
    施策マネジメントシート and plan but two of the 施策評価シート, three 施策 never sent, the
    新潟 plan (no key: any number), a row naming a file that cannot be read."""
    _, made = folder
    rows: list[tuple[str, str, str, str]] = []
    expected: list[str] = []  # the state of each row, in order
    for m in kept_of(made):
        if m.layout in (SM, "kihon-keikaku") or (m.layout == "shisaku-hyoka" and m.key > "02"):
            layout = title_of(m.layout) if len(rows) % 2 else m.layout  # id or title
            key = (
                m.key
                if len(rows) % 3
                else m.key.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            )
            rows.append((layout, key, m.department, ""))
            expected.append("errors" if m.errors else "warnings" if m.warnings else "clean")
    for layout, key in ((SM, "51"), (SM, "52"), ("shisaku-hyoka", "99")):
        rows.append((layout, key, "福祉総務課", ""))
        expected.append("missing")
    newer = next(m for m in kept_of(made, "shinchoku-shihyo") if m.year == 2024)
    rows.append(("shinchoku-shihyo", "全体", "福祉総務課", ""))
    expected.append("warnings" if newer.warnings else "clean")  # the newest R6 is the 新潟 return
    rows.append((SM, "98", "生活福祉課", "壊れたファイル.xlsx"))
    expected.append("unreadable")
    path = tmp_path_factory.mktemp("roster") / "名簿.csv"
    text = "様式,施策番号,担当課,ファイル名\r\n" + "".join(",".join(r) + "\r\n" for r in rows)
    path.write_bytes(text.encode("cp932"))
    answered = {
        m.path
        for m in made
        if m.readable
        and (
            m.layout in (SM, "kihon-keikaku", "shinchoku-shihyo")  # 新潟 R5: another year's
            or (m.layout == "shisaku-hyoka" and m.key > "02")
        )
    }
    extra = {m.path for m in made if m.readable and m.path not in answered}
    return path, rows, expected, extra


def test_check_lists_returns_missing_from_the_roster(
    folder: tuple[Path, list[Made]], roster, tmp_path: Path
) -> None:
    root, _ = folder
    path, rows, expected, extra = roster
    out = tmp_path / "report.json"
    code, _, _ = run("check", str(root), "--roster", str(path), "--format", "json", "-o", str(out))
    assert code == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    listed = report["summary"]["roster"]
    assert [r["status"] for r in listed] == expected
    assert [r["roster_line"] for r in listed] == list(range(2, len(rows) + 2))
    assert report["stats"]["missing"] == expected.count("missing") == 3
    assert report["stats"]["expected"] == len(rows)
    assert {Path(f) for f in report["summary"]["not_in_roster"]} == extra
    missing = [r for r in listed if r["status"] == "missing"]
    assert [(r["layout"], r["key"]) for r in missing] == [
        (SM, "51"),
        (SM, "52"),
        ("shisaku-hyoka", "99"),
    ]

    code, out_text, _ = run("check", str(root), "--roster", str(path), "--quiet")
    assert code == 1
    line = len(rows) - 3  # the 51 row: three rows before the last two
    assert f"未提出: 施策マネジメントシート 51(福祉総務課)名簿 {line}行目" in out_text
    assert f"名簿: {len(rows)} 件中、提出あり {len(rows) - 3}、未提出 3" in out_text

    html = tmp_path / "report.html"
    run("check", str(root), "--roster", str(path), "--format", "html", "-o", str(html))
    page = html.read_text(encoding="utf-8")
    assert 'id="count-missing">3<' in page
    assert "<td>施策評価シート</td><td>99</td>" in page


def test_collect_lists_returns_missing_from_the_roster(
    folder: tuple[Path, list[Made]], roster, tmp_path: Path
) -> None:
    root, made = folder
    path, rows, expected, extra = roster
    out = tmp_path / "集計.xlsx"
    code, _, err = run("collect", str(root), "--roster", str(path), "-o", str(out))
    assert code == 1, err
    assert "未提出 3" in err
    book = openpyxl.load_workbook(out)
    listed = list(book["名簿照合"].iter_rows(min_row=2, values_only=True))
    words = {
        "clean": "提出済み",
        "warnings": "提出済み(警告あり)",
        "errors": "提出済み(エラーあり)",
        "unreadable": "読めない",
        "missing": "未提出",
    }
    states = [r[5] for r in listed[: len(rows)]]
    assert states == [words[e] for e in expected]
    assert listed[len(rows) - 1][6] == str(Path("その他") / "壊れたファイル.xlsx")
    tables = _tables(book["名簿照合"])
    assert tables[1][0][0] == "名簿にない提出"
    assert {root / r[4] for r in tables[1][2:]} == extra
    attention = list(book["要対応"].iter_rows(min_row=2, values_only=True))
    missing = [(r[2], r[3], r[1]) for r in attention if r[0] == "未提出"]
    assert missing == [
        ("施策マネジメントシート", "51", "福祉総務課"),
        ("施策マネジメントシート", "52", "福祉総務課"),
        ("施策評価シート", "99", "福祉総務課"),
    ]
    files = {Path(r[5]) for r in attention if r[0] != "未提出"}
    assert files == {m.path.relative_to(root) for m in made if m.errors}


def test_collect_exits_1_while_its_summary_needs_attention(tmp_path: Path) -> None:
    """As `check`: 0 for a folder of clean returns; 1 with an unreadable file, a return with
    errors or one the roster expects missing — the summary is written each time, and the
    counts are said even with --quiet. The older copy of a return sent twice, not summed,
    does not count."""
    from xlsxsheet.checks.pipeline import check_file

    root = tmp_path / "提出"
    root.mkdir()
    examples = sorted((Path(__file__).parents[1] / "examples").glob("*.xlsx"))
    for example in examples:
        (root / example.name).write_bytes(example.read_bytes())
    out = tmp_path / "集計.xlsx"

    def collect(*extra: str) -> tuple[int, str]:
        code, _, err = run("collect", str(root), "-o", str(out), "--force", *extra)
        assert out.is_file()
        return code, err

    code, err = collect()
    assert code == 0, err
    assert f"{len(examples)} ファイル: 集計に使用 {len(examples)}、" in err
    assert collect("-q") == (0, "")

    broken = root / "壊れた提出.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    code, err = collect()
    assert code == 1 and "読めない 1" in err
    code, err = collect("-q")  # quiet, but an exit code 1 is never silent
    assert code == 1 and "読めない 1" in err
    broken.unlink()

    book = openpyxl.load_workbook(root / examples[0].name)
    sheet = book.worksheets[0]
    formula = next(c for row in sheet.iter_rows() for c in row if c.data_type == "f")
    formula.value = 999_999  # a total typed over its formula: an error, still summed
    book.save(root / examples[0].name)
    assert check_file(root / examples[0].name).errors > 0
    code, err = collect()
    assert code == 1 and "エラーあり 1" in err
    corrected = root / f"{examples[0].stem}_修正版.xlsx"  # sent again, mended: the newer copy
    corrected.write_bytes(examples[0].read_bytes())
    os.utime(corrected, (time.time() + 60, time.time() + 60))
    code, err = collect()
    assert code == 0 and "重複のため除外 1" in err and "エラーあり 1" in err, err
    corrected.unlink()
    (root / examples[0].name).write_bytes(examples[0].read_bytes())

    roster = tmp_path / "名簿.csv"
    roster.write_text("様式,施策番号,担当課\n施策評価シート,99,福祉総務課\n", encoding="utf-8")
    code, err = collect("--roster", str(roster))
    assert code == 1 and "未提出 1" in err


def test_a_bad_roster_stops_before_checking(
    folder: tuple[Path, list[Made]], tmp_path: Path
) -> None:
    root, _ = folder
    path = tmp_path / "名簿.csv"
    path.write_text("様式,施策番号,担当課\nなにかの様式,1,福祉総務課\n", encoding="utf-8")
    for command in ("check", "collect"):
        extra = ("-o", str(tmp_path / "x.xlsx")) if command == "collect" else ()
        code, _, err = run(command, str(root), "--roster", str(path), *extra, "--quiet")
        assert code == 2  # a usage mistake
        assert "名簿 名簿.csv を使えません" in err
        assert "2行目: 様式「なにかの様式」はありません" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_windows_console_and_japanese_paths(tmp_path: Path) -> None:
    """cp932 console: a cell with an emoji must not crash the report (shown as ?)."""
    import random

    from returns_factory import ShisakuManagement

    sm = ShisakuManagement(random.Random(1))
    doc, made = sm.document(7, "福祉総務課", "4")
    path = tmp_path / "福祉課 提出" / "施策７ 😀.xlsx"
    sm.write(doc, path)
    book = openpyxl.load_workbook(path)
    sm.text_in_money(book, made, "未定😀")
    book.save(path)
    env = dict(os.environ, PYTHONIOENCODING="cp932")
    result = subprocess.run(
        [sys.executable, "-c", "from xlsxsheet.cli import main; main()", "check", str(path.parent)],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode("cp932", "replace")
    assert result.returncode == 1
    out = result.stdout.decode("cp932")
    assert "未定?" in out
    assert "福祉課 提出" in out
    assert "合計: 1 ファイル" in out


def test_a_marked_copy_gets_a_name_windows_takes(tmp_path: Path) -> None:
    """A return whose name Windows refuses (sent from another system, out of a zip) gets a
    marked copy named so that Windows takes it: 「事業評価<最終>版?.xlsx」 → 事業評価_最終_版_…"""
    from web_support import make_return

    (tmp_path / "提出").mkdir()
    made = make_return(tmp_path / "提出", 3, "福祉総務課", mistake="未定")
    path = made.rename(made.with_name("事業評価<最終>版?.xlsx"))
    code, _, err = run("check", str(path.parent), "--per-file-dir", str(tmp_path / "返却用"))
    assert code == 1, err
    (copy,) = (tmp_path / "返却用").iterdir()
    assert copy.name == "事業評価_最終_版__点検結果.xlsx"
    assert not set('<>:"/\\|?*') & set(copy.name)


def test_check_reports_returns_sent_twice(
    folder: tuple[Path, list[Made]], json_report: dict
) -> None:
    _, made = folder
    got = {
        (d["key"], frozenset(Path(f) for f in d["files"]))
        for d in json_report["summary"]["duplicates"]
    }
    assert got == {
        (m.key or "", frozenset({m.path, m.duplicate_of}))
        for m in made
        if m.duplicate_of is not None
    }
