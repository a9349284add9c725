"""Computed cells: the live formula is there and intact, and any typed total adds up."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xlsxsheet.checks.base import Finding, change_at, problem_at, show
from xlsxsheet.core.cells import a1
from xlsxsheet.core.memo import derived
from xlsxsheet.layout.formula import parse_formula
from xlsxsheet.plan.slot_queries import slots_where
from xlsxsheet.plan.workbook_plan import Slot
from xlsxsheet.reading.binding import bound_as_planned
from xlsxsheet.reading.return_reader import ReadResult, normalize_cell
from xlsxsheet.rules.formulas import planned_formula

_SPACES = re.compile(r"[\s$']")  # spaces, $ and the quotes around a sheet name do not matter


def _same_formula(found: str, expected: str) -> bool:
    return _SPACES.sub("", found).upper() == _SPACES.sub("", expected).upper()


def check_formulas(result: ReadResult) -> Iterator[Finding]:
    for failure in result.compute_failures:
        yield Finding(
            problem_at(
                result,
                failure.slot,
                "compute-failed",
                f"計算できません: {failure.reason}{_from_where(result, failure.source)}。"
                "元の数値を確認してください。",
            )
        )
    as_planned = result.migration is None and bound_as_planned(result.content, result.plan)
    cells = result.cells
    for key in _computed_keys(result):
        cell = cells.get(key)
        if cell is None:
            continue
        slot = cell.slot
        expected_value = result.computed.get(key)
        if as_planned:  # every cell where the template put it: the template's text, kept
            expected_formula = planned_formula(result.plan, slot)
        else:
            try:
                expected_formula = _expected_formula(result, key)
            except _InputGone as gone:
                if result.content.formulas_known:
                    yield _input_gone(result, slot, cell.raw.formula, gone.slot)
                continue
        if expected_formula is None:
            continue  # an aggregate Excel cannot say (a list): checks/records.py checks its value
        raw = cell.raw
        if not result.content.formulas_known:
            continue  # .xls: values only (reported once by check_file_kind)
        if raw.formula is None:
            yield _typed_over_formula(result, slot, raw.value, expected_value, expected_formula)
        elif (
            expected_formula
            and not _same_formula(raw.formula, expected_formula)
            and not _older_template(result, slot, raw.formula)
        ):
            yield Finding(
                problem_at(
                    result,
                    slot,
                    "formula-changed",
                    _changed(raw.formula, expected_formula),
                    value=raw.formula,
                    expected=expected_formula,
                ),
                change_at(
                    result,
                    slot,
                    raw.formula,
                    expected_formula,
                    "formula-changed",
                    "計算式を様式のものに戻しました",
                    formula=True,
                ),
                "修正版では様式の計算式に戻します。",
            )


# a restored formula longer than this is not spelt out to the 課 (its guards against blank
# cells make a 100-character text of a sum of two products); the words version says what it is
SHOWN_FORMULA_LENGTH = 40


def _changed(typed: str, expected: str) -> str:
    """formula-changed's message: the template's formula quoted where it is short enough to
    read (a long one is in the problem's expected value, and on the result page folded)."""
    if len(expected) <= SHOWN_FORMULA_LENGTH:
        return f"計算式 {typed} が様式の計算式 {expected} と違います。"
    if len(typed) <= SHOWN_FORMULA_LENGTH:
        return f"計算式 {typed} が様式の計算式と違います。"
    return "入力された計算式が様式の計算式と違います。"


def _typed_over_formula(
    result: ReadResult, slot: Slot, typed_raw: object, expected_value: object, formula: str
) -> Finding:
    """One problem for a value typed over a formula: total-mismatch (an error) when it is not
    what the formula gives, else formula-overwritten (a warning); fix restores the formula."""
    shown = f"計算式 {formula} " if len(formula) <= SHOWN_FORMULA_LENGTH else "様式の計算式"
    overwritten = f"計算式が値 {show(typed_raw)} で上書きされています。"
    typed = normalize_cell(slot, typed_raw, result.plan)
    if typed.status == "ok" and typed.value != expected_value:
        code = "total-mismatch"
        message = (
            f"入力値 {show(typed_raw)} は計算結果 {show(expected_value)} と一致しません"
            f"({_formula_text(slot)})。{overwritten}"
        )
        expected: object = expected_value
    elif typed.status not in ("ok", "blank"):
        code = "total-mismatch"
        message = f"入力値 {show(typed_raw)} は計算結果 {show(expected_value)} ではありません。{overwritten}"
        expected = expected_value
    else:
        code, message, expected = "formula-overwritten", overwritten, formula
    # the 修正履歴 row says the problem's own code (it said formula-overwritten for both)
    restore = change_at(
        result, slot, typed_raw, formula, code, "計算式を復元しました", formula=True
    )
    return Finding(
        problem_at(result, slot, code, message, value=typed_raw, expected=expected),
        restore,
        f"修正版では{shown}に戻します。",
    )


def _older_template(result: ReadResult, slot: Slot, found: str) -> bool:
    """The formula as a template of an earlier xlsxsheet wrote it, before blanks were guarded
    (`a + b` was =(F10+F11)): not a changed formula."""
    if slot.field.formula is None or not bound_as_planned(result.content, result.plan):
        return False
    siblings = slot.siblings
    older = parse_formula(slot.field.formula).to_excel_before_guards(
        lambda ref: a1(siblings[ref].row, siblings[ref].col)
    )
    return _same_formula(found, older)


def _computed_keys(result: ReadResult) -> list[tuple[str, int | None]]:
    """The plan's computed cells, in the plan's order (the order cells are bound in)."""
    kept = derived(result.plan)
    if "computed_keys" not in kept:
        computed = slots_where(result.plan, "computed", _is_computed)
        kept["computed_keys"] = [slot.key for slot in computed]
    return kept["computed_keys"]


def _is_computed(slot: Slot) -> bool:
    return slot.field.computed


def _from_where(result: ReadResult, source: Slot | None) -> str:
    """Which input cell holds the value a formula cannot compute with, said after the reason:
    the failure is reported at the computed cell, the clerk typed the text elsewhere."""
    if source is None:
        return ""
    cell = result.cells.get(source.key)
    place = f" {cell.address}" if cell is not None else ""
    return f"(入力欄{place} の {source.label} の値です。数値か空欄にしてください)"


def _formula_text(slot: Slot) -> str:
    """What the cell computes, in the words of the sheet: SUM(国庫支出金,…), not field ids."""
    if slot.field.aggregate is not None:
        return f"{slot.label}の集計"
    formula = parse_formula(slot.field.formula or "")
    named = formula_row_names({ref: slot.siblings[ref].field.label for ref in formula.references()})
    return formula.describe(lambda ref: named[ref])


def formula_row_names(labels: dict[str, str]) -> dict[str, str]:
    """Each reference by the end of its label, as many words as tell it from the others: a
    series cell's label ends with its row's name (施策コスト 事業費 財源内訳 国庫支出金 → 国庫支出金),
    and 人件費 正職員 人工 beside 人件費 会計年度任用職員 人工 is 正職員 人工, not 人工 twice."""
    words = {ref: label.split() for ref, label in labels.items()}
    named: dict[str, str] = {}
    for ref, own in words.items():
        end = own[-1:] or [ref]
        for size in range(1, len(own) + 1):
            end = own[-size:]
            if all(other[-size:] != end for r, other in words.items() if r != ref):
                break
        named[ref] = " ".join(end)
    return named


class _InputGone(Exception):
    """An input of a formula has no cell in this workbook (its row deleted: its name broken),
    so the template's formula cannot be written with this workbook's addresses."""

    def __init__(self, slot: Slot) -> None:
        super().__init__(slot.label)
        self.slot = slot


def _input_gone(result: ReadResult, slot: Slot, found: str | None, gone: Slot) -> Finding:
    """The formula cannot be restored: said, and nothing corrected (a guess at the address
    would sum another row: a deleted 地方債 row put その他 in twice)."""
    now = f"計算式 {found} が参照する" if found else "この計算結果が参照する"
    return Finding(
        problem_at(
            result,
            slot,
            "formula-input-gone",
            f"{now} {gone.label} のセルが見つかりません(その行・列が削除されています)。"
            "様式の計算式を組み立てられないため、修正版でも直しません。削除した行・列を"
            "元に戻すか、新しい様式をダウンロードして転記してください。",
            value=found,
        )
    )


def _expected_formula(result: ReadResult, key: tuple[str, int | None]) -> str | None:
    """The template formula with references to where the inputs are in *this* workbook;
    _InputGone when an input has no cell here."""
    slot = result.cells[key].slot
    if slot.field.aggregate is not None:
        from xlsxsheet.rules.aggregates import workbook_formula

        return workbook_formula(result, slot)
    formula = parse_formula(slot.field.formula or "")
    own_sheet = result.cells[key].sheet

    def resolve(ref: str) -> str:
        sibling = slot.siblings[ref]
        bound = result.cells.get(sibling.key)
        if bound is None:
            raise _InputGone(sibling)
        if bound.sheet != own_sheet:
            return a1(sibling.row, sibling.col)
        return bound.address

    return formula.to_excel(resolve)
