"""`rollover:` in layout files: what next year's template carries, clears and recomputes."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import default_registry

SOURCE = Path(__file__).resolve().parents[1] / "templates" / "shisaku-management.yaml"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SOURCE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "shisaku-management.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (
            "        id: header\n        rollover: carry\n",
            "        id: header\n        rollover: keep\n",
            ["rollover「keep」", "carry", "clear", "blocks["],
        ),
        (
            '                 formula: "sum(total_a, personnel_b)"}',
            '                 formula: "sum(total_a, personnel_b)", rollover: carry}',
            ["計算式", "rollover", "計算し直します"],
        ),
        (
            "                label: 前年度比較\n",
            "                label: 前年度比較\n                rollover: carry\n",
            ["判定", "rollover: carry", "clear"],
        ),
        (
            "{field: manager, label: 氏名, type: text, span: 3}",
            "{field: manager, label: 氏名, type: text, span: 3, rollovr: clear}",
            ["rollovr", "「rollover」の誤り"],
        ),
    ],
)
def test_rollover_mistakes_name_place_and_fix(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    with pytest.raises(LayoutError) as caught:
        load_layout(_edited(tmp_path, old, new))
    message = str(caught.value)
    assert message.startswith("レイアウト定義 shisaku-management.yaml (")
    assert "行目" in caught.value.place
    for fragment in fragments:
        assert fragment in message


def test_field_overrides_its_block(tmp_path: Path) -> None:
    layout = load_layout(
        _edited(
            tmp_path,
            "{field: manager, label: 氏名, type: text, span: 3}",
            "{field: manager, label: 氏名, type: text, span: 3, rollover: clear}",
        )
    )
    assert layout.fields["header.manager"].rollover == "clear"
    assert layout.fields["header.lead_dept"].rollover == "carry"


def test_defaults_by_kind(tmp_path: Path) -> None:
    """Without any declaration: form/table fields clear, series carry, formulas recompute."""
    text = SOURCE.read_text(encoding="utf-8")
    stripped = "\n".join(
        line for line in text.splitlines() if not line.strip().startswith("rollover:")
    )
    path = tmp_path / "shisaku-management.yaml"
    path.write_text(stripped + "\n", encoding="utf-8")
    fields = load_layout(path).fields
    assert fields["header.shisaku_no"].rollover == "clear"
    assert fields["indicators.outcome.d1.a.name"].rollover == "clear"
    assert fields["perf.outcome.d1.a.target"].rollover == "carry"
    assert fields["perf.outcome.d1.a.source"].rollover == "carry"
    assert fields["perf.outcome.d1.a.achievement"].rollover == "clear"
    assert fields["perf.cost.total_a"].rollover == "recompute"
    assert not fields["perf.cost.total_a"].carried


# The split for 施策マネジメントシート, restated here independently of the layout file.
PLAN_PREFIXES = ("header.", "purpose.", "indicators.", "plan.", "perf.")
YEAR_PREFIXES = ("evaluation.", "status.", "result.", "direction.")


def test_shisaku_management_declares_plan_and_year() -> None:
    layout = default_registry().get("shisaku-management")
    for field in layout.fields.values():
        if field.computed:
            assert field.rollover == "recompute", field.id
        elif field.rule is not None or field.id.startswith(YEAR_PREFIXES):
            assert field.rollover == "clear", field.id
        else:
            assert field.id.startswith(PLAN_PREFIXES), field.id
            assert field.rollover == "carry", field.id
