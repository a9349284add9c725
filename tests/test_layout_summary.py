"""The `summary:` section of a layout file: what the central office sums up."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsxsheet.errors import LayoutError
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.model import fill_field_pattern, match_field_pattern
from xlsxsheet.layout.registry import default_registry

SOURCE = Path(__file__).resolve().parents[1] / "templates" / "shisaku-management.yaml"


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SOURCE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "shisaku-management.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shisaku_management_declares_its_summary() -> None:
    layout = default_registry().get("shisaku-management")
    summary = layout.summary
    assert summary is not None
    assert summary.key == "header.shisaku_no"
    assert summary.department == "header.lead_dept"
    assert [g.field for g in summary.grades] == [
        "evaluation.achievement_grade",
        "evaluation.trend_grade",
        "result.overall_grade",
    ]
    assert [c.label for c in summary.costs] == [
        "事業費計(A)",
        "人件費計(B)",
        "トータルコスト(A)+(B)",
    ]
    assert {v.kind for v in summary.values} == {"目標", "実績", "見込み"}


@pytest.mark.parametrize(
    ("pattern", "field_id", "captured"),
    [
        ("perf.outcome.*.*.target", "perf.outcome.d1.a.target", ("d1", "a")),
        ("perf.cost.*", "perf.cost.total_a", ("total_a",)),
        ("perf.cost.*", "perf.cost.x.y", None),
        ("header.shisaku_no", "header.shisaku_no", ()),
        ("header.shisaku_no", "header.shisaku_name", None),
    ],
)
def test_field_patterns(pattern: str, field_id: str, captured: tuple[str, ...] | None) -> None:
    assert match_field_pattern(pattern, field_id) == captured
    if captured is not None:
        assert fill_field_pattern(pattern, captured) == field_id


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ("  key: header.shisaku_no ", "  key: header.shisaku_nr ", ["shisaku_nr", "shisaku_no"]),
        ("  key: header.shisaku_no ", "  key: perf.cost.total_a ", ["年度別の項目"]),
        ("  department: header.lead_dept ", "  departments: header.lead_dept ", ["departments"]),
        (
            "{field: evaluation.trend_grade, label: 時系列比較}",
            "{field: header.manager, label: 時系列比較}",
            ["choice", "評価"],
        ),
        (
            "{field: perf.cost.total_a, label: 事業費計(A)}",
            "{field: header.shisaku_name, label: 事業費計(A)}",
            ["数値の項目ではありません", "header.shisaku_name"],
        ),
        (
            "{fields: perf.projects.count, kind: 実績}",
            "{fields: perf.projects.count, kind: 実績, year: params.plan_final}",
            ["年度別の項目には書けません"],
        ),
        (
            "{fields: perf.projects.count, kind: 実績}",
            "{fields: header.shisaku_no, kind: 実績}",
            ["数値の項目ではありません"],
        ),
        (
            "{fields: perf.projects.count, kind: 実績}",
            "{fields: perf.projects.count, kind: 実績, key_from: header.shisaku_nr}",
            ["header.shisaku_nr", "key_from"],
        ),
        (
            "{fields: perf.projects.count, kind: 実績}",
            "{fields: perf.projects.count, kind: 決算}",
            ["決算", "目標"],
        ),
        (
            "{fields: perf.projects.count, kind: 実績}",
            "{fields: perf.projects.counts, kind: 実績}",
            ["当てはまる項目がありません"],
        ),
        (
            "unit_from: indicators.target.*.unit, name_from: indicators.target.*.name}\n"
            "    - {fields: perf.target.*.actual",
            "unit_from: indicators.target.*.units, name_from: indicators.target.*.name}\n"
            "    - {fields: perf.target.*.actual",
            ["indicators.target.a.units", "unit_from"],
        ),
        (
            "{fields: perf.projects.count, kind: 実績}",
            "{fields: perf.projects.count, kind: 実績, unit_from: indicators.target.*.unit}",
            ["* が fields"],
        ),
    ],
)
def test_summary_mistakes_name_place_and_fix(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    with pytest.raises(LayoutError) as info:
        load_layout(_variant(tmp_path, old, new))
    message = str(info.value)
    assert "shisaku-management.yaml" in message
    assert "summary" in message
    assert "→" in message
    for fragment in fragments:
        assert fragment in message


def test_layout_without_summary_loads(tmp_path: Path) -> None:
    text = SOURCE.read_text(encoding="utf-8")
    head = text.split("\nsummary:\n")[0]
    path = tmp_path / "shisaku-management.yaml"
    path.write_text(head, encoding="utf-8")
    assert load_layout(path).summary is None
