"""A value typed in a year column whose role the series is not entered in: an 実績 in the 予算
column (a series with `year_roles: [決算]`)."""

from __future__ import annotations

from collections.abc import Iterator

from xlsxsheet.checks.base import Finding, problem_at, show
from xlsxsheet.core.memo import derived
from xlsxsheet.plan.workbook_plan import Slot
from xlsxsheet.plan.year_roles import slot_role
from xlsxsheet.reading.return_reader import ReadResult


def _outside_roles(result: ReadResult) -> list[tuple[Slot, str, str]]:
    """(slot, its column's role label, the roles it is entered in), once per plan."""
    kept = derived(result.plan)
    if "year_role_slots" not in kept:
        plan = result.plan
        found = []
        for slot in plan.slots.values():
            allowed = slot.field.year_roles
            if isinstance(allowed, str) or slot.year is None or slot.field.computed:
                continue
            role = slot_role(plan.layout, slot, plan.year)
            if role is not None and role.role not in allowed:
                found.append((slot, role.label, "・".join(allowed)))
        kept["year_role_slots"] = found
    return kept["year_role_slots"]


def check_year_roles(result: ReadResult) -> Iterator[Finding]:
    for slot, role, allowed in _outside_roles(result):
        value = result.inputs.get(slot.key)
        if value is None or value == "":
            continue
        yield Finding(
            problem_at(
                result,
                slot,
                "year-role",
                f"{show(value)} が入力されています。この行は{allowed}の列にだけ入力します"
                f"({role}の列には入力しません)。年度の列を確認してください。",
                value=value,
            )
        )
