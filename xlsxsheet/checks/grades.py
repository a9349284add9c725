"""Grades a person decides: warn where the entered grade differs from the rule's suggestion,
naming each indicator the suggestion left out and why (a value missing, text, a 0 to divide by)."""

from __future__ import annotations

from collections.abc import Iterator

from xlsxsheet.checks.base import Finding, problem_at, show
from xlsxsheet.core.fiscal_year import column_label
from xlsxsheet.layout.model import GradeSuggestion
from xlsxsheet.plan.workbook_plan import Slot
from xlsxsheet.reading.return_reader import ReadResult
from xlsxsheet.rules.grades import Need, item_needs, items_under, suggest

Item = dict[int | None, dict[str, Slot]]


def check_grade_suggestions(result: ReadResult) -> Iterator[Finding]:
    values = result.inputs | result.computed
    rules = {rule.field: rule for rule in result.plan.layout.grade_suggestions}
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
                    f"({suggestion.basis})と異なります。{_left_out(result, rules[field_id])}"
                    "判断の理由を記載してください。(この評価は修正しません)",
                    value=entered,
                    expected=suggestion.grade,
                )
            )


def _left_out(result: ReadResult, rule: GradeSuggestion) -> str:
    """「目安の計算に入れていない指標: 成果指標 1 イ(実績値 H30年度 H45 が空欄)。」, or "" when the
    suggestion counts every indicator that has anything entered."""
    needs = item_needs(rule)
    if not needs:
        return ""
    said = []
    for item in items_under(result.plan, str(rule.args["source"])):
        if not _entered(result, item):
            continue  # a row the department does not use
        reasons = [r for need in needs if (r := _missing(result, item, need))]
        if reasons:
            said.append(f"{_item_name(item)}({'、'.join(reasons)})")
    return f"目安の計算に入れていない指標: {'、'.join(said)}。" if said else ""


def _missing(result: ReadResult, item: Item, need: Need) -> str:
    """Why the value `need` asks for does not count ("" when it does)."""
    series, back, divisor = need
    year = result.plan.year - back
    slot = item.get(year, {}).get(series)
    if slot is None:
        return f"{column_label(year)}の列がありません"
    cell = result.cells.get(slot.key)
    named = _value_name(item, slot) + (f" {cell.address}" if cell is not None else "")
    value = result.value(slot.key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{named} が 0 のため率を計算できません" if divisor and not value else ""
    raw = cell.raw.value if cell is not None else None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return f"{named} が空欄"
    return f"{named} が {show(raw)} で数値ではありません"


def _entered(result: ReadResult, item: Item) -> bool:
    """Whether any cell of the indicator holds something (an unused row is not said)."""
    for slots in item.values():
        for slot in slots.values():
            cell = result.cells.get(slot.key)
            raw = cell.raw.value if cell is not None else None
            if raw is not None and not (isinstance(raw, str) and not raw.strip()):
                return True
    return False


def _item_name(item: Item) -> str:
    """The indicator as its cells' labels name it: 成果指標 1 イ (the words they all begin with)."""
    labels = [s.field.label.split() for slots in item.values() for s in slots.values()]
    common = labels[0]
    for words in labels[1:]:
        size = next(
            (i for i, (a, b) in enumerate(zip(common, words, strict=False)) if a != b), None
        )
        common = common[: min(len(common), len(words)) if size is None else size]
    return " ".join(common or labels[0])


def _value_name(item: Item, slot: Slot) -> str:
    """A value of the indicator without the indicator's name: 実績値 H30年度."""
    name = _item_name(item)
    return slot.label[len(name) :].strip() if slot.label.startswith(name) else slot.label
