"""A year-over-year jump of two or more orders of magnitude looks like 円 typed as 千円.

The series a section names in `unit_slip_check` are watched (a computed one by its computed
value). A layout that sets `checks.unit_slip_ratio` but names none watches every `money` series
typed by year: the ratio alone then means what its author meant.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from xlsxsheet.checks.base import Finding, problem_at, show
from xlsxsheet.core.memo import derived
from xlsxsheet.layout.model import FieldDef, YearTableBlock
from xlsxsheet.plan.slot_queries import slots_where
from xlsxsheet.plan.workbook_plan import Slot
from xlsxsheet.reading.return_reader import ReadResult


def _watched(result: ReadResult) -> list[tuple[tuple[str, ...], str]]:
    """(section path, series id) pairs the layout asks to watch (none: see _money)."""
    watched = []
    for sheet in result.plan.layout.sheets:
        for block in sheet.blocks:
            if isinstance(block, YearTableBlock):
                for section in block.sections:
                    prefix = (*block.id.split("."), section.id)
                    watched.extend((prefix, series) for series in section.unit_slip_check)
    return watched


def _watched_slots(result: ReadResult) -> list[list[Slot]]:
    """The year cells of each watched series, in year order (once per plan)."""
    kept = derived(result.plan)
    if "unit_slip_slots" in kept:
        return kept["unit_slip_slots"]
    watched = _watched(result)

    every_money = not watched and "unit_slip_ratio" in result.plan.layout.checks

    def is_watched(slot: Slot) -> bool:
        path = slot.field.path
        if every_money:
            return slot.year is not None and _money(slot.field)
        return slot.year is not None and any(
            path[: len(prefix)] == prefix and path[-1] == series for prefix, series in watched
        )

    by_field: dict[str, list[Slot]] = {}
    for slot in slots_where(result.plan, "unit-slip", is_watched):
        by_field.setdefault(slot.key[0], []).append(slot)  # a record's own, in a records grid
    found = [sorted(slots, key=lambda s: s.year or 0) for slots in by_field.values()]
    kept["unit_slip_slots"] = found
    return found


def _money(field: FieldDef) -> bool:
    """A money series typed by year (a year table's, or a records grid row's)."""
    return field.type == "money" and field.years is not None and not field.computed


def check_unit_slips(result: ReadResult) -> Iterator[Finding]:
    ratio = float(result.plan.layout.checks.get("unit_slip_ratio", 100))
    for slots in _watched_slots(result):
        series = [(s, result.value(s.key)) for s in slots]
        known = [(s, v) for s, v in series if isinstance(v, int | float) and v != 0]
        for (_prev, before), (slot, now) in itertools.pairwise(known):
            up = abs(now) / abs(before)
            factor = up if up >= 1 else 1 / up
            if factor >= ratio:
                yield Finding(
                    problem_at(
                        result,
                        slot,
                        "unit-slip",
                        f"前の入力年度の {show(before)} から {show(now)} へ約{factor:,.0f}"
                        + (
                            "倍に増えています。千円単位の欄に円で入力していないか確認してください。"
                            if up >= 1
                            else "分の1に減っています。前の年度の値が円で入力されていないか、"
                            "この年度の値の単位を確認してください。"
                        ),
                        value=now,
                    )
                )
