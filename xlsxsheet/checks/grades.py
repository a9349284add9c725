"""Grades a person decides: warn where the entered grade differs from the rule's suggestion."""

from __future__ import annotations

from collections.abc import Iterator

from xlsxsheet.checks.base import Finding, problem_at, show
from xlsxsheet.reading.return_reader import ReadResult
from xlsxsheet.rules.grades import suggest


def check_grade_suggestions(result: ReadResult) -> Iterator[Finding]:
    values = result.inputs | result.computed
    for field_id, suggestion in suggest(result.plan, values).items():
        slot = result.plan.slots.get((field_id, None))
        entered = values.get((field_id, None))
        if slot is None or suggestion.grade is None or not isinstance(entered, str):
            continue
        scale = result.plan.layout.lists[slot.field.list or ""].values
        if entered not in scale or suggestion.grade not in scale:
            continue
        distance = abs(scale.index(entered) - scale.index(suggestion.grade))
        if distance > suggestion.tolerance:
            yield Finding(
                problem_at(
                    result,
                    slot,
                    "grade-differs",
                    f"入力された評価 {show(entered)} は目安の「{suggestion.grade}」"
                    f"({suggestion.basis})と異なります。判断の理由を記載してください。"
                    "(この評価は修正しません)",
                    value=entered,
                    expected=suggestion.grade,
                )
            )
