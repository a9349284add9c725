"""What a year-table formula may refer to besides the series of its own item and year.

A formula reads `slot.siblings[ref]`: the cells of its item in its year. Two more kinds of
reference are added to that mapping once the whole year table is laid out:

- a series of the same item written once across the years (`across_years`, e.g. the
  indicator's 望ましい方向), by its id;
- a series of another section of the same table in the same year, by its path below the
  table: ``activity.a1.actual`` (section id, level keys, series id).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout import model as m
from xlsxsheet.layout.formula import parse_formula

if TYPE_CHECKING:
    from xlsxsheet.plan.workbook_plan import Slot


def link_year_table(slots: dict[tuple[str, int | None], Slot], block: m.YearTableBlock) -> None:
    """Give every formula cell of `block` the cells its references name."""
    base = block.id
    for key, slot in list(slots.items()):
        formula = slot.field.formula
        if formula is None or not key[0].startswith(base + "."):
            continue
        group = slot.item.get(slot.year)
        if group is None:
            continue
        across = slot.item.get(None, {})
        for ref in parse_formula(formula).references():
            if ref in group:
                continue
            if ref in across:
                group[ref] = across[ref]
            elif "." in ref:
                other = slots.get((f"{base}.{ref}", slot.year)) or slots.get(
                    (f"{base}.{ref}", None)
                )
                if other is not None:
                    group[ref] = other


def refuse_formula_cycles(
    slots: dict[tuple[str, int | None], Slot], block: m.YearTableBlock, layout_file: str
) -> None:
    """LayoutError when a formula of `block` reaches itself through the cells it refers to
    (Excel opens such a template with a 循環参照 warning and computes nothing)."""
    done: set[tuple[str, int | None]] = set()
    for key, slot in slots.items():
        if slot.field.formula is not None and key[0].startswith(block.id + "."):
            _follow(slot, [], done, layout_file)


def _follow(slot: Slot, path: list[Slot], done: set[tuple[str, int | None]], file: str) -> None:
    if slot.key in done:
        return
    keys = [s.key for s in path]
    if slot.key in keys:
        loop = [*path[keys.index(slot.key) :], slot]
        raise LayoutError(
            file,
            loop[0].field.place,
            "formula の参照が循環しています: " + " → ".join(f"「{s.field.label}」" for s in loop),
            "どれかの formula から、この輪になる参照を外してください(Excel では循環参照になります)",
        )
    formula = slot.field.formula
    if formula is not None:
        for ref in sorted(parse_formula(formula).references()):
            target = slot.siblings.get(ref)
            if target is not None:
                _follow(target, [*path, slot], done, file)
    done.add(slot.key)
