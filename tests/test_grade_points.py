"""`grade-points`: 総合評価 suggested from several grades a person entered, each worth points
(必要性・有効性・効率性 A 3点, B 2点, C 1点; 合計 9点 拡充 …), on the bundled 事務事業評価シート
with the rule added as a city would add it to its layout file. The example return has A, A, B
(8点) and 総合評価 改善."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.office.fixing import fix_path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "jimu-jigyo-R6.xlsx"
RULE = """
grade_suggestions:
  - field: evaluation.overall
    method: grade-points
    from: [evaluation.necessity, evaluation.effectiveness, evaluation.efficiency]
    points: {A: 3, B: 2, C: 1}
    thresholds: {拡充: 9, 継続: 7, 改善: 5, 縮小: 4, 休止・廃止: null}
"""


def _layouts(folder: Path, rule: str = RULE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "templates" / "jimu-jigyo.yaml").read_text(encoding="utf-8")
    assert "\ngrade_suggestions:" not in text
    (folder / "jimu-jigyo.yaml").write_text(text + rule, encoding="utf-8")
    return folder


def _with(tmp_path: Path, **grades: str) -> Path:
    book = openpyxl.load_workbook(EXAMPLE)
    for field, grade in grades.items():
        ((sheet, ref),) = book.defined_names[f"xs_evaluation_{field}"].destinations
        book[sheet][ref.replace("$", "")].value = grade
    path = tmp_path / "return.xlsx"
    book.save(path)
    return path


def _said(path: Path, registry: LayoutRegistry) -> list[tuple[str, str | None, str]]:
    return [
        (p.code, p.expected, p.message)
        for p in check_file(path, registry).problems
        if p.field == "evaluation.overall"
    ]


def test_a_grade_off_the_points_is_warned_with_the_points_it_came_from(tmp_path: Path) -> None:
    registry = LayoutRegistry([_layouts(tmp_path / "city")])
    ((code, expected, message),) = _said(EXAMPLE, registry)
    assert (code, expected) == ("grade-differs", "継続")
    assert "必要性 A(3点)・有効性 A(3点)・効率性 B(2点)の合計 8点" in message
    assert "この評価は修正しません" in message


@pytest.mark.parametrize(
    ("grades", "said"),
    [
        ({"overall": "継続"}, []),  # 8点: as entered
        ({"efficiency": "A", "overall": "拡充"}, []),  # 9点
        ({"necessity": "C", "effectiveness": "C", "efficiency": "C", "overall": "休止・廃止"}, []),
    ],
)
def test_a_grade_the_points_give_is_quiet(
    tmp_path: Path, grades: dict[str, str], said: list[object]
) -> None:
    registry = LayoutRegistry([_layouts(tmp_path / "city")])
    assert _said(_with(tmp_path, **grades), registry) == said


def test_a_grade_left_blank_gives_no_suggestion(tmp_path: Path) -> None:
    registry = LayoutRegistry([_layouts(tmp_path / "city")])
    path = _with(tmp_path, efficiency=None)  # type: ignore[arg-type]
    assert [code for code, *_ in _said(path, registry)] == []  # required-missing is 効率性's


def test_fix_never_writes_the_suggestion(tmp_path: Path) -> None:
    registry = LayoutRegistry([_layouts(tmp_path / "city")])
    fixed = fix_path(EXAMPLE, tmp_path / "fixed.xlsx", registry=registry)
    assert not [c for c in fixed.changes if c.field == "evaluation.overall"]


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        (
            RULE.replace("{A: 3, B: 2, C: 1}", "{A: 3, B: 2}"),
            "points に 必要性 の選択肢「C」の点数がありません",
        ),
        (
            RULE.replace("evaluation.efficiency]", "evaluation.eficiency]"),
            "from「evaluation.eficiency」はこのレイアウトにありません",
        ),
        (
            RULE.replace("evaluation.efficiency]", "evaluation.efficiency_reason]"),
            "は選択肢の項目ではありません",
        ),
        (
            RULE.replace("{A: 3, B: 2, C: 1}", "{A: 3, B: 2, C: 低}"),
            "points の「C」の点数「低」は数値ではありません",
        ),
        (RULE.replace("改善: 5", "改良: 5"), "thresholds の「改良」は 総合評価 の選択肢"),
        (RULE.replace("    points: {A: 3, B: 2, C: 1}\n", ""), "points"),
    ],
)
def test_a_rule_the_layout_cannot_use_is_refused_at_its_line(
    tmp_path: Path, rule: str, said: str
) -> None:
    folder = _layouts(tmp_path / "bad", rule)
    with pytest.raises(LayoutError) as caught:
        load_layout(folder / "jimu-jigyo.yaml")
    assert said in str(caught.value) and "行目" in str(caught.value)
