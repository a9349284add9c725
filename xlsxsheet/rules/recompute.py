"""Recompute every computed field from the inputs, in dependency order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from xlsxsheet.core.memo import derived
from xlsxsheet.layout.formula import Formula, FormulaValueError, parse_formula
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan

Key = tuple[str, int | None]


@dataclass(frozen=True)
class ComputeFailure:
    """A computed cell that cannot be computed, e.g. text among the numbers it adds."""

    slot: Slot
    reason: str
    source: Slot | None = None  # the input cell whose value cannot be computed with, if one is


@cache
def _parsed(text: str) -> Formula:
    return parse_formula(text)


def recompute(
    plan: WorkbookPlan, values: Mapping[Key, Any]
) -> tuple[dict[Key, Any], list[ComputeFailure]]:
    """Values of every computed slot (None where it cannot be computed) and the failures."""
    run = _Recompute(plan, values)
    for slot in _computed_slots(plan):
        run.value_of(slot)
    return run.results, run.failures


class _Recompute:
    """One recomputation. (A class, not a closure that calls itself: such a closure is a
    reference cycle, which kept each return's values alive until the collector ran.)"""

    def __init__(self, plan: WorkbookPlan, values: Mapping[Key, Any]) -> None:
        self.plan, self.values = plan, values
        self.results: dict[Key, Any] = {}
        self.failures: list[ComputeFailure] = []

    def value_of(self, slot: Slot) -> Any:
        if not slot.field.computed:
            return self.values.get(slot.key)
        results = self.results
        if slot.key not in results and slot.field.aggregate is not None:
            from xlsxsheet.rules import aggregates

            results[slot.key] = None  # guards against cycles
            results[slot.key] = aggregates.evaluate(self.plan, slot, self.values, self.value_of)
        if slot.key not in results:
            results[slot.key] = None  # guards against cycles
            formula = _parsed(slot.field.formula or "")
            inputs = {ref: self._input(slot.siblings[ref]) for ref in formula.references()}
            try:
                results[slot.key] = formula.evaluate(inputs)
            except FormulaValueError as exc:
                source = next(
                    (
                        slot.siblings[ref]
                        for ref, value in inputs.items()
                        if isinstance(value, bool) or (isinstance(value, str) and value != "")
                    ),
                    None,
                )
                self.failures.append(ComputeFailure(slot, str(exc), source))
        return results[slot.key]

    def _input(self, slot: Slot) -> Any:
        """A formula's input: a blank computed cell holds "" in Excel (an empty cell None)."""
        value = self.value_of(slot)
        return "" if value is None and slot.field.computed else value


def _computed_slots(plan: WorkbookPlan) -> tuple[Slot, ...]:
    """The plan's computed slots in order, listed once per plan."""
    kept = derived(plan)
    found = kept.get("computed_slots")
    if found is None:
        found = kept["computed_slots"] = tuple(
            slot for slot in plan.slots.values() if slot.field.computed
        )
    return found
