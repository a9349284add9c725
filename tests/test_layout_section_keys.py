"""What a year-table section names by id is checked when the layout file is read, and means
what its author meant (findings of a city's IT staff writing their own layout):

- `direction_from` matching no field is refused at its line, with the nearest pattern; left out,
  it is the section's own 望ましい方向 series, so the judgements follow what the department chose;
- the judgements of one indicator infer the same direction when its cell is blank;
- `unit_slip_check` naming no series is refused; `checks.unit_slip_ratio` alone watches every
  money series; a misspelt key of `checks` is refused;
- `layouts --check` refuses a file named otherwise than its `layout:` id, as the registry does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import run_cli
from small_eval_support import LAYOUT, checked, codes, line_of, template, typed, write_layout

from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout.loader import load_layout

# 待機児童数: lower is better; the department chose 低いほど良い, the targets stay at 10
WAITING = {
    "xs_ind_outcome_o1_name": "待機児童数",
    "xs_ind_outcome_o1_direction": "低いほど良い",
    "xs_ind_outcome_o1_target_y2023": 10,
    "xs_ind_outcome_o1_target_y2024": 10,
    "xs_ind_outcome_o1_actual_y2023": 16,
    "xs_ind_outcome_o1_actual_y2024": 8,
    "xs_ind_outcome_o1_achieved": "達成",
    "xs_ind_outcome_o1_yoy": "向上",
}


def _refused(tmp_path: Path, old: str, new: str) -> tuple[LayoutError, str]:
    assert old in LAYOUT
    text = LAYOUT.replace(old, new)
    path = write_layout(tmp_path, text)
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    return caught.value, text


def _judgement_problems(tmp_path: Path, text: str, values: dict[str, object]) -> list[str]:
    book = typed(template(tmp_path, text), values, tmp_path / "return.xlsx")
    result = checked(tmp_path, book)
    return [p.message for p in result.problems if p.code.startswith(("judgement", "direction"))]


def test_a_misspelt_direction_from_is_refused_at_its_line_with_the_pattern_to_write(
    tmp_path: Path,
) -> None:
    """`direction_from: ind.outcome.*.directon` was accepted: the judgements then inferred the
    direction, and a right 向上 was reported as wrong (and fix would have written 低下)."""
    old = "            judgements:\n              - {id: achieved"
    new = "            direction_from: ind.outcome.*.directon\n" + old
    error, text = _refused(tmp_path, old, new)
    assert error.place == f"{line_of(text, 'directon')}行目 sheets[1].blocks[2].sections[1]"
    assert error.problem == (
        "direction_from「ind.outcome.*.directon」に当たる項目がありません"
        "(「ind.outcome.o1.directon」など)"
    )
    assert error.fix.endswith("「ind.outcome.*.direction」の誤りではありませんか")
    code, out, err = run_cli("layouts", "--check", str(tmp_path / "small-eval.yaml"))
    assert code == 1 and "正しく読めました" not in out
    assert "direction_from「ind.outcome.*.directon」に当たる項目がありません" in err


def test_direction_from_naming_a_series_by_year_is_refused(tmp_path: Path) -> None:
    old = "            judgements:\n              - {id: achieved"
    new = "            direction_from: ind.outcome.*.target\n" + old
    error, _ = _refused(tmp_path, old, new)
    assert error.problem == (
        "direction_from「ind.outcome.*.target」の項目「ind.outcome.o1.target」は年度別の項目です"
    )


def test_without_direction_from_the_sections_own_direction_series_decides(tmp_path: Path) -> None:
    """The section has a 望ましい方向 row and no direction_from: the department's 低いほど良い is
    what both judgements follow (before, 前年度比較 was judged 高いほど良い without a word)."""
    layout = load_layout(write_layout(tmp_path / "layouts"))
    outcome = layout.sheets[0].blocks[1].sections[0]  # type: ignore[union-attr]
    assert outcome.direction_from == "ind.outcome.*.direction"
    assert _judgement_problems(tmp_path, LAYOUT, WAITING) == []


def test_a_wrong_judgement_is_still_reported_with_the_direction_chosen(tmp_path: Path) -> None:
    values = WAITING | {"xs_ind_outcome_o1_yoy": "低下"}
    assert _judgement_problems(tmp_path, LAYOUT, values) == [
        "'評価シート'!K3 (成果指標 ① 前年度比較): 入力値 「低下」 は数値と合いません。"
        "R5 16 → R6 8 (低いほど良い指標) から「向上」です。修正版では「向上」にします。"
    ]


def test_both_judgements_of_an_indicator_infer_the_same_direction(tmp_path: Path) -> None:
    """The direction left blank, targets going down (20 → 10): 達成状況 inferred 低いほど良い
    from the targets, 前年度比較 (whose rule names no target) 高いほど良い — a false mismatch."""
    values = {k: v for k, v in WAITING.items() if not k.endswith("direction")}
    values |= {"xs_ind_outcome_o1_target_y2022": 20, "xs_ind_outcome_o1_target_y2023": 15}
    found = _judgement_problems(tmp_path, LAYOUT, values)
    assert found == [
        f"'評価シート'!{cell} (成果指標 ① {label}): 指標の望ましい方向が未入力のため、目標値の推移から"
        "「低いほど良い」と推定して判定しました。方向を入力してください。"
        for cell, label in (("J3", "達成状況"), ("K3", "前年度比較"))
    ]
    layout = load_layout(tmp_path / "layouts" / "small-eval.yaml")
    outcome = layout.sheets[0].blocks[1].sections[0]  # type: ignore[union-attr]
    assert outcome.judgements[1].rule.args["target"] == "target"


def test_a_misspelt_unit_slip_series_is_refused_at_its_line(tmp_path: Path) -> None:
    error, text = _refused(
        tmp_path,
        "unit_slip_check: [kessan, national, general]",
        "unit_slip_check: [kessan, natinal]",
    )
    assert error.place == f"{line_of(text, 'natinal')}行目 sheets[1].blocks[2].sections[2]"
    assert error.problem == "unit_slip_check の「natinal」はこの区分の series にありません"
    assert error.fix == "「national」の誤りではありませんか"


def test_a_unit_slip_series_that_is_no_number_is_refused(tmp_path: Path) -> None:
    text = LAYOUT.replace(
        "            judgements:\n              - {id: achieved",
        "            unit_slip_check: [name]\n            judgements:\n              - {id: achieved",
    )
    with pytest.raises(LayoutError) as caught:
        load_layout(write_layout(tmp_path, text))
    assert caught.value.problem == "unit_slip_check の「name」は年度別の数値の行ではありません"


JUMP = {"xs_ind_cost_national_y2023": 3300, "xs_ind_cost_national_y2024": 3300000}


def test_unit_slip_ratio_alone_watches_every_money_series(tmp_path: Path) -> None:
    """`checks.unit_slip_ratio` without any `unit_slip_check` did nothing; with neither, no
    series is watched (as before)."""
    text = LAYOUT.replace("            unit_slip_check: [kessan, national, general]\n", "")
    ratio = text + "checks:\n  unit_slip_ratio: 100\n"
    found = {}
    for name, layout_text in (("ratio", ratio), ("neither", text)):
        folder = tmp_path / name
        book = typed(template(folder, layout_text), JUMP, folder / "return.xlsx")
        found[name] = [c for c in codes(checked(folder, book)) if c[0] == "unit-slip"]
    assert found == {"ratio": [("unit-slip", "H14")], "neither": []}


def test_a_misspelt_setting_of_checks_is_refused(tmp_path: Path) -> None:
    text = LAYOUT + "checks:\n  unit_slip_raito: 100\n"
    with pytest.raises(LayoutError) as caught:
        load_layout(write_layout(tmp_path, text))
    assert caught.value.place == f"{line_of(text, 'unit_slip_raito')}行目 checks"
    assert caught.value.problem == "未知のキー「unit_slip_raito」があります"
    assert caught.value.fix == "「unit_slip_ratio」の誤りではありませんか"


@pytest.mark.usefixtures("no_city_layouts")  # --templates sets the folder for the process
def test_layouts_check_refuses_a_file_named_otherwise_than_its_id(tmp_path: Path) -> None:
    """The registry refuses such a file (`layouts --templates`); `--check` said 「正しく読めました」."""
    path = write_layout(tmp_path, name="small_eval.yaml")
    code, out, err = run_cli("layouts", "--check", str(path))
    assert (code, out) == (1, "")
    assert err.strip() == (
        "エラー: レイアウト定義 small_eval.yaml (layout): layout: small-eval がファイル名"
        " small_eval と違います → ファイル名を small-eval.yaml に変えてください"
        "(様式の ID とファイル名は同じにします)"
    )
    code, _, err = run_cli("layouts", "--templates", str(tmp_path))
    assert code == 1 and "layout: small-eval がファイル名 small_eval と違います" in err


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('not_rated: "-"', 'not_rate: "-"', "未知のキー「not_rate」があります"),
        ("            actual: actual\n", "", "必須のキー「actual」がありません"),
    ],
)
def test_a_records_rule_argument_is_checked_when_the_file_is_read(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    """An argument `target-ratio` does not take was ignored; one it needs left out ended in a
    KeyError when a return was checked."""
    bundled = Path(__file__).resolve().parents[1] / "templates" / "shinchoku-shihyo.yaml"
    text = bundled.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "shinchoku-shihyo.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    assert caught.value.problem == problem
    assert caught.value.place.endswith(".rules[1]")


def test_a_unit_slip_series_near_no_id_is_answered_with_the_ids_there_are(tmp_path: Path) -> None:
    """With no id close to it, the hint lists the section's money rows (the fallback was dead:
    the nearest-name hint always answered, 「定義済みの名前を書いてください」)."""
    error, _text = _refused(
        tmp_path,
        "unit_slip_check: [kessan, national, general]",
        "unit_slip_check: [kessan, zzzzzz]",
    )
    assert error.fix.startswith("この区分の金額の行の id を書いてください: "), error.fix
    assert "national" in error.fix
