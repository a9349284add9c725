"""A mistake in a layout file is an error naming the file, the place and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsxsheet.core.errors import LayoutError, UnknownLayoutError
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.plan.workbook_plan import build_plan

SOURCE = Path(__file__).resolve().parents[1] / "templates" / "shisaku-management.yaml"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = SOURCE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "shisaku-management.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (
            "      - type: heading\n",
            "      - type: headline\n",
            ["type「headline」", "使える type"],
        ),
        (
            "    name: 施策マネジメントシート\n",
            "    name: 施策[マネジメント]\n",
            ["シート名", "[ ]"],
        ),
        ("list: grade_trend, span: 2", "list: grade_trnd, span: 2", ["grade_trend"]),
        ("{field: manager, label: 氏名", "{feild: manager, label: 氏名", ["feild", "field"]),
        (  # typed with the Japanese input on: a full-width colon, a full-width space
            "{field: manager, label: 氏名",
            "{field: manager, label：氏名",
            ["未知のキー「label：氏名」", "全角のコロン「：」", "「label: 値」のように"],
        ),
        ("{field: manager, label: 氏名", "{field: manager,　label: 氏名", ["全角スペース"]),
        (
            'formula: "sum(national, prefectural, bonds, other, general)"',
            'formula: "sum(national, prefectural, bonds, other, generl)"',
            ["generl", "general"],
        ),
        (
            'formula: "sum(total_a, personnel_b)"',
            'formula: "sum(total_a,, personnel_b)"',
            ["formula", "13文字目", "「,」の位置に値がありません", "値か series の id"],
        ),
        ("{id: hours,", "{id: Hours,", ["Hours", "半角英小文字"]),
        ("    years: history\n", "    years: histroy\n", ["histroy", "history"]),
        ("rule: {kind: target-vs-actual,", "rule: {kind: target-vs-actuals,", ["target-vs-actual"]),
        ("met: 達成, unmet: 未達成", "met: 達成済, unmet: 未達成", ["達成済", "values"]),
        (
            "{field: related_depts, label: 主な関係課, type: text, span: 6}",
            "{field: related_depts, label: 主な関係課, type: text, span: 9}",
            ["span の合計", "columns"],
        ),
        (
            "    method: trend-score\n",
            "    method: trend-scores\n",
            ["trend-scores", "使える method"],
        ),
        (
            'text: "{{ year | era_year }}年度の取組状況"',
            'text: "{{ year | era_year }年度の取組状況"',
            ["テンプレート", "era_year"],
        ),
        ("version: 1\n", "version: one\n", ["version", "整数"]),
        (
            "  achievement:\n    values: [達成, 未達成]",
            "  achievement:\n    values: [達成, 未達成\n",
            ["YAML"],
        ),
    ],
)
def test_layout_mistakes_name_file_place_and_fix(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    message = str(caught.value)
    assert message.startswith("レイアウト定義 shisaku-management.yaml (")
    assert "行目" in caught.value.place or "YAML" in message
    for fragment in fragments:
        assert fragment in message


def test_the_bundled_layout_loads() -> None:
    layout = load_layout(SOURCE)
    assert layout.id == "shisaku-management"
    assert "perf.cost.total_a" in layout.fields
    assert layout.fields["perf.cost.total_a"].computed


def test_unknown_layout_suggests_the_nearest(tmp_path: Path) -> None:
    registry = LayoutRegistry([SOURCE.parent])
    with pytest.raises(UnknownLayoutError, match="shisaku-management"):
        registry.get("shisaku-managment")


def test_a_city_adds_a_layout_by_adding_a_file(tmp_path: Path) -> None:
    """No Python: a copy of a layout file under another id is a new layout."""
    text = (
        SOURCE.read_text(encoding="utf-8")
        .replace("layout: shisaku-management", "layout: my-city-sheet")
        .replace("title: 施策マネジメントシート", "title: わが市の施策シート")
    )
    (tmp_path / "my-city-sheet.yaml").write_text(text, encoding="utf-8")
    registry = LayoutRegistry([SOURCE.parent, tmp_path])
    assert "my-city-sheet" in registry.ids()
    assert registry.get("my-city-sheet").title == "わが市の施策シート"


@pytest.mark.parametrize(
    ("new_total_a", "loop"),
    [
        (
            "sum(national, prefectural, bonds, other, general, total_a)",
            "「施策コスト 事業費 事業費計(A)」 → 「施策コスト 事業費 事業費計(A)」",
        ),
        (
            "sum(national, prefectural, bonds, other, general) - total",
            "「施策コスト 事業費 事業費計(A)」 → 「施策コスト トータルコスト(A)+(B)」"
            " → 「施策コスト 事業費 事業費計(A)」",
        ),
    ],
)
def test_a_formula_that_reaches_itself_is_refused(
    tmp_path: Path, new_total_a: str, loop: str
) -> None:
    """Excel would open the template with a 循環参照 warning and compute nothing."""
    path = _broken(
        tmp_path,
        'formula: "sum(national, prefectural, bonds, other, general)"',
        f'formula: "{new_total_a}"',
    )
    registry = LayoutRegistry([tmp_path])
    layout = registry.get("shisaku-management")
    with pytest.raises(LayoutError) as caught:
        build_plan(layout, layout.default_year)
    assert caught.value.file == path.name
    assert f"formula の参照が循環しています: {loop}" in str(caught.value)
    assert "循環参照" in caught.value.fix
