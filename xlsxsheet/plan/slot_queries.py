"""The slots of a plan that pass a test, worked out once per single cell and per records unit.

The returns of a records layout differ in their tables' lengths, so most have a plan of their
own. A plan's single cells are its own, but the units of a read table are shared by every plan
whose table starts on the same row (plan_records.KeptUnits): what a test says of a unit's slots
is kept with the unit, and a new plan asks only its single cells. The test must depend on the
slot alone (its field, year, place), and `key` must name it: equal keys, the same test.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from xlsxsheet.core.memo import derived
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan


def slots_where(plan: WorkbookPlan, key: Hashable, test: Callable[[Slot], bool]) -> list[Slot]:
    """The slots of `plan` for which `test` is true, in the plan's order (kept per plan: do not
    change the list)."""
    kept: dict[Hashable, list[Slot]] = derived(plan).setdefault("slots_where", {})
    found = kept.get(key)
    if found is not None:
        return found
    found = kept[key] = []
    for part in plan.parts:
        if isinstance(part, Slot):
            if test(part):
                found.append(part)
            continue
        count = len(part.units)
        if part.kept is None:  # a template's table: its units are its plan's own
            found.extend(slot for slots in part.units for slot in slots.values() if test(slot))
            continue
        per_unit: list[list[Slot]] = derived(part.kept).setdefault(("slots_where", key), [])
        units = part.kept.units
        for unit in range(len(per_unit), count):
            per_unit.append([slot for slot in units[unit].values() if test(slot)])
        for chosen in per_unit[:count]:
            found.extend(chosen)
    return found
