"""A layout's params (plan period, target year) given for one year's templates: `template
--param`, `rollover --param`; read back from the workbooks written (xlsxsheet and calamine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import python_calamine
from click.testing import CliRunner

from xlsxsheet.cli import main
from xlsxsheet.core.errors import UnknownLayoutError, UsageError
from xlsxsheet.layout.layout_names import find_layout
from xlsxsheet.layout.model import Layout
from xlsxsheet.layout.param_values import layout_param_values, param_setting, param_values
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.reading.return_reader import read_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _layout(layout_id: str) -> Layout:
    return default_registry().get(layout_id)


@pytest.mark.parametrize(
    ("setting", "param", "value"),
    [
        ("target_year=R9", "target_year", 2027),
        ("target_year=令和9年度", "target_year", 2027),
        ("target_year=2027", "target_year", 2027),
        ("まちづくり指標の目標年度=令和１０年度", "target_year", 2028),
        (" target_year = H30 ", "target_year", 2018),
    ],
)
def test_a_param_is_named_by_its_id_or_label_and_read_as_its_type(
    setting: str, param: str, value: int
) -> None:
    found, read = param_setting(_layout("shisaku-hyoka"), setting)
    assert (found.id, read) == (param, value)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "target=R9",
            "様式「施策評価シート」に設定項目「target」はありません。「target_year」ではありませんか。"
            "設定できる項目: target_year(まちづくり指標の目標年度)",
        ),
        ("target_year", "「target_year」は 名前=値 の形ではありません"),
        ("=R9", "「=R9」は 名前=値 の形ではありません"),
        (
            "target_year=来年",
            "「まちづくり指標の目標年度」に「来年」は指定できません: 年度「来年」を読み取れません",
        ),
    ],
)
def test_a_param_that_cannot_be_used_is_refused_saying_what_to_write(
    setting: str, message: str
) -> None:
    with pytest.raises(UsageError) as refused:
        param_setting(_layout("shisaku-hyoka"), setting)
    assert message in str(refused.value)


def test_a_layout_without_params_says_so() -> None:
    with pytest.raises(UsageError, match="事務事業評価シート」には設定できる項目"):
        param_setting(_layout("jimu-jigyo"), "x=1")


def test_one_param_given_twice_with_two_values_is_refused() -> None:
    layout = _layout("shinchoku-shihyo")
    assert param_values(layout, ["plan_final=R12", "計画最終年度=令和12年度"]) == {
        "plan_final": 2030
    }
    with pytest.raises(UsageError, match="「計画最終年度」が二度、違う値で"):
        param_values(layout, ["plan_final=R12", "plan_final=R13"])


def test_layout_and_param_are_split_at_the_dot_that_names_a_layout() -> None:
    registry = default_registry()

    def find(name: str) -> Layout:
        return find_layout(registry, name)

    given = layout_param_values(
        find,
        [
            "施策評価シート.target_year=R9",
            "shinchoku-shihyo.plan_start=R7",
            "地域福祉計画 進捗管理表.計画最終年度=R12",
        ],
    )
    assert given == {
        "shisaku-hyoka": {"target_year": 2027},
        "shinchoku-shihyo": {"plan_start": 2025, "plan_final": 2030},
    }
    with pytest.raises(UnknownLayoutError, match="様式「施策評価」はありません"):
        layout_param_values(find, ["施策評価.target_year=R9"])
    with pytest.raises(UsageError, match=r"様式\.名前=値 の形ではありません"):
        layout_param_values(find, ["target_year=R9"])


# --- the commands ---------------------------------------------------------------------------


def _hyoka_rollover(out: Path, *params: str) -> Any:
    """rollover of the bundled 施策評価シート R1 to R2 into `out`, with `--param` each of
    `params`."""
    given = [arg for param in params for arg in ("--param", param)]
    return CliRunner().invoke(
        main,
        [
            "rollover",
            str(EXAMPLES / "shisaku-hyoka-R1.xlsx"),
            "--year",
            "R2",
            "-o",
            str(out),
            *given,
        ],
    )


def test_template_param_is_in_the_workbook_and_its_labels(tmp_path: Path) -> None:
    out = tmp_path / "施策評価.xlsx"
    result = CliRunner().invoke(
        main,
        ["template", "shisaku-hyoka", "--year", "R7", "--param", "target_year=R9", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    read = read_file(out)
    assert read.plan.params == {"target_year": 2027}
    labels = {slot.label for slot in read.plan.slots.values()}
    assert any(label.startswith("目標値 令和9年度") for label in labels), sorted(labels)[:20]
    assert not any("令和4年度" in label for label in labels)
    book = python_calamine.CalamineWorkbook.from_path(str(out))
    shown = [  # the heading as the sheet shows it, read by another reader
        cell
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for cell in row
        if isinstance(cell, str) and cell.startswith("目標値")
    ]
    assert shown == ["目標値 令和9年度"]


def test_template_param_refused_exits_2_with_the_message_and_writes_nothing(
    tmp_path: Path,
) -> None:
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(
        main, ["template", "shisaku-hyoka", "--year", "R7", "--param", "target=R9", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "設定項目「target」はありません。「target_year」ではありませんか。" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_rollover_param_replaces_the_returns_own_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "R2"
    result = _hyoka_rollover(out, "施策評価シート.まちづくり指標の目標年度=R9")
    assert result.exit_code == 0, result.output
    assert "[情報] まちづくり指標の目標年度を令和4年度から令和9年度にしました(指定による)。" in (
        result.output
    )
    (made,) = out.glob("*.xlsx")
    read = read_file(made)
    assert read.plan.params == {"target_year": 2027}
    before = read_file(EXAMPLES / "shisaku-hyoka-R1.xlsx").document()
    # the targets the department typed are carried as they were: only the year they are for moved
    assert [i["target"] for i in read.document()["indicators"]] == [
        i["target"] for i in before["indicators"]
    ]


def test_rollover_param_moves_the_plan_window_and_reports_what_leaves_it(tmp_path: Path) -> None:
    """A new plan period from R7: the year columns follow it, the earlier years' values are
    said to leave the template (not lost silently)."""
    out = tmp_path / "R7"
    result = CliRunner().invoke(
        main,
        [
            "rollover",
            str(EXAMPLES / "shinchoku-shihyo-R6.xlsx"),
            "--year",
            "R7",
            "-o",
            str(out),
            "--param",
            "shinchoku-shihyo.plan_start=R7",
            "--param",
            "shinchoku-shihyo.plan_final=R12",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    (made,) = out.glob("*.xlsx")
    read = read_file(made)
    assert read.plan.params == {"plan_start": 2025, "plan_final": 2030}
    year_columns = {slot.year for slot in read.plan.slots.values() if slot.year is not None}
    assert min(year_columns) == 2025 and max(year_columns) == 2030
    assert '"params-set"' in result.output
    assert "R2年度" in result.output  # the values of R2–R6 are listed as left out


def test_rollover_without_param_keeps_the_returns_own(tmp_path: Path) -> None:
    out = tmp_path / "R2"
    result = _hyoka_rollover(out)
    assert result.exit_code == 0, result.output
    assert "指定による" not in result.output
    (made,) = out.glob("*.xlsx")
    assert read_file(made).plan.params == {"target_year": 2022}


def test_layouts_lists_each_layouts_params_with_their_defaults() -> None:
    result = CliRunner().invoke(main, ["layouts"])
    assert result.exit_code == 0, result.output
    assert "設定(--param): target_year(まちづくり指標の目標年度、既定 令和4年度)" in result.output
    assert (
        "設定(--param): plan_start(計画開始年度、既定 令和2年度)、"
        "plan_final(計画最終年度、既定 令和8年度)"
    ) in result.output


def test_rollover_param_of_a_layout_no_template_was_made_of_is_said_unused(
    tmp_path: Path,
) -> None:
    result = _hyoka_rollover(tmp_path / "R2", "shinchoku-shihyo.plan_final=R12")
    assert (
        "設定 [警告] 地域福祉計画 進捗管理表の様式を1件も作らなかったため、--param で指定した設定は"
        "使っていません"
    ) in result.output
    assert "指定による" not in result.output
