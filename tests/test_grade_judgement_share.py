"""`judgement-share`: a grade suggested from the share of indicators judged 達成, as a city's
rule 「A: すべての指標が達成」 reads; the layout is one a city's IT person wrote from the docs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.writing.make_template import make_template

CITY = Path(__file__).resolve().parent / "city_layouts"
LAYOUT = CITY / "kaku-shisaku.yaml"
YEAR = 2024


def _filled(tmp_path: Path, figures: dict[str, tuple[float, float]], grade: str) -> Path:
    """The R6 template with each indicator's (target, actual) of R6, the grade entered and
    every judgement typed 達成, as a department in a hurry types it."""
    template = tmp_path / "template.xlsx"
    make_template(load_layout(LAYOUT), template, YEAR)
    book = openpyxl.load_workbook(template)
    values: dict[str, Any] = {"evaluation_grade": grade}
    for item, (target, actual) in figures.items():
        values[f"perf_ind_{item}_target_y{YEAR}"] = target
        values[f"perf_ind_{item}_actual_y{YEAR}"] = actual
        values[f"perf_ind_{item}_judge"] = "達成"
    for name, value in values.items():
        ((sheet, cell),) = book.defined_names[f"xs_{name}"].destinations
        book[sheet][cell.replace("$", "")] = value
    out = tmp_path / "return.xlsx"
    book.save(out)
    return out


def _grade_problems(path: Path) -> list[str]:
    result = check_file(path, LayoutRegistry([CITY]))
    assert result.layout_id == "kaku-shisaku"
    return [p.message for p in result.problems if p.field == "evaluation.grade"]


def test_the_share_of_indicators_met_suggests_the_grade(tmp_path: Path) -> None:
    # two of three met (100 ≥ 100, 60 ≥ 50), one not (90 < 100): 67 % → B (≥ 0.6)
    figures = {"i1": (100, 100), "i2": (100, 90), "i3": (50, 60)}
    (message,) = _grade_problems(_filled(tmp_path, figures, "A"))
    assert "目安の「B」(3指標のうち「達成」が 2(割合 67%))" in message
    # the judgements as typed (all 達成) do not count: the rule decides from the numbers
    assert _grade_problems(_filled(tmp_path, figures, "B")) == []


def test_every_indicator_met_suggests_a_and_none_judged_suggests_nothing(
    tmp_path: Path,
) -> None:
    met = {"i1": (100, 100), "i2": (100, 120), "i3": (50, 60)}
    assert _grade_problems(_filled(tmp_path, met, "A")) == []
    (message,) = _grade_problems(_filled(tmp_path, met, "C"))
    assert "目安の「A」(3指標のうち「達成」が 3(割合 100%))" in message
    # one unmet of three (33 %): C (≥ 0.3)
    one = {"i1": (100, 10), "i2": (100, 20), "i3": (50, 60)}
    (message,) = _grade_problems(_filled(tmp_path, one, "A"))
    assert "目安の「C」(3指標のうち「達成」が 1(割合 33%))" in message
    # no targets or actuals: no suggestion, no warning
    assert _grade_problems(_filled(tmp_path, {}, "A")) == []


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "source: perf.ind,",
            "source: cost.c,",
            ["source「cost.c」の下に判定(judgements)がありません"],
        ),
        (
            "source: perf.ind,",
            "source: perf.ind, judgement: rate,",
            ["judgement「rate」は source「perf.ind」の判定にありません", "使える judgement: judge"],
        ),
    ],
)
def test_a_judgement_share_without_judgements_is_refused(
    tmp_path: Path, old: str, new: str, words: list[str]
) -> None:
    text = LAYOUT.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / LAYOUT.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    assert "grade_suggestions[1]" in caught.value.place
    for word in words:
        assert word in str(caught.value)


def _judged(tmp_path: Path, rule: str, target: float, actual: float) -> list[str]:
    """The judgement problems of indicator 1 (target, actual; typed 達成) under `rule`."""
    text = LAYOUT.read_text(encoding="utf-8")
    old = "rule: {kind: target-vs-actual, actual: actual, target: target, met: 達成, unmet: 未達成}"
    assert text.count(old) == 1
    folder = tmp_path / "layouts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LAYOUT.name).write_text(text.replace(old, rule), encoding="utf-8")
    template = tmp_path / "template.xlsx"
    make_template(load_layout(folder / LAYOUT.name), template, YEAR)
    book = openpyxl.load_workbook(template)
    for name, value in (("target", target), ("actual", actual), ("judge", "達成")):
        key = f"xs_perf_ind_i1_{name}" + (f"_y{YEAR}" if name != "judge" else "")
        ((sheet, cell),) = book.defined_names[key].destinations
        book[sheet][cell.replace("$", "")] = value
    out = tmp_path / "return.xlsx"
    book.save(out)
    result = check_file(out, LayoutRegistry([folder]))
    return [p.message for p in result.problems if p.field == "perf.ind.i1.judge"]


def test_at_least_judges_the_rounded_rate_the_sheet_shows(tmp_path: Path) -> None:
    """99.96 of 100 shows 達成率 100.0 %: 達成 by the rate the city judges by (at-least), 未達成
    by the figures themselves (target-vs-actual)."""
    by_rate = "rule: {kind: at-least, series: rate, threshold: 100, met: 達成, unmet: 未達成}"
    assert _judged(tmp_path / "rate", by_rate, 100, 99.96) == []
    (message,) = _judged(tmp_path / "low", by_rate, 100, 99.9)
    assert "R6 達成率 99.9(基準 100 以上で達成) から「未達成」です" in message
    by_figures = (
        "rule: {kind: target-vs-actual, actual: actual, target: target, met: 達成, unmet: 未達成}"
    )
    (message,) = _judged(tmp_path / "figures", by_figures, 100, 99.96)
    assert "から「未達成」です" in message


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (
            "rule: {kind: at-least, series: rate, met: 達成, unmet: 未達成}",
            ["必須のキー「threshold」がありません"],
        ),
        (
            "rule: {kind: at-least, series: rate, threshold: 百, met: 達成, unmet: 未達成}",
            ["threshold「百」は数で書いてください"],
        ),
        (
            "rule: {kind: target-vs-actual, actual: actual, met: 達成, unmet: 未達成}",
            ["必須のキー「target」がありません"],  # it used to fail when a return was checked
        ),
    ],
)
def test_a_judgement_rule_missing_an_argument_is_refused(
    tmp_path: Path, rule: str, words: list[str]
) -> None:
    text = LAYOUT.read_text(encoding="utf-8")
    old = "rule: {kind: target-vs-actual, actual: actual, target: target, met: 達成, unmet: 未達成}"
    path = tmp_path / LAYOUT.name
    path.write_text(text.replace(old, rule), encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    assert "judgements[1].rule" in caught.value.place and "行目" in caught.value.place
    for word in words:
        assert word in str(caught.value)
