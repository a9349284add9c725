"""Input values: required, readable as their type, in their list; every normalisation said,
and a number stored as text (which Excel's formulas leave out) warned of besides."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from xlsxsheet.checks.base import Finding, change_at, problem_at, show, writes
from xlsxsheet.checks.key_texts import KEY_WIDTH_CODE, key_fields, key_form
from xlsxsheet.checks.text_numbers import stored_as_text, text_number_finding
from xlsxsheet.core.fiscal_year import long_label
from xlsxsheet.core.memo import derived
from xlsxsheet.core.problems import Problem
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan
from xlsxsheet.reading.return_reader import Key, ReadResult
from xlsxsheet.reading.values import NOTE_MESSAGES, Normalized, Note

# A key or code text (key_texts) written so once normalised: fix writes it back.
KEY_LOSSLESS = frozenset({"spaces-trimmed", KEY_WIDTH_CODE})
# Normalisations that only change how a value is written, not what it says: fix writes them back.
LOSSLESS = frozenset(
    {
        "spaces-removed",
        "spaces-trimmed",
        "fullwidth-digits",
        "fullwidth-symbols",
        "fullwidth-letters",
        "thousands-separator",
        "triangle-negative",
        "minus-variant",
        "plus-sign",
        "text-to-number",
        "integral-decimal",
        "man-unit",
        "oku-unit",
        "percent-sign",
        "alias",
        "case-changed",
        "dash-variant",
        "unit-removed",  # 44,000千円, 1200時間: the number without the unit it was typed with
    }
)
INVALID_CODES = {
    "number": "not-a-number",
    "integer": "not-a-number",
    "money": "not-a-number",
    "percent": "not-a-number",
    "choice": "not-in-list",
}


def check_values(result: ReadResult) -> Iterator[Finding]:
    cells = result.cells
    required = _required_keys(result.plan)
    keys = key_fields(result.plan.layout)
    for key, normalized in result.normalized.items():
        if keys and normalized.status == "ok" and key[0].partition("#")[0] in keys:
            normalized = _as_key(normalized)
        status = normalized.status
        if status == "blank":  # about half the cells of a return
            if key in required:
                yield Finding(
                    problem_at(
                        result,
                        cells[key].slot,
                        "required-missing",
                        "必須項目が空欄です。入力してください。",
                    )
                )
                continue
            if not normalized.notes:
                continue
        elif not normalized.notes and status != "invalid":
            continue  # read as typed: most of the others
        slot = cells[key].slot
        fdef = slot.field
        raw = normalized.raw
        if status == "invalid":
            if fdef.rule is None:  # a judgement's is said once, with the value its numbers give
                yield Finding(invalid_problem(result, slot, normalized))
            continue
        text = "、".join(note.message for note in normalized.notes)
        change, written = None, None
        if (
            normalized.status == "ok"
            and (fdef.type != "text" or _key_change(normalized, key, keys, cells[key].raw.formula))
            and normalized.qualifier is None
            and normalized.codes <= LOSSLESS
            and normalized.value != raw
            and _unit_fits(normalized, fdef.unit)
        ):
            written = _as_written(fdef.type, normalized.value)
            change = change_at(
                result,
                slot,
                raw,
                written,
                "value-normalized",
                f"表記を読み替えました({text})",
            )
        yield Finding(
            problem_at(
                result,
                slot,
                "value-normalized",
                f"入力値 {show(raw)} を {_as_read(fdef.type, normalized.value)} として読みました"
                f"({text})。",
                value=raw,
                expected=normalized.value,
            ),
            change,
            writes(written) if change is not None else "",
        )
        # the info above says how it was read (and carries fix's change); this, what Excel does
        # (the same change: the copy writes the number, and this says so where it does)
        if stored_as_text(slot, normalized, cells[key].raw.formula):
            yield text_number_finding(result, slot, normalized, change)
        if "yen-unit" in normalized.codes:
            yield Finding(
                problem_at(
                    result,
                    slot,
                    "unit-slip",
                    f"入力値 {show(raw)} は円単位で書かれています。この欄は千円単位です。"
                    "千円に直して入力してください。",
                    value=raw,
                )
            )


def _as_key(normalized: Normalized) -> Normalized:
    """A key or code text as the check reads it: in its key form (key_texts), with the note
    saying so, when that differs from the text the reader kept."""
    text = normalized.value
    if not isinstance(text, str) or key_form(text) == text:
        return normalized
    note = Note(KEY_WIDTH_CODE, NOTE_MESSAGES[KEY_WIDTH_CODE])
    return dataclasses.replace(normalized, value=key_form(text), notes=(*normalized.notes, note))


def _key_change(
    normalized: Normalized, key: Key, keys: frozenset[str], formula: str | None
) -> bool:
    """True for a key text fix writes in its key form: typed as text (not a formula's result),
    and nothing but the spaces around it and its full-width characters normalised."""
    return (
        formula is None
        and key[0].partition("#")[0] in keys
        and isinstance(normalized.raw, str)
        and normalized.codes <= KEY_LOSSLESS
    )


def invalid_problem(
    result: ReadResult, slot: Slot, normalized: Normalized, then: str = "", expected: Any = None
) -> Problem:
    """The problem of a value that cannot be read as its field's type (not-in-list for a
    choice, not-a-number for a number): the reader's reason, then `then` (a judgement's cell
    adds what its numbers give, `expected`, which fix writes)."""
    code = INVALID_CODES.get(slot.field.type, "invalid-value")
    message = normalized.error or "値が読めません。"
    if then:
        message = f"{message.rstrip('。')}。{then}"
    return problem_at(result, slot, code, message, value=normalized.raw, expected=expected)


def _unit_fits(normalized: object, unit: str | None) -> bool:
    """A unit typed with a number is dropped by fix only when it is the field's own (千円 in a
    千円 field; any unit where the field names none)."""
    typed = getattr(normalized, "unit", None)
    return typed is None or unit is None or typed == unit


def _required_keys(plan: WorkbookPlan) -> frozenset[Key]:
    """The keys of the plan's required fields, once per plan."""
    kept = derived(plan)
    found = kept.get("required_keys")
    if found is None:
        found = kept["required_keys"] = frozenset(
            key for key, slot in plan.slots.items() if slot.field.required
        )
    return found


def _as_written(field_type: str, value: object) -> object:
    """What fix writes for a value read losslessly: a fiscal year as 平成27年度, as templates
    write it on a 和暦 sheet (the number 2015 would show as a number); others as read."""
    if field_type == "fiscal-year" and isinstance(value, int):
        return long_label(value)
    return value


def _as_read(field_type: str, value: object) -> str:
    """The value a typed text was read as: a fiscal year as 1998年度, not the number 1,998."""
    if field_type == "fiscal-year" and isinstance(value, int):
        return f"{value}年度"
    return show(value)
