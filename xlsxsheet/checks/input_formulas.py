"""Input cells that hold a formula: read as the result the spreadsheet saved, and said so."""

from __future__ import annotations

from collections.abc import Iterator

from xlsxsheet.checks.base import Finding, problem_at, show
from xlsxsheet.reading.binding import filled_keys
from xlsxsheet.reading.return_reader import ReadResult, input_raw


def check_input_formulas(result: ReadResult) -> Iterator[Finding]:
    cells = result.cells
    sparse = filled_keys(result.content, result.plan) if result.migration is None else None
    # the cells holding a formula, when the intact binding listed them
    for cell in cells.values() if sparse is None else [cells[key] for key in sparse.formulas]:
        if cell.slot.field.computed or cell.raw.formula is None:
            continue
        saved = input_raw(result.content, cell)
        read = (
            f"保存されていた計算結果 {show(saved)} を値として読みました"
            if saved is not None
            else "計算結果が保存されていないため、値は読めません"
        )
        yield Finding(
            problem_at(
                result,
                cell.slot,
                "formula-in-input",
                f"入力欄に計算式 {cell.raw.formula} が入っています。{read}。"
                "値を直接入力してください。",
                value=cell.raw.formula,
                expected=saved,
            )
        )
