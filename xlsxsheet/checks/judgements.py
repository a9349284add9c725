"""Judgement cells (達成/未達成, 向上/横ばい/低下) agree with the numbers they judge."""

from __future__ import annotations

from collections.abc import Iterator

from xlsxsheet.checks.base import Finding, change_at, problem_at, show
from xlsxsheet.core.memo import derived
from xlsxsheet.plan.workbook_plan import WorkbookPlan
from xlsxsheet.reading.return_reader import ReadResult
from xlsxsheet.rules.judgements import judge


def _judged(plan: WorkbookPlan) -> bool:
    """Whether any field of the plan is a judgement (has a rule); once per plan."""
    data = derived(plan)
    found = data.get("judged")
    if found is None:
        found = data["judged"] = any(s.field.rule is not None for s in plan.slots.values())
    return found


def check_judgements(result: ReadResult) -> Iterator[Finding]:
    if not _judged(result.plan):  # every cell's slot is one of the plan's
        return
    values = result.inputs | result.computed
    for key, cell in result.cells.items():
        slot = cell.slot
        if slot.field.rule is None:
            continue
        verdict = judge(result.plan, slot, values)
        if verdict is None or verdict.expected is None:
            continue
        entered = result.inputs.get(key)
        if verdict.direction_inferred and slot.direction_path is not None and entered is not None:
            yield Finding(
                problem_at(
                    result,
                    slot,
                    "direction-inferred",
                    f"指標の望ましい方向が未入力のため、目標値の推移から「{'低いほど良い' if verdict.lower_is_better else '高いほど良い'}」"
                    "と推定して判定しました。方向を入力してください。",
                )
            )
        if entered == verdict.expected:
            continue
        raw = cell.raw.value
        if entered is None and result.normalized[key].status == "blank":
            problem = problem_at(
                result,
                slot,
                "judgement-missing",
                f"判定が空欄です。{verdict.reason} から「{verdict.expected}」です。",
                expected=verdict.expected,
            )
        else:
            problem = problem_at(
                result,
                slot,
                "judgement-mismatch",
                f"入力値 {show(raw)} は数値と合いません。{verdict.reason} から"
                f"「{verdict.expected}」です。",
                value=raw,
                expected=verdict.expected,
            )
        yield Finding(
            problem, change_at(result, slot, raw, verdict.expected, problem.code, verdict.reason)
        )
