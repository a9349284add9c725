"""The published figures of seed 000 (国立市 施策マネジメントシート, R2), reproduced by xlsxsheet."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import openpyxl
import pytest

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.reading.return_reader import read_file

# SHEETS.md, section 000: 事業費計(A) and トータルコスト(A)+(B) for FY H28, H29 and R2.
PUBLISHED_COSTS = {
    "2016": (2_408_885, 2_621_267),
    "2017": (2_396_388, 2_612_527),
    "2020": (1_918_138, 2_091_755),
}
# The seed's 目標達成度 and 前年度比較 for the R2 evaluation.
PUBLISHED_JUDGEMENTS = {
    ("d1", "a"): ("未達成", "低下"),
    ("d2", "a"): ("未達成", "向上"),
    ("d2", "i"): ("未達成", "低下"),
}


def _cell(book: openpyxl.Workbook, name: str) -> openpyxl.cell.Cell:
    sheet, ref = next(iter(book.defined_names[name].destinations))
    return book[sheet][ref.replace("$", "")]


def test_cost_totals_match_the_seed(example_000_workbook: Path) -> None:
    cost = read_file(example_000_workbook).document()["perf"]["cost"]
    for year, (total_a, total) in PUBLISHED_COSTS.items():
        assert cost["total_a"][year] == total_a
        assert cost["total"][year] == total


def test_empty_years_total_zero_like_the_seed_formulas(example_000_workbook: Path) -> None:
    cost = read_file(example_000_workbook).document()["perf"]["cost"]
    assert cost["total_a"]["2021"] == 0
    assert cost["total"]["2027"] == 0


def test_the_seed_as_entered_passes_check(example_000_workbook: Path) -> None:
    checked = check_file(example_000_workbook)
    assert [p.code for p in checked.problems if p.severity != "info"] == []
    assert checked.changes == []


def test_blank_judgements_are_decided_by_the_rules(
    example_000_workbook: Path, tmp_path: Path
) -> None:
    blank = tmp_path / "blank.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(example_000_workbook)
    for (direction, item), _ in PUBLISHED_JUDGEMENTS.items():
        for judgement in ("achievement", "yoy"):
            _cell(book, f"xs_perf_outcome_{direction}_{item}_{judgement}").value = None
    book.save(blank)
    checked = check_file(blank)
    missing = {p.field: p.expected for p in checked.problems if p.code == "judgement-missing"}
    for (direction, item), (achievement, yoy) in PUBLISHED_JUDGEMENTS.items():
        assert missing[f"perf.outcome.{direction}.{item}.achievement"] == achievement
        assert missing[f"perf.outcome.{direction}.{item}.yoy"] == yoy
    fixed = write_fixed(checked, tmp_path / "fixed.xlsx")
    document = read_file(fixed).document()["perf"]["outcome"]
    for (direction, item), (achievement, yoy) in PUBLISHED_JUDGEMENTS.items():
        assert document[direction][item]["achievement"] == achievement
        assert document[direction][item]["yoy"] == yoy


def test_lower_is_better_indicator_is_judged_the_other_way(
    example_000_workbook: Path, tmp_path: Path
) -> None:
    """1イ (市民の割合 *not* taking part): 70.4 against a target of 70.0 is 未達成; 69.0 is 達成."""
    changed = tmp_path / "lower.xlsx"
    shutil.copy(example_000_workbook, changed)
    book = openpyxl.load_workbook(changed)
    _cell(book, "xs_perf_outcome_d1_i_actual_y2020").value = 69.0
    book.save(changed)
    problems = check_file(changed).problems
    mismatch = [p for p in problems if p.code == "judgement-mismatch"]
    assert [(p.field, p.value, p.expected) for p in mismatch] == [
        ("perf.outcome.d1.i.achievement", "未達成", "達成")
    ]


@pytest.mark.parametrize(
    ("grade_field", "entered", "warns"),
    [
        ("evaluation.achievement_grade", "D", False),  # the seed's D: mean rate 76 % → D
        ("evaluation.achievement_grade", "A", True),
        ("evaluation.trend_grade", "C", False),  # the seed's C: one up, one flat, one down
        ("evaluation.trend_grade", "E", True),
        ("result.overall_grade", "C", False),  # the seed's C: one step from D is allowed
        ("result.overall_grade", "A", True),
    ],
)
def test_grade_suggestions_warn_without_overwriting(
    example_000_workbook: Path, tmp_path: Path, grade_field: str, entered: str, warns: bool
) -> None:
    changed = tmp_path / "grade.xlsx"
    book = openpyxl.load_workbook(example_000_workbook)
    _cell(book, "xs_" + grade_field.replace(".", "_")).value = entered
    book.save(changed)
    checked = check_file(changed)
    differs = [p for p in checked.problems if p.code == "grade-differs" and p.field == grade_field]
    assert bool(differs) == warns
    assert all(p.severity == "warning" for p in differs)
    assert not [c for c in checked.changes if c.field == grade_field]


@pytest.mark.parametrize(
    ("source", "label"),
    [
        ("evaluation.achievement_grade", "施策全体の成果実績目標達成度"),
        ("evaluation.trend_grade", "時系列比較"),
    ],
)
def test_a_follow_suggestion_names_the_item_it_follows(
    example_000_workbook: Path, tmp_path: Path, source: str, label: str
) -> None:
    """A city's 総合評価 following 有効性 was told 「目安の「A」(成果実績目標達成度の評価)」:
    the bundled layout's item, whatever `from:` named."""
    from xlsxsheet.layout.registry import LayoutRegistry

    folder = tmp_path / "layouts"
    folder.mkdir()
    text = (
        Path(__file__).resolve().parents[1] / "templates" / "shisaku-management.yaml"
    ).read_text(encoding="utf-8")
    old = "from: evaluation.achievement_grade"
    assert text.count(old) == 1
    (folder / "shisaku-management.yaml").write_text(
        text.replace(old, f"from: {source}"), encoding="utf-8"
    )
    book = openpyxl.load_workbook(example_000_workbook)
    _cell(book, "xs_result_overall_grade").value = "A"  # the seed's D and C: more than a step
    changed = tmp_path / "grade.xlsx"
    book.save(changed)
    checked = check_file(changed, LayoutRegistry([folder]))
    (differs,) = [
        p
        for p in checked.problems
        if p.code == "grade-differs" and p.field == "result.overall_grade"
    ]
    assert f"(「{label}」の評価)と異なります" in differs.message, differs.message
