"""Recompute every computed field from the inputs, in dependency order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from xlsxsheet.derived import derived
from xlsxsheet.formula import Formula, FormulaValueError, parse_formula
from xlsxsheet.plan import Slot, WorkbookPlan

Key = tuple[str, int | None]


@dataclass(frozen=True)
class ComputeFailure:
    """A computed cell that cannot be computed, e.g. text among the numbers it adds."""

    slot: Slot
    reason: str


@cache
def _parsed(text: str) -> Formula:
    return parse_formula(text)


def recompute(
    plan: WorkbookPlan, values: Mapping[Key, Any]
) -> tuple[dict[Key, Any], list[ComputeFailure]]:
    """Values of every computed slot (None where it cannot be computed) and the failures."""
    results: dict[Key, Any] = {}
    failures: list[ComputeFailure] = []

    def value_of(slot: Slot) -> Any:
        if not slot.field.computed:
            return values.get(slot.key)
        if slot.key not in results and slot.field.aggregate is not None:
            from xlsxsheet import aggregates

            results[slot.key] = None  # guards against cycles
            results[slot.key] = aggregates.evaluate(plan, slot, values, value_of)
        if slot.key not in results:
            results[slot.key] = None  # guards against cycles
            formula = _parsed(slot.field.formula or "")
            inputs = {ref: value_of(slot.siblings[ref]) for ref in formula.references()}
            try:
                results[slot.key] = formula.evaluate(inputs)
            except FormulaValueError as exc:
                failures.append(ComputeFailure(slot, str(exc)))
        return results[slot.key]

    for slot in _computed_slots(plan):
        value_of(slot)
    return results, failures


def _computed_slots(plan: WorkbookPlan) -> tuple[Slot, ...]:
    """The plan's computed slots in order, listed once per plan."""
    kept = derived(plan)
    found = kept.get("computed_slots")
    if found is None:
        found = kept["computed_slots"] = tuple(
            slot for slot in plan.slots.values() if slot.field.computed
        )
    return found
