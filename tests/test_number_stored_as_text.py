"""A number stored as text in a numeric input (`１，２００`, `13,000千円`, `△500`): xlsxsheet reads
the number, Excel's formulas leave the cell out. `check` warns at the cell (the info of how it was
read comes with it), names the computed cells the department will see wrong, and marks the cell
in the copy sent back; `fix` writes the number once, as before."""

from __future__ import annotations

import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_support import run_cli
from corpus.build import DOC, LAYOUT_ID, SHEET, YEAR, cell

from xlsxsheet.checks.base import show
from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.copies.marked import FILLS, annotated_name
from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.problems import Problem
from xlsxsheet.external.libreoffice import recalculate
from xlsxsheet.layout.registry import LayoutRegistry, default_registry
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

ROOT = Path(__file__).resolve().parents[1]
CODE = "number-stored-as-text"
Key = tuple[str, int | None]
WIDE = str.maketrans("0123456789,", "０１２３４５６７８９，")

# (what it is, field, year, what the department typed, what xlsxsheet reads)
TYPED: list[tuple[str, str, int | None, str, int | float]] = [
    ("full-width money with commas", "perf.cost.national", YEAR, "１，７６４，２５１", 1764251),
    ("money with its unit", "perf.cost.general", YEAR, "57,039千円", 57039),
    ("full-width digits", "perf.cost.bonds", 2016, "３２０００", 32000),
    ("a triangle for minus", "perf.target.a.forecast", YEAR, "△500", -500),
    ("hours with their unit", "perf.cost.hours", YEAR, "1200時間", 1200),
    ("an integer field", "perf.projects.count", YEAR, "８", 8),
    ("an integer written with .0", "perf.projects.count", 2017, "22.0", 22),
    ("a percent sign", "perf.outcome.d1.a.actual", YEAR, "12.8 ％", 12.8),
    ("a decimal", "perf.outcome.d2.a.actual", YEAR, "1,234.5", 1234.5),
    ("a qualifier", "perf.target.a.actual", YEAR, "延べ600", 600),
]
QUALIFIED = {"perf.target.a.actual"}  # fix keeps the text: 延べ is not said by a number
# cells Excel itself stored as numbers, and a text field holding a number-like text
NOT_TEXT: list[tuple[str, int | None, Any]] = [
    ("perf.cost.prefectural", YEAR, 1200),
    ("perf.cost.other", YEAR, 1200.0),
    ("perf.outcome.d1.a.target", YEAR, 85.5),
    ("header.shisaku_no", None, "１，２００"),
]


def _typed(tmp_path: Path, values: dict[str, Any], name: str = "typed.xlsx") -> Path:
    """The example template of 施策マネジメントシート with `values` typed at A1 cells."""
    template = tmp_path / "template.xlsx"
    if not template.exists():
        make_template(default_registry().get(LAYOUT_ID), template, None, DOC)
    book = _load(template)
    for ref, value in values.items():
        book[SHEET][ref] = value
    out = tmp_path / name
    book.save(out)
    return out


def _load(path: Path, data_only: bool = False) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path, data_only=data_only)


def _at(checked: CheckResult, code: str, ref: str, sheet: str = SHEET) -> list[Problem]:
    return [p for p in checked.problems if p.code == code and (p.sheet, p.cell) == (sheet, ref)]


def _plain(value: int | float) -> str:
    return str(value) if isinstance(value, int) else format(Decimal(repr(value)), "f")


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> CheckResult:
    folder = tmp_path_factory.mktemp("stored-as-text")
    values = {cell(f, y): raw for _, f, y, raw, _ in TYPED}
    values |= {cell(f, y): raw for f, y, raw in NOT_TEXT}
    return check_file(_typed(folder, values))


@pytest.mark.parametrize(
    ("field_id", "year", "raw", "read"),
    [row[1:] for row in TYPED],
    ids=[row[0] for row in TYPED],
)
def test_each_kind_is_warned_at_its_cell_with_what_excel_does(
    checked: CheckResult, field_id: str, year: int | None, raw: str, read: int | float
) -> None:
    ref = cell(field_id, year)
    [warning] = _at(checked, CODE, ref)
    assert (warning.severity, warning.field, warning.value, warning.expected) == (
        "warning",
        field_id,
        raw,
        read,
    )
    assert type(warning.expected) is type(read)
    assert warning.message.startswith(f"'{SHEET}'!{ref} (")
    assert f"入力値 {show(raw)} は数値ではなく文字列として保存されています。" in warning.message
    assert f"点検では {show(read)} として読みました。" in warning.message
    if field_id in QUALIFIED:
        assert "「延べ」は数値の欄に入れず、半角の数字だけで入力し直してください" in warning.message
    else:
        assert f"半角の数字だけで {_plain(read)} と入力し直してください" in warning.message
    # the info of how it was read is kept beside it: --all lists every normalisation
    [info] = _at(checked, "value-normalized", ref)
    assert (info.severity, info.value, info.expected) == ("info", raw, read)
    assert checked.read is not None and checked.read.value((field_id, year)) == read


def test_numbers_excel_stored_and_text_fields_are_not_warned(checked: CheckResult) -> None:
    for field_id, year, _raw in NOT_TEXT:
        assert not _at(checked, CODE, cell(field_id, year)), field_id
    warned = {p.cell for p in checked.problems if p.code == CODE}
    assert warned == {cell(f, y) for _, f, y, _, _ in TYPED}


def test_the_untouched_examples_have_none() -> None:
    for example in sorted((ROOT / "examples").glob("*.xlsx")):
        assert not [p for p in check_file(example).problems if p.code == CODE], example.name


def test_the_message_names_the_totals_excel_leaves_it_out_of(checked: CheckResult) -> None:
    [national] = _at(checked, CODE, cell("perf.cost.national", YEAR))
    assert (
        "Excel の合計(SUM)は文字列を飛ばすため、施策コスト 事業費 事業費計(A) R2年度・"
        "施策コスト トータルコスト(A)+(B) R2年度 の計算にこの値が入りません。"
    ) in national.message
    # nothing computes with 延べ業務時間: what Excel does is said in general
    [hours] = _at(checked, CODE, cell("perf.cost.hours", YEAR))
    assert "Excel の合計(SUM)はこの値を飛ばし、掛け算・割り算などは #VALUE! になることが" in (
        hours.message
    )
    assert "の計算にこの値が入りません" not in hours.message


def test_fix_writes_the_number_once_as_before(checked: CheckResult, tmp_path: Path) -> None:
    by_cell = {(c.sheet, c.cell): c for c in checked.changes}
    assert len(by_cell) == len(checked.changes)  # one change a cell
    for _, field_id, year, raw, read in TYPED:
        change = by_cell.get((SHEET, cell(field_id, year)))
        if field_id in QUALIFIED:
            assert change is None  # a 延べ the department wrote is not dropped
            continue
        assert change is not None, field_id
        assert (change.old, change.new, change.rule) == (raw, read, "value-normalized")
    fixed = check_file(write_fixed(checked, tmp_path / "修正版.xlsx"))
    still = {p.cell for p in fixed.problems if p.code == CODE}
    assert still == {cell(f, y) for _, f, y, _, _ in TYPED if f in QUALIFIED}


def _cells(path: Path, registry: LayoutRegistry | None = None) -> dict[Key, tuple[str, str]]:
    read = read_file(path, registry)
    return {key: (c.sheet, c.address) for key, c in read.cells.items()}


def _example_template(layout_id: str, example: str, folder: Path) -> Path:
    doc = load_document(ROOT / "examples" / example)
    path = folder / f"{layout_id}.xlsx"
    make_template(default_registry().get(layout_id), path, None, doc)
    return path


def _edited(path: Path, places: dict[Key, tuple[str, str]], values: dict[Key, Any]) -> Path:
    book = _load(path)
    for key, value in values.items():
        sheet, ref = places[key]
        book[sheet][ref] = value
    out = path.with_name(f"{path.stem}_edited.xlsx")
    book.save(out)
    return out


def test_a_word_the_field_takes_is_not_warned_a_number_is(tmp_path: Path) -> None:
    """新潟's 目標 takes 増加 / 減少 as well as numbers."""
    template = _example_template("shinchoku-shihyo", "shinchoku-shihyo-R6.yaml", tmp_path)
    places = _cells(template)
    targets = [k for k in places if k[0].split("#")[0].endswith(".target") and k[1]][:3]
    assert len(targets) == 3
    typed = dict(zip(targets, ["増加", "減 少", "１２０"], strict=True))
    checked = check_file(_edited(template, places, typed))
    warned = {(p.sheet, p.cell) for p in checked.problems if p.code == CODE}
    assert warned == {places[targets[2]]}


def test_a_qualified_text_kept_as_text_is_not_warned(tmp_path: Path) -> None:
    """調布's 基準値 keeps 延べ600 as typed (xlsxsheet does not compute with it either);
    １，２００ is still a number stored as text."""
    template = _example_template("shisaku-hyoka", "shisaku-hyoka-R1.yaml", tmp_path)
    places = _cells(template)
    first, second = ("indicators.base#0", None), ("indicators.base#1", None)
    checked = check_file(_edited(template, places, {first: "延べ600", second: "１，２００"}))
    warned = {(p.sheet, p.cell) for p in checked.problems if p.code == CODE}
    assert warned == {places[second]}
    assert checked.read is not None and checked.read.value(first) == "延べ600"


def test_arithmetic_over_it_is_said_to_be_value_error(tmp_path: Path) -> None:
    """事務事業評価シート: 実績 feeds 達成率 (a ratio) and 単位当たりコスト; 国庫支出金 feeds
    事業費計(A) (a sum) and what is computed from it."""
    template = _example_template("jimu-jigyo", "jimu-jigyo-R6.yaml", tmp_path)
    places = _cells(template)
    actual, national = ("perf.activity.a1.actual", 2024), ("perf.cost.national", 2024)
    checked = check_file(_edited(template, places, {actual: "△500", national: "１，０００"}))
    by_cell = {(p.sheet, p.cell): p.message for p in checked.problems if p.code == CODE}
    ratio = by_cell[places[actual]]
    assert (
        "Excel では 活動指標 指標1 達成率 R6年度(決算)・人件費 単位当たりコスト R6年度(決算) が "
        "#VALUE! になることがあります"
    ) in ratio
    assert "計算にこの値が入りません" not in ratio
    summed = by_cell[places[national]]
    assert (
        "事業費 事業費計(A) R6年度(決算)・人件費 トータルコスト(A)+(B) R6年度(決算)・"
        "人件費 単位当たりコスト R6年度(決算) の計算にこの値が入りません。"
    ) in summed
    assert "#VALUE! になることがあります(" not in summed


def test_a_percent_field_typed_with_its_sign(tmp_path: Path) -> None:
    """A percent input (a layout's own: the bundled ones compute their percentages)."""
    text = (ROOT / "templates" / "jimu-jigyo.yaml").read_text(encoding="utf-8")
    old = '{id: actual, label: 実績, type: number, format: "#,##0.0"'
    assert text.count(old) == 1
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "jimu-jigyo.yaml").write_text(
        text.replace(old, '{id: actual, label: 実績, type: percent, format: "0.0"'),
        encoding="utf-8",
    )
    registry = LayoutRegistry([folder])
    template = tmp_path / "percent.xlsx"
    doc = load_document(ROOT / "examples" / "jimu-jigyo-R6.yaml")
    make_template(registry.get("jimu-jigyo"), template, None, doc)
    places = _cells(template, registry)
    key = ("perf.outcome.o1.actual", 2024)
    assert read_file(template, registry).plan.slots[key].field.type == "percent"
    checked = check_file(_edited(template, places, {key: "85%"}), registry)
    [warning] = [p for p in checked.problems if p.code == CODE]
    assert (warning.sheet, warning.cell, warning.expected) == (*places[key], 85)
    assert "半角の数字だけで 85 と入力し直してください" in warning.message
    assert "成果指標 指標1 達成率 R6年度(決算) が #VALUE! になることがあります" in warning.message


def test_the_marked_copy_marks_the_cell(tmp_path: Path) -> None:
    """`check --per-file-dir`: a warning fills the cell and notes it; the info alone did not."""
    typed = _typed(tmp_path, {cell("perf.cost.national", YEAR): "１，７６４，２５１"}, "施策.xlsx")
    code, out, err = run_cli("check", str(typed), "--per-file-dir", str(tmp_path / "返却用"))
    assert code == 0, out + err  # a warning: not an error
    assert CODE in out
    marked = _load(tmp_path / "返却用" / annotated_name(typed))
    target = marked[SHEET][cell("perf.cost.national", YEAR)]
    assert target.value == "１，７６４，２５１"  # marked, not corrected
    assert target.fill.fgColor.rgb == FILLS["warning"]
    assert target.comment is not None
    assert "[警告]" in target.comment.text
    assert "文字列として保存されています" in target.comment.text
    assert "半角の数字だけで 1764251 と入力し直してください" in target.comment.text
    listed = [row[5] for row in marked["点検結果"].iter_rows(min_row=2, values_only=True)]
    assert any("文字列として保存されています" in str(text) for text in listed)


def _recalculated(path: Path, out: Path, soffice: str) -> openpyxl.Workbook:
    return _load(recalculate(path, out, soffice=soffice), data_only=True)


@pytest.mark.libreoffice
def test_libreoffice_leaves_it_out_of_the_total_until_fix(soffice: str, tmp_path: Path) -> None:
    """What the warning says, shown by a spreadsheet: the template's SUM skips the text, so
    事業費計(A) and トータルコスト lack it; after fix they are xlsxsheet's totals."""
    national = DOC["perf"]["cost"]["national"]["R2"]
    typed = _typed(tmp_path, {cell("perf.cost.national", YEAR): f"{national:,}".translate(WIDE)})
    checked = check_file(typed)
    assert checked.read is not None
    totals = [("perf.cost.total_a", YEAR), ("perf.cost.total", YEAR)]
    ours = [checked.read.computed[key] for key in totals]
    sources = ("national", "prefectural", "bonds", "other", "general")
    assert ours[0] == sum(DOC["perf"]["cost"][s].get("R2", 0) for s in sources)
    [warning] = [p for p in checked.problems if p.code == CODE]
    named = [checked.read.plan.slots[key].label for key in totals]
    assert f"{'・'.join(named)} の計算にこの値が入りません" in warning.message
    shown = _recalculated(typed, tmp_path / "before", soffice)[SHEET]
    assert [shown[cell(*key)].value for key in totals] == [v - national for v in ours]
    fixed = write_fixed(checked, tmp_path / "修正版.xlsx")
    shown = _recalculated(fixed, tmp_path / "after", soffice)[SHEET]
    assert [shown[cell(*key)].value for key in totals] == ours


@pytest.mark.libreoffice
def test_libreoffice_cannot_divide_by_it_until_fix(soffice: str, tmp_path: Path) -> None:
    """事務事業評価シート: △500 in 実績 makes the 達成率 #VALUE!; after fix it is xlsxsheet's."""
    template = _example_template("jimu-jigyo", "jimu-jigyo-R6.yaml", tmp_path)
    places = _cells(template)
    actual, rate = ("perf.activity.a1.actual", 2024), ("perf.activity.a1.rate", 2024)
    typed = _edited(template, places, {actual: "△500"})
    checked = check_file(typed)
    assert checked.read is not None
    ours = checked.read.computed[rate]
    assert isinstance(ours, float)
    [warning] = [p for p in checked.problems if p.code == CODE]
    assert f"{checked.read.plan.slots[rate].label}・" in warning.message
    assert "が #VALUE! になることがあります" in warning.message
    sheet, ref = places[rate]
    assert _recalculated(typed, tmp_path / "before", soffice)[sheet][ref].value == "#VALUE!"
    fixed = write_fixed(checked, tmp_path / "修正版.xlsx")
    assert _recalculated(fixed, tmp_path / "after", soffice)[sheet][ref].value == ours
