"""Mistakes a city's IT staff make writing a layout file, as one of them made them: each is
refused when the file is read, at the line of the key at fault, saying what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import run_cli

from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout.loader import load_layout

SOURCE = Path(__file__).resolve().parents[1] / "templates" / "shisaku-management.yaml"


def _edited(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    text = SOURCE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / SOURCE.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path, path.read_text(encoding="utf-8")


def _line_of(text: str, fragment: str) -> int:
    """The 1-based line the (unique) fragment is on."""
    assert text.count(fragment) == 1, fragment
    return text[: text.index(fragment)].count("\n") + 1


def _refused(path: Path) -> LayoutError:
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "at", "words"),
    [
        (  # a top-level key misspelt, far below the first line
            "grade_suggestions:\n",
            "grade_sugestions:\n",
            "grade_sugestions:",
            ["未知のキー「grade_sugestions」", "「grade_suggestions」の誤りではありませんか"],
        ),
        (  # a year that is no fiscal year
            "default_year: 2020\n",
            "default_year: R99X\n",
            "default_year:",
            ["「default_year: R99X」は年度として読めません", "R2"],
        ),
        (  # a key misspelt inside a mapping written over several lines
            "    band: 0.05 ",
            "    bnad: 0.05 ",
            "bnad:",
            ["未知のキー「bnad」", "「band」の誤りではありませんか"],
        ),
    ],
)
def test_a_mistake_is_placed_at_the_line_of_its_key(
    tmp_path: Path, old: str, new: str, at: str, words: list[str]
) -> None:
    path, text = _edited(tmp_path, old, new)
    error = _refused(path)
    assert error.place.startswith(f"{_line_of(text, at)}行目 "), error.place
    for word in words:
        assert word in str(error)


@pytest.mark.parametrize("bound", ["from: 2016", "to: 2027"])
def test_a_year_set_written_in_years_not_offsets_is_refused_with_what_to_write(
    tmp_path: Path, bound: str
) -> None:
    """The natural slip: the years themselves instead of their distance from the year
    evaluated. It used to end in a traceback (4040年度は和暦で表せません) when the plan was
    laid out, after `layouts --check` had said the file was read correctly."""
    key = bound.split(": ")[0]
    old = "history: {from: -4, to: 3, extra: [plan_final]}"
    new = old.replace("from: -4" if key == "from" else "to: 3", bound)
    path, _ = _edited(tmp_path, old, new)
    error = _refused(path)
    assert f"「{bound}」は評価年度からの差として大きすぎます(±30年まで)" in error.problem
    assert "評価年度の2年前なら -2" in error.fix and "type: fiscal-year" in error.fix
    code, out, err = run_cli("layouts", "--check", str(path))
    assert code == 1
    assert "正しく読めました" not in out and "Traceback" not in out + err
    assert "評価年度からの差として大きすぎます" in err


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (  # E is not one of the grades; D, which is, was left out
            "thresholds: {A: 1.0, B: 0.95, C: 0.85, D: 0.7, E: null}",
            "thresholds: {A: 1.0, B: 0.95, C: 0.85, X: null}",
            ["thresholds の「X」は", "の選択肢(A・B・C・D・E)にありません"],
        ),
        (
            "thresholds: {A: 1.0, B: 0.95, C: 0.85, D: 0.7, E: null}",
            "thresholds: {A: 1.0, B: 0.95, C: 八割, D: 0.7, E: null}",
            ["「C: 八割」の下限は数で書いてください", "null"],
        ),
        (  # without its thresholds the method has nothing to grade by
            "    thresholds: {A: 1.0, B: 0.95, C: 0.85, D: 0.7, E: null}\n",
            "",
            ["必須のキー「thresholds」がありません"],
        ),
        (
            "    tolerance: 1 ",
            "    tolerence: 1 ",
            ["未知のキー「tolerence」", "「tolerance」の誤りではありませんか"],
        ),
    ],
)
def test_grade_suggestion_arguments_are_checked_when_the_file_is_read(
    tmp_path: Path, old: str, new: str, words: list[str]
) -> None:
    """A threshold for a grade the list does not have used to be taken silently: the rule
    then never suggested the grade left out, and check never warned."""
    path, _ = _edited(tmp_path, old, new)
    error = _refused(path)
    assert "grade_suggestions[" in error.place and "行目" in error.place
    for word in words:
        assert word in str(error)


def test_layouts_check_says_nothing_is_right_before_every_step_has_passed(
    tmp_path: Path,
) -> None:
    """A mistake only laying out the sheet finds (more year columns than the sheet has) is
    said alone: 「正しく読めました」 followed by an error read as both."""
    old = "history: {from: -4, to: 3, extra: [plan_final]}"
    path, _ = _edited(tmp_path, old, old.replace("from: -4", "from: -9"))
    code, out, err = run_cli("layouts", "--check", str(path))
    assert code == 1
    assert out == ""
    assert "列が必要ですが" in err
    good = tmp_path / "good" / SOURCE.name
    good.parent.mkdir()
    good.write_bytes(SOURCE.read_bytes())
    code, out, _ = run_cli("layouts", "--check", str(good))
    assert code == 0
    assert out.startswith(f"{SOURCE.name}: レイアウト定義として正しく読めました")
    assert out.rstrip().endswith("の様式を作れます(シート 1 枚)。")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "                label: 目標達成度\n",
            '                label: "達成度{{ year | short_label }"\n',
        ),
        (
            '        header: [区分, "", "", 数値区分]\n',
            '        header: [区分, "", "", "数値{{ year }"]\n',
        ),
        (
            "    prompt: 前年度の実績値と比べて選んでください。\n",
            '    prompt: "{{ (year - 1) | long_label }と比べて選んでください。"\n',
        ),
    ],
)
def test_a_broken_template_in_any_label_is_refused_when_the_file_is_read(
    tmp_path: Path, old: str, new: str
) -> None:
    """Every label is rendered for the year (judgements, headers, list prompts too); a broken
    one is a mistake of the file, at its line, not a traceback when a template is made."""
    path, text = _edited(tmp_path, old, new)
    error = _refused(path)
    assert "のテンプレートが正しくありません" in error.problem
    assert "{{ year | era_year }} のように書いてください" in error.fix
    assert error.place.startswith(f"{_line_of(text, new.strip())}行目 "), error.place


@pytest.mark.parametrize(
    ("new", "words", "hint"),
    [
        (  # a filter misspelt: jinja2 only finds it compiling, it used to end in a traceback
            'note: "{{ year | longlabel }} 評価"',
            "「longlabel」というフィルターはありません",
            "「long_label」の誤りではありませんか",
        ),
        (  # a name misspelt: StrictUndefined only finds it rendering
            'note: "{{ yaer | long_label }} 評価"',
            "「yaer」は使えない名前です",
            "「year」の誤りではありませんか",
        ),
        (  # a parameter misspelt
            'note: "{{ params.plan_fnal | long_label }} 評価"',
            "params.plan_fnal は params にありません",
            "「params.plan_final」の誤りではありませんか",
        ),
        (  # a level's own name outside a level label
            'note: "{{ label }} 評価"',
            "「label」は使えない名前です",
            "level_label・level_title・row_label の中だけで",
        ),
    ],
)
def test_a_label_naming_what_rendering_cannot_find_is_refused_at_its_line(
    tmp_path: Path, new: str, words: str, hint: str
) -> None:
    """みどり市's IT staff typed `longlabel`: `layouts --check` ended in a Python traceback,
    `layouts --templates` listed the file as fine, and every return of it was reported to its
    課 as a file that could not be read."""
    path, text = _edited(tmp_path, 'note: "{{ year | long_label }} 評価"', new)
    error = _refused(path)
    assert words in error.problem, error.problem
    assert hint in error.fix, error.fix
    assert error.place.startswith(f"{_line_of(text, new)}行目 sheets[1]"), error.place
    code, out, err = run_cli("layouts", "--check", str(path))
    assert code != 0 and "Traceback" not in out + err and words in out + err


def test_a_label_that_fails_only_when_rendered_is_the_layouts_mistake_not_the_returns(
    tmp_path: Path, no_city_layouts: None
) -> None:
    """What the loader cannot see (a division by zero in a label) stops the check as
    `layout-broken`, saying the file sent is not at fault; it was `file-unreadable`, telling
    the 課 to save its workbook again."""
    from xlsxsheet.checks.pipeline import check_file
    from xlsxsheet.layout.registry import LayoutRegistry

    example = Path(__file__).resolve().parents[1] / "examples" / "shisaku-management-R2.xlsx"
    folder = tmp_path / "layouts"
    folder.mkdir()
    path, _text = _edited(
        folder, 'note: "{{ year | long_label }} 評価"', 'note: "{{ year // 0 }} 評価"'
    )
    load_layout(path)  # well-formed: only rendering finds it
    checked = check_file(example, LayoutRegistry([folder]))
    assert [p.code for p in checked.problems] == ["layout-broken"]
    assert "提出されたファイルの誤りではありません" in checked.problems[0].message
    code, out, err = run_cli(
        "template",
        "shisaku-management",
        "--year",
        "R2",
        "-o",
        str(tmp_path / "t.xlsx"),
        "--templates",
        str(folder),
    )
    assert code != 0 and "Traceback" not in out + err
    assert "ラベル「{{ year // 0 }} 評価」" in out + err, out + err
