"""Judgement cells (達成/未達成, 向上/横ばい/低下) agree with the numbers they judge.

A judgement's cell is read here whole: a value outside its list (ほぼ達成) is one problem,
not-in-list, that says what the numbers give (check_values leaves judgements to this check).
Each judgement fix corrects (not-in-list, judgement-mismatch, judgement-missing) ends with
what the corrected copy writes (修正版では「未達成」にします。).
"""

from __future__ import annotations

from collections.abc import Iterator

from xlsxsheet.checks.base import Finding, change_at, problem_at, show, writes
from xlsxsheet.checks.values import invalid_problem
from xlsxsheet.core.memo import derived
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan
from xlsxsheet.reading.return_reader import ReadResult
from xlsxsheet.reading.values import Normalized
from xlsxsheet.rules.judgements import Verdict, judge


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
            if result.normalized[key].status == "invalid":
                yield Finding(invalid_problem(result, slot, result.normalized[key]))
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
        raw = cell.raw.value
        normalized = result.normalized[key]
        if normalized.status == "invalid":  # not in the list: said once, with what to choose
            yield _not_readable(result, slot, normalized, verdict)
            continue
        if entered == verdict.expected:
            continue
        if entered is None and normalized.status == "blank":
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
            problem,
            change_at(result, slot, raw, verdict.expected, problem.code, verdict.reason),
            writes(verdict.expected),
        )


def _not_readable(
    result: ReadResult, slot: Slot, normalized: Normalized, verdict: Verdict
) -> Finding:
    """A judgement typed outside its list (ほぼ達成): one problem, the reader's (not-in-list),
    saying what the numbers give and that fix writes it; its 修正履歴 row has the same code. Not
    a judgement-mismatch besides: the same cell, the same correction, told twice."""
    expected = verdict.expected
    problem = invalid_problem(
        result,
        slot,
        normalized,
        f"{verdict.reason} から「{expected}」です。",
        expected,
    )
    return Finding(
        problem,
        change_at(result, slot, normalized.raw, expected, problem.code, verdict.reason),
        writes(expected),
    )
