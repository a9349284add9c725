"""The `summary:` section of a layout file: what the central office sums up."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsxsheet.core.errors import LayoutError
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
            [
                "unit_from「indicators.target.*.unit」の * が fields「perf.projects.count」より多く",
                "* は fields の * に、前から順に対応します",
            ],
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


# --- grades inside one workbook (records columns), key-less layouts -------------------------
SHIHYO = SOURCE.with_name("shinchoku-shihyo.yaml")
GRADE_LINE = "      by: table\n"


def _shihyo_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIHYO.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "shinchoku-shihyo.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_records_grades_declare_their_rows() -> None:
    registry = default_registry()
    shihyo = registry.get("shinchoku-shihyo").summary
    assert shihyo is not None and shihyo.key is None  # one workbook a year for the whole plan
    [grade] = shihyo.grades
    assert (grade.by, grade.department_from) == ("table", "torikumi.*.dept")
    assert grade.exclude == (("torikumi.*.indicator", ("-",)),)
    pdca = registry.get("shinchoku-pdca").summary
    assert pdca is not None and pdca.key is None
    assert [(g.field, g.by, g.scale) for g in pdca.grades] == [
        ("chiiki.check", "record", ("A", "B", "C", "D")),
        ("juso.check", "record", ("A", "B", "C", "D")),
    ]
    assert registry.get("kihon-keikaku").key_field == "header.shisaku_no"
    assert registry.get("shinchoku-pdca").key_field is None


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (GRADE_LINE, "      by: chapter\n", ["by「chapter」は使えません", "table"]),
        (GRADE_LINE, "      by: torikumi.*.dep\n", ["by「torikumi.*.dep」", "同じ表の列"]),
        (GRADE_LINE, "      by: table\n      scale: [A, E]\n", ["scale の「E」", "A, B, C, -"]),
        (
            "      department_from: torikumi.*.dept\n",
            "      department_from: review.text\n",
            ["department_from「review.text」", "同じ表の列"],
        ),
        (
            "      department_from: torikumi.*.dept\n",
            "      department_from: torikumi.*.*.dept\n",
            [
                "department_from「torikumi.*.*.dept」の * が field「torikumi.*.grade」より多く",
                "* は field の * に、前から順に対応します",
            ],
        ),
        (
            '      exclude: {torikumi.*.indicator: ["-"]}\n',
            '      exclude: {torikumi.*.target: ["-"]}\n',
            ["exclude「torikumi.*.target」"],
        ),
        (
            "    - field: torikumi.*.grade\n      label: 評価\n",
            "    - field: torikumi.*.grade\n",
            ["label が必要"],
        ),
    ],
)
def test_records_grade_mistakes_name_place_and_fix(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    with pytest.raises(LayoutError) as info:
        load_layout(_shihyo_variant(tmp_path, old, new))
    message = str(info.value)
    assert "shinchoku-shihyo.yaml" in message and "summary" in message and "→" in message
    for fragment in fragments:
        assert fragment in message


def test_by_on_a_single_field_is_refused(tmp_path: Path) -> None:
    old = "{field: evaluation.trend_grade, label: 時系列比較}"
    new = "{field: evaluation.trend_grade, label: 時系列比較, by: record}"
    with pytest.raises(LayoutError) as info:
        load_layout(_variant(tmp_path, old, new))
    assert "by: record は表(records)の列の評価にだけ使えます" in str(info.value)


def _summary_of(stem: str, tmp_path: Path):
    from xlsxsheet.checks.pipeline import check_file
    from xlsxsheet.core.data_files import load_document
    from xlsxsheet.writing.make_template import make_template

    doc = load_document(SOURCE.parents[1] / "examples" / f"{stem}.yaml")
    path = tmp_path / f"{stem}.xlsx"
    make_template(default_registry().get(doc["layout"]), path, None, doc)
    checked = check_file(path)
    assert checked.info is not None
    return checked.info


def _counts(info, item: str) -> dict[str | None, dict[str, int]]:
    rows: dict[str | None, dict[str, int]] = {}
    for g in info.grades:
        if g.item == item:
            row = rows.setdefault(g.group_code or g.group_name, {})
            row[g.value] = row.get(g.value, 0) + 1
    return rows


def test_niigata_summary_gives_the_seed_tally(tmp_path: Path) -> None:
    """SHEETS.md, seed 004 (R6): 施策① 3 2 3 0; ② 3 1 0 0; ③ 0 2 0 2; ④ 0 2 2 1; ⑤ 1 0 1 0."""
    info = _summary_of("shinchoku-shihyo-R6", tmp_path)
    seed = {"①": (3, 2, 3, 0), "②": (3, 1, 0, 0), "③": (0, 2, 0, 2)}
    seed |= {"④": (0, 2, 2, 1), "⑤": (1, 0, 1, 0)}
    got = {
        name[0]: tuple(row.get(g, 0) for g in "ABC-") for name, row in _counts(info, "評価").items()
    }
    assert got == seed
    assert sum(map(sum, got.values())) == 23
    assert info.keyed is False and info.identity == ("shinchoku-shihyo", 2024, "")


def test_komae_summary_gives_the_seed_hyoka_sokatsu_hyo(tmp_path: Path) -> None:
    """SHEETS.md, seed 003: 地域福祉計画 A 4 (1-(1), 1-(2)-①, 1-(2)-③, 2-(3)), C 1 (3-(1));
    重層的支援体制整備事業実施計画 A 7, B 1 (7); X(再掲) not counted again."""
    info = _summary_of("shinchoku-pdca-R5", tmp_path)
    chiiki = _counts(info, "地域福祉計画 施策の進捗状況")
    assert {code: row for code, row in chiiki.items()} == {
        "1-(1)-①": {"A": 1},
        "1-(2)-①": {"A": 1},
        "1-(2)-③": {"A": 1},
        "2-(3)-①": {"A": 1},
        "3-(1)-①": {"C": 1},
    }
    juso = _counts(info, "重層的支援体制整備事業実施計画 施策の進捗状況")
    assert sorted(juso) == [str(n) for n in range(1, 9)]
    assert [code for code, row in juso.items() if row == {"B": 1}] == ["7"]
    seven = next(g for g in info.grades if g.group_code == "7")
    assert seven.group_name == "アウトリーチ等事業の実施"
    assert seven.departments == ("福祉政策課",)


def test_chofu_summary_sums_the_jigyo_costs(tmp_path: Path) -> None:
    """Seed 001: 決算事業費 53,557 + 18,614 千円; まちづくり指標 1万958 (H29) → 2万 (R4)."""
    info = _summary_of("shisaku-hyoka-R1", tmp_path)
    assert info.costs == {"決算事業費": {2019: 53_557 + 18_614}}
    base = next(v for v in info.values if v.field == "indicators.base" and v.record == "1")
    assert (base.year, base.value, base.unit) == (2017, 10958, "件")
    target = next(v for v in info.values if v.field == "indicators.target" and v.record == "1")
    assert (target.year, target.value, target.kind) == (2022, 20000, "目標")


def test_plan_summary_gives_its_targets_by_year(tmp_path: Path) -> None:
    """Seed 002: 1ア 13.6 (H26) → 14.5 (H31 = R1) → 16.0 (H35 = R5); 2ア's 実績値 holds a
    sentence and no year: a text value of no year (nothing is left out of the tidy CSV)."""
    info = _summary_of("kihon-keikaku-H28", tmp_path)
    one_a = sorted(
        (v.year, v.kind, v.value)
        for v in info.values
        if v.field.startswith("indicators.d1.a.") and v.kind  # the values of its rules
    )
    assert one_a == [(2014, "実績", 13.6), (2019, "目標", 14.5), (2023, "目標", 16.0)]
    two_a = [
        (v.field, v.year, v.year_text, v.kind, v.value)
        for v in info.values
        if v.field.startswith("indicators.d2.a.") and v.kind
    ]
    assert two_a == [
        (
            "indicators.d2.a.base",
            None,
            None,
            "実績",
            "平成28(2016)年度中に実績値を把握し、目標設定予定。",
        )
    ]
    assert (info.key, info.department) == ("12", "福祉総務課")
