"""What a check yields, and helpers to build problems at a field's cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from xlsxsheet.core.cells import a1
from xlsxsheet.core.changes import Change
from xlsxsheet.core.problems import Problem
from xlsxsheet.plan.workbook_plan import Slot
from xlsxsheet.reading.return_reader import ReadResult


@dataclass(frozen=True)
class Finding:
    """A problem and, where fix corrects it, the change and the sentence that says what the
    corrected copy writes (修正版では「未達成」にします。). The pipeline ends the problem's
    message with `fixed` only when that change is the one the copy writes at its cell, so a
    message never says a correction that is not made."""

    problem: Problem
    change: Change | None = None
    fixed: str = ""

    def __post_init__(self) -> None:
        if self.change is not None and not self.fixed:
            raise ValueError(f"{self.problem.code}: a change needs the sentence that says it")


def writes(value: Any) -> str:
    """What the corrected copy writes in a cell, as a message's last sentence. Text is quoted
    in 「」 (the form the copy for a department turns into 「…」に直してください)."""
    if value is None or value == "":
        return "修正版では空欄にします。"
    if isinstance(value, str):
        return f"修正版では「{value}」にします。"
    return f"修正版では {show(value)} にします。"


def place(result: ReadResult, slot: Slot) -> tuple[str, str]:
    """(sheet, A1 cell) where the slot's field was found (the template's place otherwise)."""
    cell = result.cells.get(slot.key)
    if cell is not None:
        return cell.sheet, cell.address
    return slot.sheet, a1(slot.row, slot.col)


def problem_at(
    result: ReadResult,
    slot: Slot,
    code: str,
    message: str,
    *,
    value: Any = None,
    expected: Any = None,
    severity: str = "",
) -> Problem:
    """A problem at the slot's cell, its message prefixed with 'シート'!セル (項目):."""
    sheet, cell = place(result, slot)
    return Problem(
        code=code,
        message=f"'{sheet}'!{cell} ({slot.label}): {message}",
        file=str(result.path),
        sheet=sheet,
        cell=cell,
        field=slot.field.id,
        label=slot.label,
        value=value,
        expected=expected,
        severity=severity,
    )


def change_at(
    result: ReadResult,
    slot: Slot,
    old: Any,
    new: Any,
    rule: str,
    reason: str,
    formula: bool = False,
) -> Change:
    sheet, cell = place(result, slot)
    return Change(sheet, cell, slot.field.id, slot.label, old, new, rule, reason, formula)


def show_value(value: Any) -> str:
    """A problem's value or expected value in a table's cell (the reports, the web page, the
    marked copy's 点検結果): a number as the message quotes it (14,000), a text as typed
    (「１,２００」 stays 「１,２００」), nothing for none."""
    if value is None:
        return ""
    if isinstance(value, int | float | date):
        return show(value)
    return str(value)


def date_text(value: date) -> str:
    """A date as Excel shows it in Japan: 2020/4/1 (with the time where it has one)."""
    day = f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, datetime) and value.time() != time():
        return f"{day} {value:%H:%M}"
    return day


def show(value: Any) -> str:
    """A value as quoted in messages: numbers with separators, TRUE/FALSE and dates as the
    cell shows them, text in 「」."""
    if value is None or value == "":
        return "(空欄)"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, date):
        return date_text(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.10g}"
    return f"「{value}」"
