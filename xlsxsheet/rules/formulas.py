"""The live Excel formula of a computed cell: what the template writes and the checks expect."""

from __future__ import annotations

from xlsxsheet.core.cells import a1
from xlsxsheet.core.memo import derived
from xlsxsheet.layout.formula import parse_formula
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan
from xlsxsheet.rules import aggregates


def planned_formula(plan: WorkbookPlan, slot: Slot) -> str | None:
    """formula_of(slot, plan), once per plan and cell (the checks ask for every return)."""
    kept: dict[tuple[str, int | None], str | None] = derived(plan).setdefault("formulas", {})
    key = slot.key
    if key in kept:
        return kept[key]
    found = kept[key] = formula_of(slot, plan)
    return found


def formula_of(slot: Slot, plan: WorkbookPlan | None = None) -> str | None:
    """The live Excel formula of a computed slot, refs resolved to A1 addresses.

    Aggregates (counts over records tables) need the plan; one without an Excel formula (a
    list of headings) has None: its value is written and checked as a value.
    """
    if slot.field.aggregate is not None:
        return None if plan is None else aggregates.plan_formula(plan, slot)
    if slot.field.formula is None:
        return None

    def resolve(ref: str) -> str:
        sibling = slot.siblings[ref]
        return a1(sibling.row, sibling.col)

    return parse_formula(slot.field.formula).to_excel(resolve)
